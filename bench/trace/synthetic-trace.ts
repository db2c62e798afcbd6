import type { TraceEvent } from '../../app/trace/events';

/**
 * A learn-mode-like trace of `count` events: 40 syscalls with a skewed frequency (a few make most
 * of the calls, as in real traces), varied arguments, 20 processes with two threads each, a
 * denial now and then, and some output lines.
 */
export function syntheticTrace(count: number): TraceEvent[] {
  const names = [
    'read',
    'write',
    'openat',
    'close',
    'mmap',
    'newfstatat',
    'futex',
    'brk',
    'mprotect',
    'munmap',
    'lseek',
    'pread64',
    'getdents64',
    'ioctl',
    'fcntl',
    'rt_sigaction',
    'rt_sigprocmask',
    'clone',
    'wait4',
    'poll',
    'socket',
    'connect',
    'sendto',
    'recvfrom',
    'getrandom',
    'statx',
    'access',
    'readlink',
    'getcwd',
    'prctl',
    'arch_prctl',
    'set_tid_address',
    'set_robust_list',
    'rseq',
    'prlimit64',
    'dup2',
    'pipe2',
    'execve',
    'exit_group',
    'madvise',
  ];
  const events: TraceEvent[] = [];
  let seed = 42;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  for (let i = 0; i < count; i++) {
    const t = i * 0.01;
    const pid = 1000 + Math.floor(random() * 20);
    if (i % 500 === 250) {
      events.push({ type: 'stdout', t, data: `line ${i}\n` });
      continue;
    }
    const name = names[Math.floor(random() ** 3 * names.length)] ?? 'read';
    const args = [
      `0x${Math.floor(random() * 64).toString(16)}`,
      `0x7ffd${Math.floor(random() * 0xffffff).toString(16)}`,
      `0x${Math.floor(random() * 0x80000).toString(16)}`,
      '0x0',
      '0x0',
      '0x0',
    ];
    const common = { t, pid, tid: pid + (i % 2) * 10_000, name, nr: 0, arch: 'x86_64', args };
    events.push(
      i % 997 === 0
        ? { type: 'denied', ...common, action: 'errno EPERM' }
        : { type: 'syscall', ...common },
    );
  }
  return events;
}
