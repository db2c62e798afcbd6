import * as d from './arg-decoders';
import type { ArgDecoder } from './arg-decoders';
import * as sets from './constant-sets';

/** One parameter of a syscall as its man page names it, and how to show its value. */
export interface ParamSpec {
  readonly name: string;
  readonly decode: ArgDecoder;
}

const p = (name: string, decode: ArgDecoder): ParamSpec => ({ name, decode });

// Parameters that recur.
const fd = p('fd', d.fd);
const dirfd = p('dirfd', d.dirfd);
const path = p('pathname', d.pointer);
const buf = p('buf', d.pointer);
const count = p('count', d.size);
const addr = p('addr', d.pointer);
const length = p('length', d.size);
const prot = p('prot', d.flagsIn(sets.PROT_FLAGS));
const atFlags = p('flags', d.flagsIn(sets.AT_FLAGS));
const openFlags = p('flags', d.openFlags);
const mode = p('mode', d.mode);
const pid = p('pid', d.int);
const sig = p('sig', d.signal);
const sockfd = p('sockfd', d.fd);
const sockaddr = p('addr', d.pointer);
const addrlen = p('addrlen', d.uint);
const msgFlags = p('flags', d.flagsIn(sets.MSG_FLAGS));
const sigsetsize = p('sigsetsize', d.size);
const statbuf = p('statbuf', d.pointer);
const offset = p('offset', d.long);
const uid = p('uid', d.uint);
const gid = p('gid', d.uint);
const domain = p('domain', d.enumOf(sets.ADDRESS_FAMILIES));
const socketType = p('type', d.socketType);
const protocol = p('protocol', d.int);
const clock = p('clockid', d.enumOf(sets.CLOCKS));
const resource = p('resource', d.enumOf(sets.RESOURCES));
const timeout = p('timeout', d.pointer);
const iov = p('iov', d.pointer);
const iovcnt = p('iovcnt', d.int);
const mmapParams = (last: string): readonly ParamSpec[] => [
  addr,
  length,
  prot,
  p('flags', d.mmapFlags),
  fd,
  p(last, d.size),
];

/**
 * The parameters of the syscalls the studio decodes, by name (the same on every arch unless the
 * arch names the call differently, e.g. mmap2, fcntl64). A syscall missing here shows its six
 * raw arguments. Sources: the syscalls' man pages (section 2).
 */
