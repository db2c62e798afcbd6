// Which named constants a policy condition may use, and the kernel uapi header each family comes
// from. A family takes every object-like macro whose name matches `names` among the macros the
// headers define (including what they include, hence the narrow patterns). Values are per arch:
// O_DIRECTORY, O_LARGEFILE, SIGSTKSZ, TIOC*/FS_IOC_* encodings and others differ.

/**
 * @typedef {object} ConstantFamily
 * @property {string} family
 * @property {string[]} headers
 * @property {RegExp} names
 * @property {boolean} [optional]  the header exists only on some arches (e.g. asm/prctl.h on x86)
 * @property {RegExp} [enums]      enumerators (not macros) of the headers to evaluate as well
 * @property {string[]} [newerUapi] headers to read from a newer linux-libc-dev than the installed
 *   one (newer-uapi.mjs), when the installed one predates what the running kernels offer
 * @property {string} [includeFirst] set by newer-uapi.mjs: the directory holding those headers
 * @property {string} [headerSource] set by newer-uapi.mjs: where those headers came from
 */

/** @type {ConstantFamily[]} */
export const KERNEL_FAMILIES = [
  {
    family: 'mman',
    headers: ['linux/mman.h'],
    names: /^(PROT_|MAP_|MADV_|MREMAP_|MLOCK_|MCL_|MS_(ASYNC|INVALIDATE|SYNC)$|PKEY_)/,
  },
  { family: 'fcntl', headers: ['linux/fcntl.h'], names: /^(O_|F_|FD_|AT_|DN_)/ },
  { family: 'openat2', headers: ['linux/openat2.h'], names: /^RESOLVE_/ },
  { family: 'sched', headers: ['linux/sched.h'], names: /^(CLONE_|SCHED_|CSIGNAL$)/ },
  { family: 'prctl', headers: ['linux/prctl.h'], names: /^PR_/ },
  { family: 'arch_prctl', headers: ['asm/prctl.h'], names: /^ARCH_/, optional: true },
  // linux/seccomp.h uses _IOWR without including linux/ioctl.h (programs include sys/ioctl.h).
  { family: 'seccomp', headers: ['linux/ioctl.h', 'linux/seccomp.h'], names: /^SECCOMP_/ },
  { family: 'futex', headers: ['linux/futex.h'], names: /^FUTEX_/ },
  { family: 'signal', headers: ['asm/signal.h'], names: /^(SIG|SA_|SS_|MINSIGSTKSZ$)/ },
  { family: 'errno', headers: ['asm/errno.h'], names: /^E[A-Z0-9]+$/ },
  // linux/capability.h: CAP_* numbers and CAP_LAST_CAP; CAP_TO_MASK() and friends are
  // function-like and skipped. The same numbers on every arch.
  { family: 'capability', headers: ['linux/capability.h'], names: /^CAP_/ },
  // Debian 12's landlock.h knows ABI 1–2 only; the kernels here have ABI 7, so the header comes
  // from bookworm-backports. The rule types are an enum.
  {
    family: 'landlock',
    headers: ['linux/landlock.h'],
    names: /^LANDLOCK_/,
    enums: /^LANDLOCK_RULE_/,
    newerUapi: ['linux/landlock.h'],
  },
  // personality(2)'s personas (PER_LINUX, PER_LINUX32, ...) and flags (ADDR_NO_RANDOMIZE,
  // READ_IMPLIES_EXEC, ...) are enumerators; PER_MASK and friends are macros.
  {
    family: 'personality',
    headers: ['linux/personality.h'],
    names: /^(PER_|PER_MASK$|PER_CLEAR_ON_SETID$)/,
    enums:
      /^(PER_[A-Z0-9_]+|UNAME26|ADDR_NO_RANDOMIZE|FDPIC_FUNCPTRS|MMAP_PAGE_ZERO|ADDR_COMPAT_LAYOUT|READ_IMPLIES_EXEC|ADDR_LIMIT_32BIT|SHORT_INODE|WHOLE_SECONDS|STICKY_TIMEOUTS|ADDR_LIMIT_3GB)$/,
  },
  {
    family: 'resource',
    headers: ['linux/resource.h'],
    names: /^(RLIMIT_|RLIM_INFINITY$|PRIO_|RUSAGE_)/,
  },
  {
    family: 'wait',
    headers: ['linux/wait.h'],
    names: /^(W(NOHANG|UNTRACED|STOPPED|EXITED|CONTINUED|NOWAIT)|__W(NOTHREAD|ALL|CLONE)|P_)/,
  },
  { family: 'time', headers: ['linux/time.h'], names: /^(CLOCK_|TIMER_ABSTIME$|ITIMER_)/ },
  { family: 'random', headers: ['linux/random.h'], names: /^GRND_/ },
  { family: 'memfd', headers: ['linux/memfd.h'], names: /^MFD_/ },
  { family: 'eventpoll', headers: ['linux/eventpoll.h'], names: /^EPOLL/ },
  { family: 'close_range', headers: ['linux/close_range.h'], names: /^CLOSE_RANGE_/ },
  { family: 'falloc', headers: ['linux/falloc.h'], names: /^FALLOC_FL_/ },
  { family: 'socketcall', headers: ['linux/net.h'], names: /^SYS_[A-Z]+$/ },
  { family: 'sockopt', headers: ['asm/socket.h'], names: /^(SO_|SOL_SOCKET$|SCM_)/ },
  { family: 'ptrace', headers: ['linux/ptrace.h'], names: /^PTRACE_/ },
  { family: 'keyctl', headers: ['linux/keyctl.h'], names: /^(KEYCTL_|KEY_SPEC_)/ },
  {
    family: 'mount',
    headers: ['linux/fcntl.h', 'linux/mount.h'], // OPEN_TREE_CLOEXEC is O_CLOEXEC
    names: /^(MS_|MOUNT_ATTR_|OPEN_TREE_|MOVE_MOUNT_|FSOPEN_|FSMOUNT_|FSPICK_)/,
  },
  // ioctl requests: asm/ioctls.h is asm-generic/ioctls.h on all six arches (checked by the
  // TCGETS = 0x5401 test), but it is read per arch anyway because _IOR/_IOW sizes are.
  // The struct headers come first so that the host compiler knows the _IOR/_IOW sizes; their own
  // TC* macros (TCIFLUSH, TCOOFF…) are the arguments of TCFLSH/TCXONC, welcome here.
  {
    family: 'tty_ioctl',
    headers: ['asm/termbits.h', 'linux/serial.h', 'asm/ioctls.h'],
    names: /^(TC|TIOC|FIO)/,
  },
  // linux/sockios.h uses _IOR and FIONREAD/TIOCOUTQ without including their headers.
  {
    family: 'socket_ioctl',
    headers: ['linux/ioctl.h', 'asm/ioctls.h', 'linux/sockios.h'],
    names: /^(SIOC|FIO)/,
  },
  {
    family: 'fs_ioctl',
    headers: ['linux/fs.h', 'linux/fiemap.h', 'linux/blktrace_api.h'],
    names: /^(FS_IOC_|FI[A-Z]+$|BLK[A-Z0-9]+$|RENAME_|SEEK_)/,
  },
  // statx(2)'s mask and mknod(2)'s file types (strace writes `S_IFCHR|0600`).
  { family: 'stat', headers: ['linux/stat.h'], names: /^(STATX_|S_IF|S_IS(UID|GID|VTX)$)/ },
  // posix_fadvise(2) advice: per arch (s390 differs), read from each arch's header.
  { family: 'fadvise', headers: ['linux/fadvise.h'], names: /^POSIX_FADV_/ },
  // socket(2)'s protocols are enumerators (each also #defined to itself).
  { family: 'in', headers: ['linux/in.h'], names: /^IPPROTO_/, enums: /^IPPROTO_/ },
  // set_mempolicy(2)/mbind(2) modes are enumerators; their flags are macros.
  { family: 'mempolicy', headers: ['linux/mempolicy.h'], names: /^MPOL_/, enums: /^MPOL_/ },
];

/**
 * Socket families, types and flags are not uapi: the kernel keeps them in include/linux/socket.h
 * and include/linux/net.h. glibc's copies (bits/socket.h, bits/socket_type.h) are the same on
 * every arch the studio targets (they differ only on MIPS, SPARC and Alpha), so they are read once
 * from the host and written to every arch; the generator checks SOCK_NONBLOCK/SOCK_CLOEXEC against
 * each arch's O_NONBLOCK/O_CLOEXEC. The same holds for access(2)'s modes (R_OK…, which only
 * unistd.h defines: the kernel has no uapi name for them) and eventfd2(2)'s flags (the kernel's
 * linux/eventfd.h is not uapi; EFD_CLOEXEC/EFD_NONBLOCK are checked like the socket flags).
 */
export const HOST_LIBC_FAMILY = {
  family: 'host libc',
  headers: ['sys/socket.h', 'unistd.h', 'sys/eventfd.h'],
  names: /^(AF_|PF_|SOCK_|MSG_|SHUT_|SOMAXCONN$|[RWXF]_OK$|EFD_)/,
};
