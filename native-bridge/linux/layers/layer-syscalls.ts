import koffi from 'koffi';
import { constantValue } from '../../../app/linux/arch-constants';
import { syscallNumber } from '../../../app/linux/syscalls';

/**
 * koffi bindings for the sandbox layers: rlimits, capabilities, credentials, chroot and Landlock.
 * Every function returns the raw C result (negative on failure) and `lastErrno()` reads the errno
 * koffi captured for the last call on this thread.
 *
 * Credentials are changed with raw syscalls, not glibc's setresuid/setresgid/setgroups wrappers:
 * glibc broadcasts those to every thread of the process with its internal SIGSETXID signal, so that
 * POSIX's "process-wide credentials" hold. In the launcher only the calling thread matters: it is
 * the thread that execs, and every other Node thread dies at execve. Capabilities (capset, the
 * bounding set, ambient), no_new_privs, Landlock's restrict_self and the seccomp filter (no TSYNC)
 * are per thread in the kernel too, so the raw calls keep every credential change on the one thread
 * that carries all the other layers, and no signal is sent into V8's threads. The other threads
 * keep the launcher's original credentials until execve ends them; they run no target code.
 */
export interface LayerSyscalls {
  /** prlimit64(pid, resource, new, old); `next`/`previous` are struct rlimit64 (2 × u64) or null. */
  prlimit(pid: number, resource: number, next: Buffer | null, previous: Buffer | null): number;
  /** capget/capset with struct __user_cap_header_struct and __user_cap_data_struct[2]. */
  capget(header: Buffer, data: Buffer | null): number;
  capset(header: Buffer, data: Buffer): number;
  prctl(option: number, a2: number, a3: number, a4: number, a5: number): number;
  setgroups(count: number, gids: Buffer | null): number;
  setresgid(rgid: number, egid: number, sgid: number): number;
  setresuid(ruid: number, euid: number, suid: number): number;
  /** Each buffer receives one u32: real, effective, saved. */
  getresuid(real: Buffer, effective: Buffer, saved: Buffer): number;
  getresgid(real: Buffer, effective: Buffer, saved: Buffer): number;
  getgroups(count: number, gids: Buffer | null): number;
  chroot(path: string): number;
  chdir(path: string): number;
  /** openat(AT_FDCWD, path, flags). */
  open(path: string, flags: number): number;
  close(fd: number): number;
  landlockCreateRuleset(attr: Buffer | null, size: number, flags: number): number;
  landlockAddRule(rulesetFd: number, ruleType: number, attr: Buffer, flags: number): number;
  landlockRestrictSelf(rulesetFd: number, flags: number): number;
  lastErrno(): number;
}

let cached: LayerSyscalls | undefined;

function nr(name: string): number {
  const value = syscallNumber('x86_64', name);
  if (value === undefined) throw new Error(`syscall ${name} is missing from the generated table`);
  return value;
}

function constant(name: string): number {
  const value = constantValue('x86_64', name);
  if (value === undefined) throw new Error(`${name} is missing from the generated tables`);
  return Number(value);
}

export function layerSyscalls(): LayerSyscalls {
  if (cached) return cached;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `the Linux sandbox layers need Linux on x86_64 (this is ${process.platform}/${process.arch})`,
    );
  }
  const lib = koffi.load('libc.so.6');
  // glibc's syscall() only shuffles registers on x86_64, so fixed-arity declarations per shape are
  // ABI-compatible with its variadic prototype (the same choice as linux/libc.ts).
  const call3 = lib.func('syscall', 'long', ['long', 'long', 'long', 'long']);
  const callPtr2 = lib.func('syscall', 'long', ['long', 'void *', 'void *']);
  const callPtr3 = lib.func('syscall', 'long', ['long', 'void *', 'void *', 'void *']);
  const callIntPtr = lib.func('syscall', 'long', ['long', 'long', 'void *']);
  const callPrlimit = lib.func('syscall', 'long', ['long', 'long', 'long', 'void *', 'void *']);
  const callOpenat = lib.func('syscall', 'long', ['long', 'long', 'const char *', 'long', 'long']);
  const callStr = lib.func('syscall', 'long', ['long', 'const char *']);
  const callCreate = lib.func('syscall', 'long', ['long', 'void *', 'unsigned long', 'long']);
  const callAddRule = lib.func('syscall', 'long', ['long', 'long', 'long', 'void *', 'long']);
  const prctl = lib.func(
    'int prctl(int, unsigned long, unsigned long, unsigned long, unsigned long)',
  );
  const close = lib.func('int close(int)');
  const n = {
    prlimit64: nr('prlimit64'),
    capget: nr('capget'),
    capset: nr('capset'),
    setgroups: nr('setgroups'),
    setresgid: nr('setresgid'),
    setresuid: nr('setresuid'),
    getresuid: nr('getresuid'),
    getresgid: nr('getresgid'),
    getgroups: nr('getgroups'),
    chroot: nr('chroot'),
    chdir: nr('chdir'),
    openat: nr('openat'),
    createRuleset: nr('landlock_create_ruleset'),
    addRule: nr('landlock_add_rule'),
    restrictSelf: nr('landlock_restrict_self'),
  };
  const atFdcwd = constant('AT_FDCWD');
  cached = {
    prlimit: (pid, resource, next, previous) =>
      Number(callPrlimit(n.prlimit64, pid, resource, next, previous)),
    capget: (header, data) => Number(callPtr2(n.capget, header, data)),
    capset: (header, data) => Number(callPtr2(n.capset, header, data)),
    prctl: (option, a2, a3, a4, a5) => prctl(option, a2, a3, a4, a5) as number,
    setgroups: (count, gids) => Number(callIntPtr(n.setgroups, count, gids)),
    setresgid: (r, e, s) => Number(call3(n.setresgid, r, e, s)),
    setresuid: (r, e, s) => Number(call3(n.setresuid, r, e, s)),
    getresuid: (r, e, s) => Number(callPtr3(n.getresuid, r, e, s)),
    getresgid: (r, e, s) => Number(callPtr3(n.getresgid, r, e, s)),
    getgroups: (count, gids) => Number(callIntPtr(n.getgroups, count, gids)),
    chroot: (path) => Number(callStr(n.chroot, path)),
    chdir: (path) => Number(callStr(n.chdir, path)),
    open: (path, flags) => Number(callOpenat(n.openat, atFdcwd, path, flags, 0)),
    close: (fd) => close(fd) as number,
    landlockCreateRuleset: (attr, size, flags) =>
      Number(callCreate(n.createRuleset, attr, size, flags)),
    landlockAddRule: (fd, type, attr, flags) =>
      Number(callAddRule(n.addRule, fd, type, attr, flags)),
    landlockRestrictSelf: (fd, flags) => Number(call3(n.restrictSelf, fd, flags, 0)),
    lastErrno: () => koffi.errno(),
  };
  return cached;
}
