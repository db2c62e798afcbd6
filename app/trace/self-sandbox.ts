import { constantsWithPrefix } from '../linux/arch-constants';
import { archInfo } from '../linux/arches';
import { capabilityName } from '../linux/capabilities';
import { PRCTL, SECCOMP } from '../linux/constants';
import { sockFprogLayout, type SockFprogLayout } from '../linux/sock-fprog';
import { syscallName, syscallNumber, type Arch } from '../linux/syscalls';
import {
  SelfSandboxKind as SelfSandboxKindSchema,
  type SelfSandboxKind,
} from './self-sandbox-event';

/**
 * Recognizes, in a seccomp notification, a program sandboxing itself: installing a seccomp filter
 * or strict mode, setting no_new_privs or dumpable, dropping capabilities, lowering its resource
 * limits, entering a Landlock domain. The notification arrives before the kernel runs the call, so
 * this describes what the program asks for; whether it worked shows in /proc afterwards.
 */

export interface NotifiedSyscall {
  readonly arch: Arch;
  readonly nr: number;
  readonly args: readonly bigint[];
  /** Thread-group id and thread id of the caller (seccomp_notif.pid is the thread). */
  readonly pid: number;
  readonly tid: number;
}

export type { SelfSandboxKind };

export const SELF_SANDBOX_KINDS: readonly SelfSandboxKind[] = SelfSandboxKindSchema.options;

export interface SelfSandboxCall {
  readonly kind: SelfSandboxKind;
  readonly arch: Arch;
  readonly syscall: string;
  /** The call with named arguments: `seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_LOG, 0x7ffd…)`. */
  readonly call: string;
  /** What the program asks for, in words. */
  readonly summary: string;
  /** Named flag bits (seccomp filter flags); unknown bits as hex. */
  readonly flags: readonly string[];
  /** True when the effect is on the calling thread only (credentials, seccomp without TSYNC). */
  readonly perThread: boolean;
  /** Where the filter's `struct sock_fprog` is in the caller's memory. */
  readonly fprog?: { readonly address: bigint; readonly layout: SockFprogLayout };
  /** Where the new limit is: two fields of `fieldBytes` each (soft, hard). */
  readonly rlimit?: {
    readonly resource: string;
    readonly address: bigint;
    readonly fieldBytes: 4 | 8;
  };
}

const U32 = 0xffffffffn;
const hex = (value: bigint): string => `0x${value.toString(16)}`;

/** The syscall's arguments as the C types see them on `arch`. */
class Args {
  private readonly longMask: bigint;

  constructor(private readonly site: NotifiedSyscall) {
    this.longMask = archInfo(site.arch).longBits === 32 ? U32 : (1n << 64n) - 1n;
  }

  raw(i: number): bigint {
    return this.site.args[i] ?? 0n;
  }

  /** An `unsigned int` argument. */
  u32(i: number): number {
    return Number(this.raw(i) & U32);
  }

  /** An `int` argument (pid_t, option numbers). */
  int(i: number): number {
    return this.u32(i) | 0;
  }

  /** An `unsigned long` or pointer argument. */
  ulong(i: number): bigint {
    return this.raw(i) & this.longMask;
  }
}

/** The name among `prefix*` constants with this value, or the number. */
function nameOf(arch: Arch, prefix: string, value: number): string {
  return (
    constantsWithPrefix(arch, prefix).find((c) => c.value === BigInt(value))?.name ?? String(value)
  );
}

function seccompFlagNames(flags: number): string[] {
  const names: string[] = [];
  let rest = flags >>> 0;
  for (const [name, bit] of Object.entries(SECCOMP)) {
    if (!name.startsWith('SECCOMP_FILTER_FLAG_') || (rest & bit) === 0) continue;
    names.push(name);
    rest = (rest & ~bit) >>> 0;
  }
  if (rest !== 0) names.push(`0x${rest.toString(16)}`);
  return names;
}

const capText = (cap: number): string => capabilityName(cap) ?? `capability ${cap}`;

type Base = Pick<SelfSandboxCall, 'arch' | 'syscall'>;

function filterCall(base: Base, args: string[], flags: number, fprog: bigint): SelfSandboxCall {
  const names = seccompFlagNames(flags);
  const tsync = names.includes('SECCOMP_FILTER_FLAG_TSYNC');
  const extras = [
    tsync ? 'on every thread (TSYNC)' : undefined,
    names.includes('SECCOMP_FILTER_FLAG_NEW_LISTENER') ? 'with a notification listener' : undefined,
  ].filter((x) => x !== undefined);
  return {
    ...base,
    kind: 'seccomp-filter',
    call: `${base.syscall}(${args.join(', ')})`,
    summary: ['installs a seccomp filter', ...extras].join(' '),
    flags: names,
    perThread: !tsync,
    fprog: { address: fprog, layout: sockFprogLayout(base.arch) },
  };
}

