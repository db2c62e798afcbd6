import { constantNames, constantValue } from '../linux/arch-constants';
import type { Arch } from '../linux/arches';

/**
 * A family of named constants that one kind of syscall argument takes (open flags, socket
 * families, prctl options, ...), picked by name from an arch's generated constant table.
 * Several names often share a value (O_NDELAY = O_NONBLOCK, AF_LOCAL = AF_UNIX): `prefer` ranks
 * them so that a value always decodes to the name strace and the man pages use.
 */
export interface ConstantSet {
  readonly id: string;
  /** A name belongs to the set when it matches. */
  readonly names: RegExp;
  /** Names to leave out although they match: masks, aliases, values of other arguments. */
  readonly exclude?: RegExp;
  /** Lower ranks win among names of one value; the default ranks every name 0. */
  readonly prefer?: (name: string) => number;
}

export interface SetMember {
  readonly name: string;
  readonly value: bigint;
}

interface SetTable {
  /** One member per value: the preferred name. */
  readonly byValue: ReadonlyMap<bigint, string>;
  /** Members with a nonzero value, most bits first (so O_SYNC wins over O_DSYNC), then by name. */
  readonly flags: readonly SetMember[];
}

const tables = new Map<string, SetTable>();

function tableOf(arch: Arch, set: ConstantSet): SetTable {
  const key = `${arch}\u0000${set.id}`;
  let table = tables.get(key);
  if (!table) {
    table = buildTable(arch, set);
    tables.set(key, table);
  }
  return table;
}

function buildTable(arch: Arch, set: ConstantSet): SetTable {
  const rank = set.prefer ?? (() => 0);
  const byValue = new Map<bigint, string>();
  for (const name of constantNames(arch)) {
    if (!set.names.test(name) || set.exclude?.test(name)) continue;
    const value = constantValue(arch, name);
    if (value === undefined) continue;
    const held = byValue.get(value);
    if (held === undefined || rank(name) < rank(held) || (rank(name) === rank(held) && name < held))
      byValue.set(value, name);
  }
  const flags = [...byValue]
    .filter(([value]) => value > 0n)
    .map(([value, name]) => ({ name, value }))
    .sort((a, b) => bitCount(b.value) - bitCount(a.value) || (a.name < b.name ? -1 : 1));
  return { byValue, flags };
}

/** The set's name for exactly `value`, if it has one. */
export function nameOf(arch: Arch, set: ConstantSet, value: bigint): string | undefined {
  return tableOf(arch, set).byValue.get(value);
}

/**
 * `value` as the set's flag names joined by `|`, e.g. `O_CREAT|O_CLOEXEC`; bits no name covers
 * are kept as one hex number at the end. Zero is the set's name for 0 (PROT_NONE) or `0`.
 */
export function flagsOf(arch: Arch, set: ConstantSet, value: bigint): string {
  if (value === 0n) return nameOf(arch, set, 0n) ?? '0';
  const parts: string[] = [];
  let rest = value;
  for (const flag of tableOf(arch, set).flags) {
    if ((rest & flag.value) === flag.value) {
      parts.push(flag.name);
      rest &= ~flag.value;
    }
  }
  if (rest !== 0n) parts.push(`0x${rest.toString(16)}`);
  return parts.join('|');
}

/** The value of one named constant of `arch`, or 0 when the arch does not define it. */
export function valueOr0(arch: Arch, name: string): bigint {
  return constantValue(arch, name) ?? 0n;
}

function bitCount(value: bigint): number {
  let count = 0;
  for (let rest = value; rest > 0n; rest >>= 1n) if (rest & 1n) count++;
  return count;
}

// The families. Patterns name what each argument takes; the values come from the tables.

