/*
 * Real strace output captured on this project's machine (x86_64, strace 6.1), abridged: test
 * samples for the strace importer.
 */

/**
 * `strace -f -y -tt -o FILE sh -c 'cat /etc/hostname > /dev/null & wait; exit 3'`: fds decorated
 * with their paths, a call split by another process's, a child, a signal and two exits.
 */
export const Y_TT_LOG = String.raw`2451  17:52:57.583391 execve("/usr/bin/sh", ["sh", "-c", "cat /etc/hostname > /dev/null & "...], 0x7ffc033c8898 /* 39 vars */) = 0
2451  17:52:57.584161 access("/etc/ld.so.preload", R_OK) = -1 ENOENT (No such file or directory)
2451  17:52:57.584218 openat(AT_FDCWD</tmp/s2>, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3</etc/ld.so.cache>
2451  17:52:57.586068 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f6e46cb1a10) = 2452
2452  17:52:57.586326 set_robust_list(0x7f6e46cb1a20, 24 <unfinished ...>
2451  17:52:57.586366 wait4(-1,  <unfinished ...>
2452  17:52:57.586381 <... set_robust_list resumed>) = 0
2451  17:52:57.586432 <... wait4 resumed>0x7fff433bf18c, WNOHANG, NULL) = 0
2452  17:52:57.586768 close(1</tmp/bash_jobs.0/7e0365219757/stdout>) = 0
2452  17:52:57.586828 dup2(3</dev/null>, 1) = 1</dev/null>
2452  17:52:57.587224 execve("/usr/bin/cat", ["cat", "/etc/hostname"], 0x556ba8cdbb58 /* 39 vars */) = 0
2452  17:52:57.588049 openat(AT_FDCWD</tmp/s2>, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3</etc/ld.so.cache>
2452  17:52:57.596115 openat(AT_FDCWD</tmp/s2>, "/etc/hostname", O_RDONLY) = 3</etc/hostname>
2452  17:52:57.596154 newfstatat(3</etc/hostname>, "", {st_mode=S_IFREG|0755, st_size=3, ...}, AT_EMPTY_PATH) = 0
2452  17:52:57.596196 fadvise64(3</etc/hostname>, 0, 0, POSIX_FADV_SEQUENTIAL) = 0
2452  17:52:57.596269 read(3</etc/hostname>, "vm\n", 131072) = 3
2452  17:52:57.596309 write(1</dev/null>, "vm\n", 3) = 3
2452  17:52:57.596343 read(3</etc/hostname>, "", 131072) = 0
2452  17:52:57.596417 close(3</etc/hostname>) = 0
2452  17:52:57.596459 close(1</dev/null>) = 0
2452  17:52:57.596536 exit_group(0)     = ?
2452  17:52:57.596759 +++ exited with 0 +++
2451  17:52:57.596796 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=2452, si_uid=0, si_status=0, si_utime=0, si_stime=0} ---
2451  17:52:57.596905 wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], WNOHANG, NULL) = 2452
2451  17:52:57.597014 exit_group(3)     = ?
2451  17:52:57.597192 +++ exited with 3 +++
`;

/**
 * `strace -f -yy` of python3 (sockets, an eventfd, a pidfd, a file named `a<b>cé d`) and of sh
 * (devices: `/dev/null<char 1:3>`).
 */
export const YY_LOG = String.raw`25025 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 3<TCP:[1621911]>
25025 bind(3<TCP:[1621911]>, {sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr("127.0.0.1")}, 16) = 0
25025 listen(3<TCP:[127.0.0.1:37291]>, 128) = 0
25025 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP) = 4<TCP:[1621915]>
25025 connect(4<TCP:[1621915]>, {sa_family=AF_INET, sin_port=htons(37291), sin_addr=inet_addr("127.0.0.1")}, 16) = 0
25025 socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = 5<UNIX-STREAM:[1621918]>
25025 eventfd2(0, EFD_CLOEXEC)          = 6<anon_inode:[eventfd]>
25025 pidfd_open(25025, 0)              = 7<pid:25025>
25025 openat(AT_FDCWD</tmp/s2>, "/tmp/s2/a<b>c\303\251 d", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0666) = 8</tmp/s2/a\74b\76c\303\251 d>
25025 newfstatat(8</tmp/s2/a\74b\76c\303\251 d>, "", {st_mode=S_IFREG|0644, st_size=0, ...}, AT_EMPTY_PATH) = 0
25025 ioctl(8</tmp/s2/a\74b\76c\303\251 d>, TCGETS, 0x7ffd4cc36280) = -1 ENOTTY (Inappropriate ioctl for device)
25025 lseek(8</tmp/s2/a\74b\76c\303\251 d>, 0, SEEK_CUR) = 0
25025 lseek(8</tmp/s2/a\74b\76c\303\251 d>, 0, SEEK_CUR) = 0
25025 close(8</tmp/s2/a\74b\76c\303\251 d>) = 0
24797 openat(AT_FDCWD</tmp/s2>, "/dev/null", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3</dev/null<char 1:3>>
24797 dup2(3</dev/null<char 1:3>>, 1)   = 1</dev/null<char 1:3>>
24797 close(3</dev/null<char 1:3>>)     = 0
24798 ioctl(1</dev/null<char 1:3>>, TCGETS, 0x7ffd2dc59ef0) = -1 ENOTTY (Inappropriate ioctl for device)
`;
