/**
 * Syscalls whose grant weakens a sandbox, and when a grant counts:
 * - `unconditional`: flagged when allowed without a `when` (a condition shows thought went in);
 * - `always`: flagged even with a condition, because seccomp cannot see what matters;
 * - `namespaces`: flagged unless the condition keeps every CLONE_NEW* flag in arg0 clear;
 * - `tiocsti`: flagged unless the condition rules out the TIOCSTI request in arg1;
 * - `exec`: flagged when the policy's intent is `no-new-programs`.
 */
export type DangerKind = 'unconditional' | 'always' | 'namespaces' | 'tiocsti' | 'exec';

export interface Danger {
  readonly kind: DangerKind;
  /** Completes "NAME …": what the syscall lets a confined program do. */
  readonly reason: string;
}

const MOUNT = 'changes the mount table, and with it what the sandbox can reach';
const KEYRING =
  'uses the kernel keyring, which is not namespaced and is shared outside the sandbox';
const MODULE = 'loads or unloads kernel code';
const KEXEC = 'replaces the running kernel';

const unconditional = (reason: string): Danger => ({ kind: 'unconditional', reason });

export const DANGEROUS_SYSCALLS: Readonly<Record<string, Danger>> = {
  ptrace: unconditional("reads and changes other processes' memory and registers"),
  process_vm_readv: unconditional("reads other processes' memory"),
  process_vm_writev: unconditional("writes other processes' memory"),
  personality: unconditional(
    'can turn off ASLR (ADDR_NO_RANDOMIZE) or make data executable (READ_IMPLIES_EXEC); restrict arg0',
  ),
  bpf: unconditional('loads programs into the kernel, a large attack surface'),
  userfaultfd: unconditional('can stall the kernel in the middle of a copy, a common exploit aid'),
  keyctl: unconditional(KEYRING),
  add_key: unconditional(KEYRING),
  request_key: unconditional(KEYRING),
  setns: unconditional('joins other namespaces'),
  mount: unconditional(MOUNT),
  umount: unconditional(MOUNT),
  umount2: unconditional(MOUNT),
  pivot_root: unconditional(MOUNT),
  move_mount: unconditional(MOUNT),
  open_tree: unconditional(MOUNT),
  fsopen: unconditional(MOUNT),
  fsmount: unconditional(MOUNT),
  fsconfig: unconditional(MOUNT),
  fspick: unconditional(MOUNT),
  mount_setattr: unconditional(MOUNT),
  kexec_load: unconditional(KEXEC),
  kexec_file_load: unconditional(KEXEC),
  init_module: unconditional(MODULE),
  finit_module: unconditional(MODULE),
  delete_module: unconditional(MODULE),
  perf_event_open: unconditional('exposes kernel and hardware events, a frequent exploit target'),
  io_uring_setup: {
    kind: 'always',
    reason: 'starts io_uring, whose reads, writes, opens and connects bypass seccomp',
  },
  clone3: {
    kind: 'always',
    reason:
      'passes its flags in memory, where seccomp cannot check them for CLONE_NEWUSER; use "errno ENOSYS" so libc falls back to clone',
  },
  clone: { kind: 'namespaces', reason: 'can create namespaces' },
  unshare: { kind: 'namespaces', reason: 'can create namespaces' },
  ioctl: {
    kind: 'tiocsti',
    reason: 'can send TIOCSTI, which types commands into the terminal',
  },
  execve: { kind: 'exec', reason: 'starts new programs, which the intent no-new-programs forbids' },
  execveat: {
    kind: 'exec',
    reason: 'starts new programs, which the intent no-new-programs forbids',
  },
};

/** The namespace flags that clone (arg0) and unshare (arg0) must not be allowed to carry. */
export const NAMESPACE_FLAGS: Readonly<Record<'clone' | 'unshare', readonly string[]>> = {
  clone: [
    'CLONE_NEWUSER',
    'CLONE_NEWNS',
    'CLONE_NEWPID',
    'CLONE_NEWNET',
    'CLONE_NEWUTS',
    'CLONE_NEWIPC',
    'CLONE_NEWCGROUP',
  ],
  // CLONE_NEWTIME shares its bit with CSIGNAL in clone(); unshare takes it.
  unshare: [
    'CLONE_NEWUSER',
    'CLONE_NEWNS',
    'CLONE_NEWPID',
    'CLONE_NEWNET',
    'CLONE_NEWUTS',
    'CLONE_NEWIPC',
    'CLONE_NEWCGROUP',
    'CLONE_NEWTIME',
  ],
};

/** ioctl requests that act on other processes' terminals. */
export const TERMINAL_INJECTION_REQUESTS: readonly string[] = ['TIOCSTI', 'TIOCLINUX'];