export const OPEN_FLAGS: ConstantSet = {
  id: 'open-flags',
  names: /^O_/,
  // The access mode is a two-bit field of its own; O_NDELAY, O_FSYNC and O_RSYNC are aliases.
  exclude: /^O_(ACCMODE|RDONLY|WRONLY|RDWR|NDELAY|FSYNC|RSYNC)$/,
};
export const OPEN_ACCESS: ConstantSet = { id: 'open-access', names: /^O_(RDONLY|WRONLY|RDWR)$/ };
export const AT_FLAGS: ConstantSet = {
  id: 'at-flags',
  names: /^AT_/,
  // AT_FDCWD is a directory fd; the statx sync type is a field, and AT_EACCESS = AT_REMOVEDIR.
  exclude: /^AT_(FDCWD|STATX_SYNC_TYPE|STATX_SYNC_AS_STAT)$/,
  prefer: (name) => (name === 'AT_REMOVEDIR' ? 1 : 0),
};
export const PROT_FLAGS: ConstantSet = { id: 'prot', names: /^PROT_/ };
export const MAP_TYPE: ConstantSet = {
  id: 'map-type',
  names: /^MAP_(SHARED|PRIVATE|SHARED_VALIDATE)$/,
};
export const MAP_HUGE: ConstantSet = { id: 'map-huge', names: /^MAP_HUGE_\d+[KMG]B$/ };
export const MAP_FLAGS: ConstantSet = {
  id: 'map-flags',
  names: /^MAP_/,
  exclude: /^MAP_(SHARED|PRIVATE|SHARED_VALIDATE|TYPE|FILE|HUGE_.*)$/,
};
export const MREMAP_FLAGS: ConstantSet = { id: 'mremap', names: /^MREMAP_/ };
export const MADVICE: ConstantSet = { id: 'madvise', names: /^MADV_/ };
export const CLONE_FLAGS: ConstantSet = {
  id: 'clone',
  names: /^CLONE_/,
  exclude: /^CLONE_ARGS_SIZE_/,
};
export const SIGNALS: ConstantSet = {
  id: 'signals',
  names: /^SIG[A-Z0-9]+$/,
  exclude: /^SIG(STKSZ|IOT|POLL|UNUSED|CLD|LOST)$/,
};
export const SIG_HOW: ConstantSet = { id: 'sig-how', names: /^SIG_(BLOCK|UNBLOCK|SETMASK)$/ };
export const ADDRESS_FAMILIES: ConstantSet = {
  id: 'af',
  names: /^AF_/,
  exclude: /^AF_(MAX|LOCAL|FILE|ROUTE)$/,
};
export const SOCKET_TYPES: ConstantSet = {
  id: 'sock-type',
  names: /^SOCK_/,
  exclude: /^SOCK_(NONBLOCK|CLOEXEC)$/,
};
export const SOCKET_FLAGS: ConstantSet = { id: 'sock-flags', names: /^SOCK_(NONBLOCK|CLOEXEC)$/ };
export const MSG_FLAGS: ConstantSet = { id: 'msg', names: /^MSG_/ };
export const SHUTDOWN_HOW: ConstantSet = { id: 'shut', names: /^SHUT_/ };
export const SOCKET_LEVELS: ConstantSet = { id: 'sol', names: /^SOL_/ };
export const SOCKET_OPTIONS: ConstantSet = {
  id: 'so',
  names: /^SO_/,
  // Old names of the same options.
  exclude: /^SO_(GET_FILTER|DETACH_BPF|TIMESTAMP|TIMESTAMPNS|TIMESTAMPING|RCVTIMEO|SNDTIMEO)$/,
};
/**
 * ioctl requests: the tty, socket, file-system and seccomp families. Their numbers carry a type
 * byte above the low byte, which tells them from the small argument values (TCSANOW, TIOCPKT_*)
 * those headers define too.
 */
