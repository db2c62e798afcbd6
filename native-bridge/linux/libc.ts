import koffi from 'koffi';
import { syscallNumber } from '../../app/linux/syscalls';

/**
 * koffi bindings to glibc and raw syscalls. Loaded lazily so that importing this module on a
 * non-Linux system does not fail; every function returns the raw C result and callers read
 * `lastErrno()` right after a failure (koffi captures errno per call).
 */
export interface Libc {
  prctl(option: number, a2: number, a3: number, a4: number, a5: number): number;
  fcntl(fd: number, cmd: number, arg: number): number;
  /** seccomp(2) with a pointer to a `struct sock_fprog`. */
  seccomp(op: number, flags: number, prog: Buffer | null): number;
  execve(path: string, argv: (string | null)[], envp: (string | null)[]): number;
  ioctl(fd: number, request: number, arg: Buffer): number;
  /** ioctl whose argument is a plain value (SECCOMP_IOCTL_NOTIF_SET_FLAGS). */
  ioctlValue(fd: number, request: number, value: number): number;
  poll(fds: Buffer, nfds: number, timeoutMs: number): number;
  pidfdOpen(pid: number, flags: number): number;
  pidfdGetfd(pidfd: number, targetFd: number, flags: number): number;
  kill(pid: number, sig: number): number;
  tgkill(tgid: number, tid: number, sig: number): number;
  close(fd: number): number;
  processVmReadv(
    pid: number,
    local: Buffer,
    liovcnt: number,
    remote: Buffer,
    riovcnt: number,
  ): number;
  /** The address of a Buffer's memory, for building iovecs and sock_fprog. */
  address(buffer: Buffer): bigint;
  lastErrno(): number;
}

let cached: Libc | undefined;

function nr(name: string): number {
  const value = syscallNumber('x86_64', name);
  if (value === undefined) throw new Error(`syscall ${name} is missing from the generated table`);
  return value;
}

export function libc(): Libc {
  if (cached) return cached;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `the Linux sandbox needs Linux on x86_64 (this is ${process.platform}/${process.arch})`,
    );
  }
  const lib = koffi.load('libc.so.6');
  // glibc's syscall() is a plain register shuffle on x86_64, so fixed-arity declarations per use
  // are ABI-compatible with its variadic prototype and avoid koffi's slower variadic path.
  const prctl = lib.func(
    'int prctl(int, unsigned long, unsigned long, unsigned long, unsigned long)',
  );
  const fcntl = lib.func('int fcntl(int, int, int)');
  const seccomp = lib.func('syscall', 'long', ['long', 'unsigned int', 'unsigned int', 'void *']);
  const execve = lib.func('int execve(const char *, const char **, const char **)');
  const ioctl = lib.func('int ioctl(int, unsigned long, void *)');
  const ioctlValue = lib.func('ioctl', 'int', ['int', 'unsigned long', 'unsigned long']);
  const poll = lib.func('int poll(void *, unsigned long, int)');
  const syscall3 = lib.func('syscall', 'long', ['long', 'long', 'long', 'long']);
  const kill = lib.func('int kill(int, int)');
  const close = lib.func('int close(int)');
  const readv = lib.func('syscall', 'long', [
    'long',
    'long',
    'void *',
    'unsigned long',
    'void *',
    'unsigned long',
    'unsigned long',
  ]);
  const nrSeccomp = nr('seccomp');
  const nrPidfdOpen = nr('pidfd_open');
  const nrPidfdGetfd = nr('pidfd_getfd');
  const nrTgkill = nr('tgkill');
  const nrReadv = nr('process_vm_readv');
  cached = {
    prctl: (o, a2, a3, a4, a5) => prctl(o, a2, a3, a4, a5) as number,
    fcntl: (fd, cmd, arg) => fcntl(fd, cmd, arg) as number,
    seccomp: (op, flags, prog) => Number(seccomp(nrSeccomp, op, flags, prog)),
    execve: (path, argv, envp) => execve(path, argv, envp) as number,
    ioctl: (fd, request, arg) => ioctl(fd, request, arg) as number,
    ioctlValue: (fd, request, value) => ioctlValue(fd, request, value) as number,
    poll: (fds, n, timeout) => poll(fds, n, timeout) as number,
    pidfdOpen: (pid, flags) => Number(syscall3(nrPidfdOpen, pid, flags, 0)),
    pidfdGetfd: (pidfd, fd, flags) => Number(syscall3(nrPidfdGetfd, pidfd, fd, flags)),
    kill: (pid, sig) => kill(pid, sig) as number,
    tgkill: (tgid, tid, sig) => Number(syscall3(nrTgkill, tgid, tid, sig)),
    close: (fd) => close(fd) as number,
    processVmReadv: (pid, local, lc, remote, rc) =>
      Number(readv(nrReadv, pid, local, lc, remote, rc, 0)),
    address: (buffer) => koffi.address(buffer),
    lastErrno: () => koffi.errno(),
  };
  return cached;
}