function strictCall(base: Base, args: string[]): SelfSandboxCall {
  return {
    ...base,
    kind: 'seccomp-strict',
    call: `${base.syscall}(${args.join(', ')})`,
    summary: 'enters seccomp strict mode (only read, write, _exit and sigreturn stay allowed)',
    flags: [],
    perThread: true,
  };
}

function decodeSeccomp(base: Base, a: Args): SelfSandboxCall | undefined {
  const op = a.u32(0);
  const flags = a.u32(1);
  if (op === SECCOMP.SECCOMP_SET_MODE_STRICT) {
    return strictCall(base, ['SECCOMP_SET_MODE_STRICT', String(flags), hex(a.ulong(2))]);
  }
  if (op !== SECCOMP.SECCOMP_SET_MODE_FILTER) return undefined;
  const flagText = seccompFlagNames(flags).join('|') || '0';
  const args = ['SECCOMP_SET_MODE_FILTER', flagText, hex(a.ulong(2))];
  return filterCall(base, args, flags, a.ulong(2));
}

type PrctlDecoder = (
  base: Base,
  a: Args,
  call: (rest: string[]) => string,
) => SelfSandboxCall | undefined;

function simple(
  base: Base,
  kind: SelfSandboxKind,
  call: string,
  summary: string,
  perThread: boolean,
): SelfSandboxCall {
  return { ...base, kind, call, summary, flags: [], perThread };
}

const refused = (what: string): string => ` (${what}: the kernel refuses it)`;

const PRCTL_DECODERS: Readonly<Record<string, PrctlDecoder>> = {
  PR_SET_SECCOMP: (base, a) => {
    const mode = a.ulong(1);
    if (mode === BigInt(SECCOMP.SECCOMP_MODE_STRICT))
      return strictCall(base, ['PR_SET_SECCOMP', 'SECCOMP_MODE_STRICT']);
    if (mode !== BigInt(SECCOMP.SECCOMP_MODE_FILTER)) return undefined;
    return filterCall(
      base,
      ['PR_SET_SECCOMP', 'SECCOMP_MODE_FILTER', hex(a.ulong(2))],
      0,
      a.ulong(2),
    );
  },
  PR_SET_NO_NEW_PRIVS: (base, a, call) => {
    const value = a.ulong(1);
    const summary = 'sets no_new_privs (execve can no longer gain privileges)';
    return simple(
      base,
      'no-new-privs',
      call([String(value)]),
      summary + (value === 1n ? '' : refused(`value ${value}`)),
      true,
    );
  },
  PR_SET_DUMPABLE: (base, a, call) => {
    const value = a.ulong(1);
    const summary =
      value === 0n
        ? 'makes itself non-dumpable (no core dumps, no ptrace attach by its user, root-owned /proc files)'
        : value === 1n
          ? 'makes itself dumpable again'
          : `sets dumpable to ${value}${refused('not 0 or 1')}`;
    return simple(base, 'dumpable', call([String(value)]), summary, false);
  },
  PR_CAPBSET_DROP: (base, a, call) => {
    const cap = Number(a.ulong(1));
    const name = capText(cap);
    return simple(base, 'capbset-drop', call([name]), `drops ${name} from its bounding set`, true);
  },
  PR_CAP_AMBIENT: (base, a, call) => {
    const op = nameOf(base.arch, 'PR_CAP_AMBIENT_', Number(a.ulong(1)));
    if (op === 'PR_CAP_AMBIENT_IS_SET') return undefined;
    const cap = capText(Number(a.ulong(2)));
    const summary =
      op === 'PR_CAP_AMBIENT_CLEAR_ALL'
        ? 'clears its ambient capabilities'
        : op === 'PR_CAP_AMBIENT_RAISE'
          ? `raises ${cap} into its ambient set (kept across execve)`
          : op === 'PR_CAP_AMBIENT_LOWER'
            ? `lowers ${cap} from its ambient set`
            : `changes its ambient set (${op})`;
    const rest = op === 'PR_CAP_AMBIENT_CLEAR_ALL' ? [op] : [op, cap];
    return simple(base, 'cap-ambient', call(rest), summary, true);
  },
  PR_SET_SECUREBITS: (base, a, call) => {
    const bits = hex(a.ulong(1));
    return simple(base, 'securebits', call([bits]), `sets its securebits to ${bits}`, true);
  },
};