export const IOCTL_REQUESTS: ConstantSet = {
  id: 'ioctl',
  names: /^(FIO|TC|TIOC|FS_IOC|BLK|SIOC|SECCOMP_IOCTL_)/,
  exclude: /^(TIOCPKT_|TIOCSER_|TIOCM_|TC[IO](FLUSH|OFF|ON)$)/,
  // FIONREAD = TIOCINQ, FIONBIO ... : the FIO names are the ones programs use.
  prefer: (name) =>
    ['FIO', 'TC', 'TIOC', 'FS_IOC', 'BLK', 'SIOC', 'SECCOMP_IOCTL_'].findIndex((p) =>
      name.startsWith(p),
    ),
};
export const FCNTL_COMMANDS: ConstantSet = {
  id: 'fcntl',
  names: /^F_/,
  exclude: /^F_(RDLCK|WRLCK|UNLCK|EXLCK|SHLCK|OWNER_.*|SEAL_.*|LINUX_SPECIFIC_BASE)$/,
};
export const FD_FLAGS: ConstantSet = { id: 'fd-flags', names: /^FD_/ };
export const SEAL_FLAGS: ConstantSet = { id: 'seals', names: /^F_SEAL_/ };
/** prctl options, not the values of their second argument (PR_SET_MM_*, PR_SPEC_*, ...). */
export const PRCTL_OPTIONS: ConstantSet = {
  id: 'prctl',
  names:
    /^PR_((SET|GET)_(?!MM_|VMA_|PTRACER_ANY$)\w+|CAPBSET_\w+|TASK_PERF_EVENTS_\w+|MPX_\w+|PAC_(RESET_KEYS|SET_ENABLED_KEYS|GET_ENABLED_KEYS)|(SVE|SME)_(SET|GET)_VL|MCE_KILL(_GET)?|CAP_AMBIENT|SCHED_CORE)$/,
  exclude: /^PR_(SVE|SME)_SET_VL_ONEXEC$/,
};
export const PRCTL_SET_MM: ConstantSet = { id: 'pr-set-mm', names: /^PR_SET_MM_/ };
export const PRCTL_CAP_AMBIENT: ConstantSet = {
  id: 'pr-cap-ambient',
  names: /^PR_CAP_AMBIENT_/,
};
export const CAPABILITIES: ConstantSet = {
  id: 'caps',
  names: /^CAP_/,
  exclude: /^CAP_LAST_CAP$/,
};
export const SECCOMP_MODES: ConstantSet = { id: 'seccomp-mode', names: /^SECCOMP_MODE_/ };
export const SECCOMP_OPERATIONS: ConstantSet = {
  id: 'seccomp-op',
  names: /^SECCOMP_(SET_MODE_\w+|GET_ACTION_AVAIL|GET_NOTIF_SIZES)$/,
};
export const SECCOMP_FILTER_FLAGS: ConstantSet = {
  id: 'seccomp-flags',
  names: /^SECCOMP_FILTER_FLAG_/,
};
export const ARCH_PRCTL_CODES: ConstantSet = { id: 'arch-prctl', names: /^ARCH_/ };
export const FUTEX_COMMANDS: ConstantSet = {
  id: 'futex-cmd',
  names: /^FUTEX_[A-Z0-9_]+$/,
  exclude:
    /^FUTEX_(\w+_PRIVATE|PRIVATE_FLAG|CLOCK_REALTIME|CMD_MASK|OP_\w+|32|BITSET_MATCH_ANY|OWNER_DIED|TID_MASK|WAITERS|WAITV_MAX|8|16|64|SIZE_MASK|NUMA|MPOL|NO_NODE)$/,
};
export const SEEK_WHENCE: ConstantSet = { id: 'seek', names: /^SEEK_/, exclude: /^SEEK_MAX$/ };
export const GRND_FLAGS: ConstantSet = { id: 'grnd', names: /^GRND_/ };
export const MFD_FLAGS: ConstantSet = {
  id: 'mfd',
  names: /^MFD_/,
  exclude: /^MFD_HUGE_(MASK|SHIFT)$/,
};
export const EPOLL_CREATE_FLAGS: ConstantSet = { id: 'epoll-create', names: /^EPOLL_CLOEXEC$/ };
export const EPOLL_OPERATIONS: ConstantSet = { id: 'epoll-ctl', names: /^EPOLL_CTL_/ };
export const WAIT_OPTIONS: ConstantSet = {
  id: 'wait',
  names: /^(W(NOHANG|UNTRACED|STOPPED|EXITED|CONTINUED|NOWAIT)|__W(NOTHREAD|ALL|CLONE))$/,
  prefer: (name) => (name === 'WSTOPPED' ? 1 : 0),
};
export const ID_TYPES: ConstantSet = { id: 'idtype', names: /^P_(ALL|PID|PGID|PIDFD)$/ };
export const CLOCKS: ConstantSet = { id: 'clock', names: /^CLOCK_/ };
export const TIMER_FLAGS: ConstantSet = { id: 'timer', names: /^TIMER_ABSTIME$/ };
export const RESOURCES: ConstantSet = { id: 'rlimit', names: /^RLIMIT_/ };
export const PTRACE_REQUESTS: ConstantSet = {
  id: 'ptrace',
  names: /^PTRACE_[A-Z0-9_]+$/,
  exclude: /^PTRACE_(O_\w+|EVENT_\w+|SYSCALL_INFO_\w+|PEEKSIGINFO_SHARED|EVENTMSG_\w+)$/,
  prefer: (name) => (name === 'PTRACE_OLDSETOPTIONS' ? 1 : 0),
};
export const KEYCTL_OPERATIONS: ConstantSet = {
  id: 'keyctl',
  names: /^KEYCTL_/,
  exclude: /^KEYCTL_(CAPS\d_\w+|SUPPORTS_\w+)$/,
};
export const MOUNT_FLAGS: ConstantSet = {
  id: 'mount',
  names: /^MS_/,
  exclude:
    /^MS_(ASYNC|INVALIDATE|SYNC|RMT_MASK|MGC_\w+|VERBOSE|ACTIVE|BORN|KERNMOUNT|NOUSER|NOSEC|SUBMOUNT|NOREMOTELOCK)$/,
};
export const MSYNC_FLAGS: ConstantSet = { id: 'msync', names: /^MS_(ASYNC|INVALIDATE|SYNC)$/ };
export const NAMESPACE_TYPES: ConstantSet = { id: 'ns', names: /^CLONE_NEW/ };
export const PERSONAS: ConstantSet = { id: 'persona', names: /^PER_/, exclude: /^PER_MASK$/ };
export const SCHED_POLICIES: ConstantSet = {
  id: 'sched',
  names: /^SCHED_[A-Z]+$/,
  exclude: /^SCHED_(FLAG_\w+|RESET_ON_FORK)$/,
};
/** access(2) modes: R_OK|W_OK|X_OK, or F_OK (0) for existence only. */
export const ACCESS_MODES: ConstantSet = { id: 'access', names: /^[FRWX]_OK$/ };
export const CLOSE_RANGE_FLAGS: ConstantSet = { id: 'close-range', names: /^CLOSE_RANGE_/ };
export const FALLOC_MODES: ConstantSet = { id: 'falloc', names: /^FALLOC_FL_/ };
export const RENAME_FLAGS: ConstantSet = { id: 'rename', names: /^RENAME_/ };
export const LANDLOCK_CREATE_FLAGS: ConstantSet = {
  id: 'landlock-create',
  names: /^LANDLOCK_CREATE_RULESET_/,
};
export const LANDLOCK_RULE_TYPES: ConstantSet = { id: 'landlock-rule', names: /^LANDLOCK_RULE_/ };
export const RUSAGE_WHO: ConstantSet = { id: 'rusage', names: /^RUSAGE_/ };
