import { decompileToModel, type DecompiledPolicy } from '../bpf/decompile';
import type { PathBudget } from '../bpf/decompile-paths';
import { policyYaml } from '../bpf/decompile-yaml';
import { disassemble } from '../bpf/disasm';
import { decodeProgram } from '../bpf/encode';
import type { BpfProgram } from '../bpf/program';
import { verifyProgram } from '../bpf/verify';
import { formatAction } from '../policy/actions';
import type { SelfSandboxCall } from './self-sandbox';
import type { SelfSandboxEvent, SelfSandboxFilter } from './self-sandbox-event';

/**
 * The `self-sandbox` event for a decoded call, with what was read from the target's memory: the
 * filter (disassembled, checked like the kernel checks it, decompiled to a policy) or the new
 * resource limit, and a warning when the call binds only the calling thread of a process that has
 * others.
 */
export interface SelfSandboxContext {
  /** Milliseconds since the run started. */
  readonly t: number;
  readonly pid: number;
  readonly tid: number;
  /** Threads of the process when the call was made (/proc/PID/task). */
  readonly threadCount?: number;
  /** The filter's instructions as read from the target (`struct sock_filter` array). */
  readonly filterBytes?: Uint8Array;
  /** The `struct rlimit` / `struct rlimit64` the call passes. */
  readonly rlimitBytes?: Uint8Array;
  /** Why memory the call points to could not be read. */
  readonly unreadable?: string;
  /** Limits on decompiling (the default is the decompiler's). */
  readonly decompileBudget?: PathBudget;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** One line: arches, default, and how many syscalls each action gets. */
export function policySummary(policy: DecompiledPolicy): string {
  const counts = new Map<string, { plain: number; conditional: number }>();
  for (const rule of policy.rules) {
    const key = formatAction(rule.action);
    const entry = counts.get(key) ?? { plain: 0, conditional: 0 };
    if (rule.condition) entry.conditional += rule.syscalls.length;
    else entry.plain += rule.syscalls.length;
    counts.set(key, entry);
  }
  const parts = [...counts].map(([action, { plain, conditional }]) => {
    const when = conditional > 0 ? ` (+${conditional} under argument conditions)` : '';
    return `${action} ${plural(plain, 'syscall')}${when}`;
  });
  return [
    `arch ${policy.arches.join(', ')}`,
    `default ${formatAction(policy.defaultAction)}`,
    ...parts,
  ].join('; ');
}

function decompiled(
  program: BpfProgram,
  call: SelfSandboxCall,
  budget: PathBudget | undefined,
): Partial<SelfSandboxFilter> {
  try {
    const policy = decompileToModel(program, { arch: call.arch, ...(budget ? { budget } : {}) });
    const source = `a filter the target installed with ${call.syscall}()`;
    return {
      decompiled: policyYaml(policy, { source }),
      policySummary: policySummary(policy),
      ...(policy.warnings.length > 0 ? { decompileWarnings: [...policy.warnings] } : {}),
    };
  } catch (error) {
    return { decompileError: error instanceof Error ? error.message : String(error) };
  }
}

/** Disassembly, kernel checks and decompiled policy of the filter bytes. */
export function describeFilter(
  bytes: Uint8Array,
  call: SelfSandboxCall,
  budget?: PathBudget,
): SelfSandboxFilter {
  const program = decodeProgram(bytes);
  const verdict = verifyProgram(program);
  const base = { length: program.length, disassembly: disassemble(program, call.arch) };
  if (!verdict.ok) return { ...base, verifyErrors: verdict.errors.map((e) => e.message) };
  return { ...base, ...decompiled(program, call, budget) };
}

function filterSummary(call: SelfSandboxCall, filter: SelfSandboxFilter | undefined): string {
  if (!filter) return call.summary;
  const what = call.summary.replace(
    'a seccomp filter',
    `a ${filter.length}-instruction seccomp filter`,
  );
  if (filter.verifyErrors) return `${what} the kernel will refuse (${filter.verifyErrors[0]})`;
  return filter.policySummary ? `${what}: ${filter.policySummary}` : what;
}

/** The soft and hard limit of a `struct rlimit` (all ones: unlimited). */
export function rlimitValues(bytes: Uint8Array, fieldBytes: 4 | 8): [string, string] | undefined {
  if (bytes.length < 2 * fieldBytes) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const field = (i: number): bigint =>
    fieldBytes === 8 ? view.getBigUint64(i * 8, true) : BigInt(view.getUint32(i * 4, true));
  const infinity = (1n << BigInt(fieldBytes * 8)) - 1n;
  const text = (v: bigint): string => (v === infinity ? 'unlimited' : String(v));
  return [text(field(0)), text(field(1))];
}

function rlimitSummary(call: SelfSandboxCall, bytes: Uint8Array | undefined): string {
  const values = call.rlimit && bytes ? rlimitValues(bytes, call.rlimit.fieldBytes) : undefined;
  return values ? `${call.summary} to soft ${values[0]}, hard ${values[1]}` : call.summary;
}

const THREAD_EFFECT: Partial<Record<SelfSandboxCall['kind'], string>> = {
  'seccomp-filter': 'the filter (installed without SECCOMP_FILTER_FLAG_TSYNC) binds',
  'seccomp-strict': 'strict mode binds',
  'no-new-privs': 'no_new_privs is set on',
  capset: 'the capabilities change on',
  'capbset-drop': 'the bounding set shrinks on',
  'cap-ambient': 'the ambient set changes on',
  securebits: 'securebits change on',
  'landlock-restrict': 'the Landlock domain binds',
};

/** A call that binds only the calling thread, in a process that has other threads already. */
export function threadWarning(
  call: SelfSandboxCall,
  threadCount: number | undefined,
): string | undefined {
  const effect = THREAD_EFFECT[call.kind];
  if (!call.perThread || !effect || threadCount === undefined || threadCount <= 1) return undefined;
  const others = threadCount - 1;
  return `the process has ${threadCount} threads; ${effect} the calling thread only: the other ${plural(others, 'thread')} keep${others === 1 ? 's' : ''} running without it`;
}

export function describeSelfSandbox(
  call: SelfSandboxCall,
  context: SelfSandboxContext,
): SelfSandboxEvent {
  let filter: SelfSandboxFilter | undefined;
  let unreadable = context.unreadable;
  if (call.kind === 'seccomp-filter' && context.filterBytes) {
    try {
      filter = describeFilter(context.filterBytes, call, context.decompileBudget);
    } catch (error) {
      unreadable = error instanceof Error ? error.message : String(error);
    }
  }
  const summary =
    call.kind === 'seccomp-filter'
      ? filterSummary(call, filter)
      : call.kind === 'rlimit'
        ? rlimitSummary(call, context.rlimitBytes)
        : call.summary;
  const warning = threadWarning(call, context.threadCount);
  return {
    type: 'self-sandbox',
    t: context.t,
    pid: context.pid,
    tid: context.tid,
    kind: call.kind,
    call: call.call,
    summary,
    flags: [...call.flags],
    ...(filter ? { filter } : {}),
    ...(unreadable !== undefined ? { unreadable } : {}),
    ...(warning ? { warning } : {}),
  };
}
