/**
 * The policy the what-if benchmark edits: what a user shapes after a learn run. The recorded
 * syscalls are allowed, those below only with a condition on their arguments (so the filter reads
 * arguments for a large share of the trace), and one syscall is left out: the edit allows it.
 */
const CONDITIONS: Readonly<Record<string, string>> = {
  mmap: '(arg2 & ~(PROT_READ|PROT_WRITE|PROT_EXEC)) == 0 && (arg3 & ~(MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_DENYWRITE|MAP_NORESERVE)) == 0',
  ioctl: 'arg1 in {TCGETS, FIONREAD}',
  openat: '(arg2 & O_ACCMODE) == O_RDONLY',
  fcntl: 'arg1 in {F_GETFD, F_SETFD, F_GETFL, F_DUPFD_CLOEXEC}',
  newfstatat: '(arg3 & ~(AT_EMPTY_PATH|AT_SYMLINK_NOFOLLOW)) == 0',
  lseek: 'arg2 in {SEEK_SET, SEEK_CUR, SEEK_END}',
  rt_sigaction: 'arg0 != SIGKILL && arg0 != SIGSTOP',
};

/** The condition the splitting edit puts on a syscall allowed plainly before: fds 0..1023. */
const SPLIT_CONDITION = 'arg0 < 1024';

export interface EditedPolicy {
  /** The policy before the keystroke. */
  readonly before: string;
  /** The same policy allowing one more syscall. */
  readonly after: string;
  /** The syscall the edit allows. */
  readonly allowed: string;
  /**
   * `after` with a condition on a syscall allowed plainly so far: the one edit that makes the
   * what-if split that syscall's calls by an argument for the first time.
   */
  readonly split: string;
  /** The syscall `split` conditions. */
  readonly splitSyscall: string;
  /** Syscalls allowed only under a condition on their arguments. */
  readonly conditioned: readonly string[];
}

function policyText(
  plain: readonly string[],
  conditioned: Readonly<Record<string, string>>,
): string {
  return [
    'version: 1',
    'name: what-if benchmark',
    'linux:',
    '  seccomp:',
    '    arch: [x86_64]',
    '    default: kill-process',
    '    rules:',
    `      - allow: [${plain.join(', ')}]`,
    ...Object.entries(conditioned).flatMap(([n, when]) => [
      `      - allow: ${n}`,
      `        when: "${when}"`,
    ]),
    '',
  ].join('\n');
}

/**
 * `names`: the syscalls of the recorded trace. `withheld`: the one the edit allows; `splitSyscall`:
 * the one the splitting edit conditions (both must be in the trace, and not conditioned already).
 */
export function editedPolicy(
  names: readonly string[],
  withheld: string,
  splitSyscall: string,
): EditedPolicy {
  const sorted = [...new Set(names)].sort();
  for (const name of [withheld, splitSyscall]) {
    if (!sorted.includes(name)) throw new Error(`${name} is not in the recorded trace`);
    if (CONDITIONS[name] !== undefined) throw new Error(`${name} is conditioned already`);
  }
  if (withheld === splitSyscall) throw new Error('the two edits need two different syscalls');
  const conditions = Object.fromEntries(
    sorted.flatMap((n) => (CONDITIONS[n] === undefined ? [] : [[n, CONDITIONS[n]] as const])),
  );
  const plain = sorted.filter((n) => CONDITIONS[n] === undefined && n !== withheld);
  return {
    before: policyText(plain, conditions),
    after: policyText([...plain, withheld], conditions),
    allowed: withheld,
    split: policyText(
      [...plain, withheld].filter((n) => n !== splitSyscall),
      { ...conditions, [splitSyscall]: SPLIT_CONDITION },
    ),
    splitSyscall,
    conditioned: Object.keys(conditions),
  };
}
