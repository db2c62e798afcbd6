import type { ArgIndex } from '../policy/resolved';
import type { FlagNames, NameFamily } from './value-names';

/**
 * Syscalls whose arguments say what a call does, and how a rule narrows them to what a run
 * showed:
 * - `values`: the argument is one of a few commands (ioctl request, fcntl cmd, prctl option,
 *   socket family): `arg1 in {TCGETS, FIONREAD}`;
 * - `mask`: the argument is a set of flags (mmap prot, clone flags): the rule lets through the
 *   flags seen and no other, `(arg2 & ~(PROT_READ|PROT_WRITE)) == 0`.
 * Names come from the generated constant tables of each arch, never from numbers typed here.
 */
export type ArgumentShape =
  | {
      readonly kind: 'values';
      readonly arg: ArgIndex;
      /** What the argument is, for summaries: `request`, `cmd`, `family`. */
      readonly what: string;
      readonly names: NameFamily;
      /** Values that are a name plus flags (`SOCK_STREAM|SOCK_CLOEXEC`). */
      readonly flags?: FlagNames;
      /** The kernel reads only the low 32 bits (ioctl's `unsigned int cmd`): compare those. */
      readonly low32?: boolean;
    }
  | {
      readonly kind: 'mask';
      readonly arg: ArgIndex;
      readonly what: string;
      readonly flags: FlagNames;
      /** How "no flag at all" is written (PROT_NONE). */
      readonly none?: NameFamily;
    };

export interface SyscallShape {
  /** Several arguments are narrowed together (socket: family and type). */
  readonly args: readonly ArgumentShape[];
}

const IOCTL_REQUESTS: NameFamily = {
  pattern: /^(TC|TIOC|FIO|SIOC|FS_IOC_|FI[A-Z]+$|BLK[A-Z0-9]+$|SECCOMP_IOCTL_)/,
  // Arguments of TCFLSH, TCXONC, TCSETS* and TIOCPKT packets, not requests.
  exclude: /^(TC(I|O|IO)FLUSH|TC[IO](OFF|ON)|TCSA(NOW|DRAIN|FLUSH)|TIOCSER_TEMT)$|^TIOCPKT_/,
  prefer: [/^TC/, /^FIO/, /^TIOC/, /^SIOC/, /^FS_IOC_/, /^FI/, /^BLK/],
};

const FCNTL_COMMANDS: NameFamily = {
  pattern: /^F_/,
  // Lock types, owner types and seal bits are arguments of commands, not commands.
  exclude: /^F_(RDLCK|WRLCK|UNLCK|EXLCK|SHLCK|OWNER_|SEAL_|LINUX_SPECIFIC_BASE$)/,
};

const PRCTL_OPTIONS: NameFamily = {
  pattern:
    /^PR_(GET_|SET_|CAPBSET_|CAP_AMBIENT$|MCE_KILL(_GET)?$|TASK_PERF_EVENTS_|MPX_|SCHED_CORE$|PAC_(RESET_KEYS|GET_ENABLED_KEYS|SET_ENABLED_KEYS)$|SVE_(GET|SET)_VL$|SME_(GET|SET)_VL$)/,
  // Sub-options of PR_SET_MM and PR_SET_VMA, and values of other options.
  exclude: /^PR_SET_MM_|^PR_SET_VMA_|^PR_SET_PTRACER_ANY$|_ONEXEC$/,
};

const ARCH_PRCTL_CODES: NameFamily = { pattern: /^ARCH_/ };

const SOCKET_FAMILIES: NameFamily = {
  pattern: /^AF_/,
  exclude: /^AF_MAX$/,
  prefer: [/^AF_(UNIX|INET|INET6|NETLINK|PACKET)$/],
};

const SOCKET_TYPES: NameFamily = { pattern: /^SOCK_(STREAM|DGRAM|RAW|RDM|SEQPACKET|DCCP|PACKET)$/ };