export const SYSCALL_PARAMS: Readonly<Record<string, readonly ParamSpec[]>> = {
  read: [fd, buf, count],
  write: [fd, buf, count],
  pread64: [fd, buf, count, offset],
  pwrite64: [fd, buf, count, offset],
  readv: [fd, iov, iovcnt],
  writev: [fd, iov, iovcnt],
  preadv: [fd, iov, iovcnt, p('pos_l', d.size), p('pos_h', d.size)],
  pwritev: [fd, iov, iovcnt, p('pos_l', d.size), p('pos_h', d.size)],
  preadv2: [fd, iov, iovcnt, p('pos_l', d.size), p('pos_h', d.size), p('flags', d.hex)],
  pwritev2: [fd, iov, iovcnt, p('pos_l', d.size), p('pos_h', d.size), p('flags', d.hex)],
  open: [path, openFlags, mode],
  openat: [dirfd, path, openFlags, mode],
  openat2: [dirfd, path, p('how', d.pointer), p('size', d.size)],
  creat: [path, mode],
  close: [fd],
  close_range: [
    p('first', d.uint),
    p('last', d.uint),
    p('flags', d.flagsIn(sets.CLOSE_RANGE_FLAGS)),
  ],
  stat: [path, statbuf],
  lstat: [path, statbuf],
  fstat: [fd, statbuf],
  stat64: [path, statbuf],
  lstat64: [path, statbuf],
  fstat64: [fd, statbuf],
  newfstatat: [dirfd, path, statbuf, atFlags],
  fstatat64: [dirfd, path, statbuf, atFlags],
  statx: [dirfd, path, atFlags, p('mask', d.hex), p('statxbuf', d.pointer)],
  access: [path, p('mode', d.accessMode)],
  faccessat: [dirfd, path, p('mode', d.accessMode)],
  faccessat2: [dirfd, path, p('mode', d.accessMode), atFlags],
  lseek: [fd, offset, p('whence', d.enumOf(sets.SEEK_WHENCE))],
  _llseek: [
    fd,
    p('offset_high', d.size),
    p('offset_low', d.size),
    p('result', d.pointer),
    p('whence', d.enumOf(sets.SEEK_WHENCE)),
  ],
  mmap: mmapParams('offset'),
  mmap2: mmapParams('pgoffset'),
  mprotect: [addr, length, prot],
  pkey_mprotect: [addr, length, prot, p('pkey', d.int)],
  munmap: [addr, length],
  mremap: [
    p('old_address', d.pointer),
    p('old_size', d.size),
    p('new_size', d.size),
    p('flags', d.flagsIn(sets.MREMAP_FLAGS)),
    p('new_address', d.pointer),
  ],
  madvise: [addr, length, p('advice', d.enumOf(sets.MADVICE))],
  msync: [addr, length, p('flags', d.flagsIn(sets.MSYNC_FLAGS))],
  brk: [addr],
  ioctl: [fd, p('request', d.enumOrHex(sets.IOCTL_REQUESTS)), p('argp', d.pointer)],
  fcntl: [fd, p('cmd', d.enumOf(sets.FCNTL_COMMANDS)), p('arg', d.fcntlArgument)],
  fcntl64: [fd, p('cmd', d.enumOf(sets.FCNTL_COMMANDS)), p('arg', d.fcntlArgument)],
  dup: [p('oldfd', d.fd)],
  dup2: [p('oldfd', d.fd), p('newfd', d.fd)],
  dup3: [p('oldfd', d.fd), p('newfd', d.fd), openFlags],
  pipe: [p('pipefd', d.pointer)],
  pipe2: [p('pipefd', d.pointer), p('flags', d.flagsIn(sets.OPEN_FLAGS))],
  socket: [domain, socketType, protocol],
  socketpair: [domain, socketType, protocol, p('sv', d.pointer)],
  connect: [sockfd, sockaddr, addrlen],
  bind: [sockfd, sockaddr, addrlen],
  listen: [sockfd, p('backlog', d.int)],
  accept: [sockfd, sockaddr, p('addrlen', d.pointer)],
  accept4: [sockfd, sockaddr, p('addrlen', d.pointer), p('flags', d.flagsIn(sets.SOCKET_FLAGS))],
  getsockname: [sockfd, sockaddr, p('addrlen', d.pointer)],
  getpeername: [sockfd, sockaddr, p('addrlen', d.pointer)],
  sendto: [sockfd, buf, p('len', d.size), msgFlags, p('dest_addr', d.pointer), addrlen],
  recvfrom: [
    sockfd,
    buf,
    p('len', d.size),
    msgFlags,
    p('src_addr', d.pointer),
    p('addrlen', d.pointer),
  ],
  sendmsg: [sockfd, p('msg', d.pointer), msgFlags],
  recvmsg: [sockfd, p('msg', d.pointer), msgFlags],
  sendmmsg: [sockfd, p('msgvec', d.pointer), p('vlen', d.uint), msgFlags],
  recvmmsg: [sockfd, p('msgvec', d.pointer), p('vlen', d.uint), msgFlags, timeout],
  shutdown: [sockfd, p('how', d.enumOf(sets.SHUTDOWN_HOW))],
  setsockopt: [
    sockfd,
    p('level', d.enumOf(sets.SOCKET_LEVELS)),
    p('optname', d.socketOption),
    p('optval', d.pointer),
    p('optlen', d.uint),
  ],
  getsockopt: [
    sockfd,
    p('level', d.enumOf(sets.SOCKET_LEVELS)),
    p('optname', d.socketOption),
    p('optval', d.pointer),
    p('optlen', d.pointer),
  ],
  // The order of the last two differs between arches (x86_64: child_tid, tls; i386, arm: the
  // reverse): both are addresses, named neutrally.
  clone: [
    p('flags', d.cloneFlags),
    p('stack', d.pointer),
    p('parent_tid', d.pointer),
    p('child_tid_or_tls', d.pointer),
    p('tls_or_child_tid', d.pointer),
  ],
  clone3: [p('cl_args', d.pointer), p('size', d.size)],
  fork: [],
  vfork: [],
  execve: [path, p('argv', d.pointer), p('envp', d.pointer)],
  execveat: [dirfd, path, p('argv', d.pointer), p('envp', d.pointer), atFlags],
  exit: [p('status', d.int)],
  exit_group: [p('status', d.int)],
  wait4: [
    pid,
    p('wstatus', d.pointer),
    p('options', d.flagsIn(sets.WAIT_OPTIONS)),
    p('rusage', d.pointer),
  ],
  waitid: [
    p('idtype', d.enumOf(sets.ID_TYPES)),
    p('id', d.int),
    p('infop', d.pointer),
    p('options', d.flagsIn(sets.WAIT_OPTIONS)),
    p('rusage', d.pointer),
  ],
  kill: [pid, sig],
  tkill: [p('tid', d.int), sig],
  tgkill: [p('tgid', d.int), p('tid', d.int), sig],
  rt_sigaction: [sig, p('act', d.pointer), p('oldact', d.pointer), sigsetsize],
  rt_sigprocmask: [
    p('how', d.enumOf(sets.SIG_HOW)),
    p('set', d.pointer),
    p('oldset', d.pointer),
    sigsetsize,
  ],
  rt_sigreturn: [],
  rt_sigqueueinfo: [p('tgid', d.int), sig, p('info', d.pointer)],
  sigaltstack: [p('ss', d.pointer), p('old_ss', d.pointer)],
  pidfd_open: [pid, p('flags', d.hex)],
  pidfd_send_signal: [p('pidfd', d.fd), sig, p('info', d.pointer), p('flags', d.hex)],
  prctl: [
    p('option', d.enumOf(sets.PRCTL_OPTIONS)),
    p('arg2', d.prctlArgument),
    p('arg3', d.prctlThirdArgument),
    p('arg4', d.number),
    p('arg5', d.number),
  ],
  arch_prctl: [p('code', d.enumOf(sets.ARCH_PRCTL_CODES)), p('addr', d.pointer)],
  futex: [
    p('uaddr', d.pointer),
    p('futex_op', d.futexOperation),
    p('val', d.uint),
    p('timeout', d.pointer),
    p('uaddr2', d.pointer),
    p('val3', d.hex),
  ],
  set_tid_address: [p('tidptr', d.pointer)],
  set_robust_list: [p('head', d.pointer), p('len', d.size)],
  get_robust_list: [pid, p('head_ptr', d.pointer), p('len_ptr', d.pointer)],
  rseq: [p('rseq', d.pointer), p('rseq_len', d.uint), p('flags', d.int), p('sig', d.hex)],
  getrandom: [buf, p('buflen', d.size), p('flags', d.flagsIn(sets.GRND_FLAGS))],
  memfd_create: [p('name', d.pointer), p('flags', d.flagsIn(sets.MFD_FLAGS))],
  epoll_create: [p('size', d.int)],
  epoll_create1: [p('flags', d.flagsIn(sets.EPOLL_CREATE_FLAGS))],
  epoll_ctl: [p('epfd', d.fd), p('op', d.enumOf(sets.EPOLL_OPERATIONS)), fd, p('event', d.pointer)],
  epoll_wait: [p('epfd', d.fd), p('events', d.pointer), p('maxevents', d.int), p('timeout', d.int)],
  epoll_pwait: [
    p('epfd', d.fd),
    p('events', d.pointer),
    p('maxevents', d.int),
    p('timeout', d.int),
    p('sigmask', d.pointer),
    sigsetsize,
  ],
  poll: [p('fds', d.pointer), p('nfds', d.uint), p('timeout', d.int)],
  ppoll: [
    p('fds', d.pointer),
    p('nfds', d.uint),
    p('tmo_p', d.pointer),
    p('sigmask', d.pointer),
    sigsetsize,
  ],
  clock_gettime: [clock, p('tp', d.pointer)],
  clock_getres: [clock, p('res', d.pointer)],
  clock_nanosleep: [
    clock,
    p('flags', d.flagsIn(sets.TIMER_FLAGS)),
    p('request', d.pointer),
    p('remain', d.pointer),
  ],
  nanosleep: [p('req', d.pointer), p('rem', d.pointer)],
  getrlimit: [resource, p('rlim', d.pointer)],
  setrlimit: [resource, p('rlim', d.pointer)],
  prlimit64: [pid, resource, p('new_limit', d.pointer), p('old_limit', d.pointer)],
  ptrace: [p('request', d.enumOf(sets.PTRACE_REQUESTS, 'long')), pid, addr, p('data', d.pointer)],
  keyctl: [
    p('operation', d.enumOf(sets.KEYCTL_OPERATIONS)),
    p('arg2', d.number),
    p('arg3', d.number),
    p('arg4', d.number),
    p('arg5', d.number),
  ],
  mount: [
    p('source', d.pointer),
    p('target', d.pointer),
    p('filesystemtype', d.pointer),
    p('mountflags', d.mountFlags),
    p('data', d.pointer),
  ],
  umount2: [p('target', d.pointer), p('flags', d.hex)],
  unshare: [p('flags', d.flagsIn(sets.CLONE_FLAGS, 'ulong'))],
  setns: [fd, p('nstype', d.flagsIn(sets.NAMESPACE_TYPES))],
  seccomp: [
    p('operation', d.enumOf(sets.SECCOMP_OPERATIONS, 'uint')),
    p('flags', d.flagsIn(sets.SECCOMP_FILTER_FLAGS)),
    p('args', d.pointer),
  ],
  personality: [p('persona', d.persona)],
  sched_setscheduler: [pid, p('policy', d.enumOf(sets.SCHED_POLICIES)), p('param', d.pointer)],
  sched_getscheduler: [pid],
  sched_yield: [],
  sched_getaffinity: [pid, p('cpusetsize', d.size), p('mask', d.pointer)],
  sched_setaffinity: [pid, p('cpusetsize', d.size), p('mask', d.pointer)],
  fallocate: [fd, p('mode', d.flagsIn(sets.FALLOC_MODES)), offset, p('len', d.long)],
  rename: [p('oldpath', d.pointer), p('newpath', d.pointer)],
  renameat: [
    p('olddirfd', d.dirfd),
    p('oldpath', d.pointer),
    p('newdirfd', d.dirfd),
    p('newpath', d.pointer),
  ],
  renameat2: [
    p('olddirfd', d.dirfd),
    p('oldpath', d.pointer),
    p('newdirfd', d.dirfd),
    p('newpath', d.pointer),
    p('flags', d.flagsIn(sets.RENAME_FLAGS)),
  ],
  unlink: [path],
  unlinkat: [dirfd, path, atFlags],
  mkdir: [path, mode],
  mkdirat: [dirfd, path, mode],
  rmdir: [path],
  chdir: [path],
  fchdir: [fd],
  chroot: [path],
  getcwd: [buf, p('size', d.size)],
  readlink: [path, buf, p('bufsiz', d.size)],
  readlinkat: [dirfd, path, buf, p('bufsiz', d.size)],
  symlink: [p('target', d.pointer), p('linkpath', d.pointer)],
  symlinkat: [p('target', d.pointer), p('newdirfd', d.dirfd), p('linkpath', d.pointer)],
  link: [p('oldpath', d.pointer), p('newpath', d.pointer)],
  linkat: [
    p('olddirfd', d.dirfd),
    p('oldpath', d.pointer),
    p('newdirfd', d.dirfd),
    p('newpath', d.pointer),
    atFlags,
  ],
  chmod: [path, mode],
  fchmod: [fd, mode],
  fchmodat: [dirfd, path, mode],
  chown: [path, uid, gid],
  fchown: [fd, uid, gid],
  lchown: [path, uid, gid],
  fchownat: [dirfd, path, uid, gid, atFlags],
  utimensat: [dirfd, path, p('times', d.pointer), atFlags],
  umask: [p('mask', d.mode)],
  getdents64: [fd, p('dirp', d.pointer), count],
  truncate: [path, p('length', d.long)],
  ftruncate: [fd, p('length', d.long)],
  fsync: [fd],
  fdatasync: [fd],
  flock: [fd, p('operation', d.int)],
  sendfile: [p('out_fd', d.fd), p('in_fd', d.fd), p('offset', d.pointer), count],
  copy_file_range: [
    p('fd_in', d.fd),
    p('off_in', d.pointer),
    p('fd_out', d.fd),
    p('off_out', d.pointer),
    p('len', d.size),
    p('flags', d.hex),
  ],
  landlock_create_ruleset: [
    p('attr', d.pointer),
    p('size', d.size),
    p('flags', d.flagsIn(sets.LANDLOCK_CREATE_FLAGS)),
  ],
  landlock_add_rule: [
    p('ruleset_fd', d.fd),
    p('rule_type', d.enumOf(sets.LANDLOCK_RULE_TYPES)),
    p('rule_attr', d.pointer),
    p('flags', d.hex),
  ],
  landlock_restrict_self: [p('ruleset_fd', d.fd), p('flags', d.hex)],
  setuid: [uid],
  setgid: [gid],
  setresuid: [p('ruid', d.uint), p('euid', d.uint), p('suid', d.uint)],
  setresgid: [p('rgid', d.uint), p('egid', d.uint), p('sgid', d.uint)],
  setgroups: [p('size', d.int), p('list', d.pointer)],
  getuid: [],
  geteuid: [],
  getgid: [],
  getegid: [],
  getpid: [],
  getppid: [],
  gettid: [],
  getpgrp: [],
  setsid: [],
  uname: [p('buf', d.pointer)],
  sysinfo: [p('info', d.pointer)],
  getrusage: [p('who', d.enumOf(sets.RUSAGE_WHO)), p('usage', d.pointer)],
  gettimeofday: [p('tv', d.pointer), p('tz', d.pointer)],
  time: [p('tloc', d.pointer)],
};
