import { describe, expect, it } from 'vitest';
import {
  documentedSyscalls,
  isAddressParam,
  syscallDoc,
  SYSCALL_DOCS_SOURCE,
  syscallParam,
} from './syscall-docs';
import { syscallNumber } from './syscalls';

describe('syscall documentation from the man pages', () => {
  it('names its source', () => {
    expect(SYSCALL_DOCS_SOURCE).toMatch(/^manpages-dev \S+ /);
  });

  it('documents most x86_64 syscalls, and only real ones', () => {
    const names = documentedSyscalls();
    expect(names.length).toBeGreaterThan(300);
    for (const name of names) expect(syscallNumber('x86_64', name), name).toBeDefined();
    expect([...names].sort()).toEqual(names);
  });

  it("gives a wrapper's signature, description and page", () => {
    expect(syscallDoc('openat')).toEqual({
      name: 'openat',
      page: 'open(2)',
      description: 'open and possibly create a file',
      signature: 'int openat(int dirfd, const char *pathname, int flags, mode_t mode)',
      params: [
        { type: 'int', name: 'dirfd' },
        { type: 'const char *', name: 'pathname' },
        { type: 'int', name: 'flags' },
        { type: 'mode_t', name: 'mode' },
      ],
      variadic: false,
      interface: 'wrapper',
      function: 'openat',
    });
  });

  it('prefers the raw kernel interface where the page gives one', () => {
    const clone = syscallDoc('clone');
    expect(clone?.interface).toBe('syscall');
    expect(clone?.params.map((p) => p.name)).toEqual([
      'flags',
      'stack',
      'parent_tid',
      'child_tid',
      'tls',
    ]);
    const pidfdOpen = syscallDoc('pidfd_open');
    expect(pidfdOpen?.signature).toBe('int pidfd_open(pid_t pid, unsigned int flags)');
    expect(pidfdOpen?.interface).toBe('syscall');
  });

  it("reads man-pages' sized buffers as pointers, and variadic declarations", () => {
    expect(syscallDoc('read')?.signature).toBe('ssize_t read(int fd, void *buf, size_t count)');
    expect(syscallDoc('mmap')?.params.map((p) => p.name)).toEqual([
      'addr',
      'length',
      'prot',
      'flags',
      'fd',
      'offset',
    ]);
    const ioctl = syscallDoc('ioctl');
    expect(ioctl?.signature).toBe('int ioctl(int fd, unsigned long request, ...)');
    expect(ioctl?.variadic).toBe(true);
    expect(syscallDoc('getpid')?.signature).toBe('pid_t getpid(void)');
  });

  it('falls back to the wrapper of a related name, saying so', () => {
    const pread = syscallDoc('pread64');
    expect(pread?.function).toBe('pread');
    expect(pread?.signature).toMatch(/^ssize_t pread\(/);
    expect(syscallDoc('newfstatat')?.function).toBe('fstatat');
    expect(syscallDoc('rt_sigaction')?.function).toBe('sigaction');
  });

  it('omits syscalls without a page', () => {
    expect(syscallDoc('io_uring_setup')).toBeUndefined();
    expect(syscallDoc('no_such_syscall')).toBeUndefined();
  });

  it('names the filter arguments only where parameters are the syscall arguments', () => {
    expect(syscallParam('ioctl', 1)).toEqual({ type: 'unsigned long', name: 'request' });
    expect(syscallParam('ioctl', 2)).toBeUndefined();
    // sigaction's parameters are not rt_sigaction's arguments (it has a fourth one).
    expect(syscallParam('rt_sigaction', 0)).toBeUndefined();
  });

  it('tells addresses from values', () => {
    const params = syscallDoc('mmap')!.params;
    expect(params.map(isAddressParam)).toEqual([true, false, false, false, false, false]);
    expect(isAddressParam({ type: 'int [2]', name: 'sv' })).toBe(true);
  });
});