/** prctl option names (PR_SET_*, PR_GET_*, …); the table holds options only, not their values. */
const PRCTL_OPTIONS: ReadonlyMap<number, string> = new Map(
  Object.entries(PRCTL).map(([name, value]) => [value, name]),
);

function decodePrctl(base: Base, a: Args): SelfSandboxCall | undefined {
  const option = a.int(0);
  const name = PRCTL_OPTIONS.get(option) ?? String(option);
  const decoder = Object.hasOwn(PRCTL_DECODERS, name) ? PRCTL_DECODERS[name] : undefined;
  return decoder?.(base, a, (rest) => `prctl(${[name, ...rest].join(', ')})`);
}

function rlimitCall(
  base: Base,
  resource: string,
  address: bigint,
  fieldBytes: 4 | 8,
  callArgs: readonly string[],
): SelfSandboxCall {
  return {
    ...base,
    kind: 'rlimit',
    call: `${base.syscall}(${callArgs.join(', ')})`,
    summary: `sets its ${resource} limit`,
    flags: [],
    perThread: false,
    rlimit: { resource, address, fieldBytes },
  };
}

function decodeSetrlimit(base: Base, a: Args): SelfSandboxCall {
  // 32-bit ABIs pass a `struct rlimit` of two 32-bit longs (compat_sys_setrlimit); x32 uses the
  // 64-bit syscall and struct.
  const fieldBytes = archInfo(base.arch).bits === 32 ? 4 : 8;
  const resource = nameOf(base.arch, 'RLIMIT_', a.u32(0));
  return rlimitCall(base, resource, a.ulong(1), fieldBytes, [resource, hex(a.ulong(1))]);
}

function decodePrlimit(base: Base, a: Args, site: NotifiedSyscall): SelfSandboxCall | undefined {
  const pid = a.int(0);
  const self = pid === 0 || pid === site.pid || pid === site.tid;
  if (!self || a.ulong(2) === 0n) return undefined; // another process, or only reading
  const resource = nameOf(base.arch, 'RLIMIT_', a.u32(1));
  const callArgs = [String(pid), resource, hex(a.ulong(2)), hex(a.ulong(3))];
  return rlimitCall(base, resource, a.ulong(2), 8, callArgs);
}

function decodeCapset(base: Base, a: Args): SelfSandboxCall {
  const call = `capset(${hex(a.ulong(0))}, ${hex(a.ulong(1))})`;
  const summary = 'sets its capabilities (the resulting sets show in its /proc status)';
  return simple(base, 'capset', call, summary, true);
}

function decodeLandlock(base: Base, a: Args): SelfSandboxCall {
  const fd = a.int(0);
  const flags = a.u32(1);
  const call = `landlock_restrict_self(${fd}, ${flags === 0 ? '0' : `0x${flags.toString(16)}`})`;
  return simple(
    base,
    'landlock-restrict',
    call,
    `restricts itself with the Landlock ruleset fd ${fd}`,
    true,
  );
}

/** The self-sandboxing call a notification is, or undefined for any other syscall. */
export function decodeSelfSandboxCall(site: NotifiedSyscall): SelfSandboxCall | undefined {
  const syscall = syscallName(site.arch, site.nr);
  if (syscall === undefined) return undefined;
  const base: Base = { arch: site.arch, syscall };
  const args = new Args(site);
  switch (syscall) {
    case 'seccomp':
      return decodeSeccomp(base, args);
    case 'prctl':
      return decodePrctl(base, args);
    case 'setrlimit':
      return decodeSetrlimit(base, args);
    case 'prlimit64':
      return decodePrlimit(base, args, site);
    case 'capset':
      return decodeCapset(base, args);
    case 'landlock_restrict_self':
      return decodeLandlock(base, args);
    default:
      return undefined;
  }
}

/** The syscall names decodeSelfSandboxCall looks at: learn/check mode must notify on these. */
export const SELF_SANDBOX_SYSCALLS: readonly string[] = [
  'seccomp',
  'prctl',
  'setrlimit',
  'prlimit64',
  'capset',
  'landlock_restrict_self',
];

/** Their numbers on `arch` (those the arch has). */
export function selfSandboxSyscallNumbers(arch: Arch): number[] {
  return SELF_SANDBOX_SYSCALLS.flatMap((name) => {
    const nr = syscallNumber(arch, name);
    return nr === undefined ? [] : [nr];
  });
}