const SOCKET_TYPE_FLAGS: FlagNames = {
  flags: { pattern: /^SOCK_(CLOEXEC|NONBLOCK)$/ },
  rest: SOCKET_TYPES,
  restFirst: true,
};

const PROT_FLAGS: FlagNames = { flags: { pattern: /^PROT_/, exclude: /^PROT_NONE$/ } };
const PROT_NONE: NameFamily = { pattern: /^PROT_NONE$/ };

const SIGNALS: NameFamily = {
  pattern: /^SIG[A-Z0-9]+$/,
  exclude: /^SIG(STKSZ|IOT|POLL|UNUSED|RTMIN)$/,
};

/** clone's low byte is the exit signal (CSIGNAL): CLONE_NEWTIME's bit is part of it there. */
const CLONE_FLAGS: FlagNames = {
  flags: { pattern: /^CLONE_/, exclude: /^CLONE_(ARGS_SIZE_|NEWTIME$)/ },
  rest: SIGNALS,
};

const UNSHARE_FLAGS: FlagNames = {
  flags: { pattern: /^CLONE_/, exclude: /^CLONE_ARGS_SIZE_/ },
};

const PERSONAS: NameFamily = { pattern: /^PER_/, exclude: /^PER_MASK$/ };

const PERSONALITY_FLAGS: FlagNames = {
  flags: {
    pattern:
      /^(ADDR_[A-Z0-9_]+|READ_IMPLIES_EXEC|MMAP_PAGE_ZERO|WHOLE_SECONDS|STICKY_TIMEOUTS|SHORT_INODE|UNAME26|FDPIC_FUNCPTRS)$/,
  },
  rest: PERSONAS,
  restFirst: true,
};

const request: ArgumentShape = {
  kind: 'values',
  arg: 1,
  what: 'request',
  names: IOCTL_REQUESTS,
  low32: true,
};
const fcntlCmd: ArgumentShape = { kind: 'values', arg: 1, what: 'cmd', names: FCNTL_COMMANDS };
const socketArgs: readonly ArgumentShape[] = [
  { kind: 'values', arg: 0, what: 'family', names: SOCKET_FAMILIES },
  { kind: 'values', arg: 1, what: 'type', names: SOCKET_TYPES, flags: SOCKET_TYPE_FLAGS },
];
const prot: ArgumentShape = {
  kind: 'mask',
  arg: 2,
  what: 'prot',
  flags: PROT_FLAGS,
  none: PROT_NONE,
};

export const ARGUMENT_SHAPES: Readonly<Record<string, SyscallShape>> = {
  ioctl: { args: [request] },
  fcntl: { args: [fcntlCmd] },
  fcntl64: { args: [fcntlCmd] },
  prctl: { args: [{ kind: 'values', arg: 0, what: 'option', names: PRCTL_OPTIONS }] },
  arch_prctl: { args: [{ kind: 'values', arg: 0, what: 'code', names: ARCH_PRCTL_CODES }] },
  socket: { args: socketArgs },
  socketpair: { args: socketArgs },
  mmap: { args: [prot] },
  mmap2: { args: [prot] },
  mprotect: { args: [prot] },
  pkey_mprotect: { args: [prot] },
  clone: { args: [{ kind: 'mask', arg: 0, what: 'flags', flags: CLONE_FLAGS }] },
  unshare: { args: [{ kind: 'mask', arg: 0, what: 'flags', flags: UNSHARE_FLAGS }] },
  personality: {
    args: [{ kind: 'values', arg: 0, what: 'persona', names: PERSONAS, flags: PERSONALITY_FLAGS }],
  },
};

/** How `name` is narrowed, if it is one of the syscalls whose arguments matter. */
export function argumentShape(name: string): SyscallShape | undefined {
  return Object.hasOwn(ARGUMENT_SHAPES, name) ? ARGUMENT_SHAPES[name] : undefined;
}
