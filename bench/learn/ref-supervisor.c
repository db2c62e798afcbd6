/*
 * Reference learn-mode supervisor for the benchmark (bench/learn): the least a seccomp
 * user-notification supervisor can do, in C, with the same filter and flags as Sandbox Studio.
 *
 *   ref-supervisor FILTER REPORT PROGRAM [ARGS...]
 *
 * FILTER holds raw struct sock_filter bytes. The child sets no_new_privs, installs the filter with
 * SECCOMP_FILTER_FLAG_NEW_LISTENER and execs PROGRAM (an absolute path, no PATH search) with this
 * process's environment. The parent answers every notification with
 * SECCOMP_USER_NOTIF_FLAG_CONTINUE, counts them, and writes
 *   {"notifications":N,"exitCode":C|null,"signal":S|null}
 * to REPORT ("-" for stdout). Exit status 0 when supervision worked, whatever the target did.
 *
 * Handing the listener over: the filter notifies every syscall, so once it is installed the child
 * cannot send anything to the parent before the parent listens. It stores the fd number in a
 * shared page (a plain memory write, no syscall) and blocks in its notified execve; the parent
 * reads the number and copies the fd with pidfd_getfd. The fd is close-on-exec, but the child
 * cannot pass execve's point of no return before the parent has replied, so it is still there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * Linux 6.6 added SECCOMP_IOCTL_NOTIF_SET_FLAGS and SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP; Debian 12's
 * headers (6.1) predate them. Same definitions as include/uapi/linux/seccomp.h (and as
 * native-bridge/linux/seccomp-abi.ts, the flag Sandbox Studio's supervisor sets).
 */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

#define LISTENER_WAIT_NS (10LL * 1000 * 1000 * 1000)

extern char **environ;

/* Written by the child after seccomp() returns, read by the parent. */
struct handoff {
  atomic_int listener;
};

static void fail(const char *what) {
  fprintf(stderr, "ref-supervisor: %s: %s\n", what, strerror(errno));
  exit(1);
}

static void fail_plain(const char *message) {
  fprintf(stderr, "ref-supervisor: %s\n", message);
  exit(1);
}

/* Reads the whole filter file; the kernel takes 1..BPF_MAXINSNS instructions. */
static struct sock_fprog read_filter(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(path);
  struct stat st;
  if (fstat(fd, &st) < 0) fail("fstat filter");
  if (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) != 0 ||
      st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS) {
    fail_plain("the filter file is not 1..4096 whole struct sock_filter instructions");
  }
  size_t size = (size_t)st.st_size;
  struct sock_filter *insns = malloc(size);
  if (!insns) fail("malloc filter");
  size_t done = 0;
  while (done < size) {
    ssize_t n = read(fd, (char *)insns + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("read filter");
    if (n == 0) fail_plain("the filter file shrank while it was read");
    done += (size_t)n;
  }
  if (close(fd) < 0) fail("close filter");
  struct sock_fprog prog = {.len = (unsigned short)(size / sizeof(struct sock_filter)),
                            .filter = insns};
  return prog;
}

/* The child: no syscall may come between seccomp() and execve() except execve's own failure. */
static void run_target(const struct sock_fprog *prog, struct handoff *handoff, pid_t parent,
                       char **argv) {
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) fail("prctl(PR_SET_PDEATHSIG)");
  if (getppid() != parent) _exit(1); /* the parent died before PDEATHSIG was armed */
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) fail("prctl(PR_SET_NO_NEW_PRIVS)");
  long listener =
      syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, prog);
  if (listener < 0) fail("seccomp(SECCOMP_SET_MODE_FILTER, NEW_LISTENER)");
  atomic_store(&handoff->listener, (int)listener);
  execve(argv[0], argv, environ);
  /* Under the filter from here on: the parent answers these calls too. */
  fprintf(stderr, "ref-supervisor: execve %s: %s\n", argv[0], strerror(errno));
  _exit(127);
}

static long long now_ns(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0) fail("clock_gettime");
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Waits until the child has published its listener fd number; fails if it died first. */
static int wait_for_listener_number(struct handoff *handoff, pid_t child) {
  const long long deadline = now_ns() + LISTENER_WAIT_NS;
  const struct timespec pause = {.tv_sec = 0, .tv_nsec = 20 * 1000};
  for (;;) {
    int number = atomic_load(&handoff->listener);
    if (number >= 0) return number;
    int status;
    pid_t waited = waitpid(child, &status, WNOHANG);
    if (waited < 0) fail("waitpid");
    if (waited == child) fail_plain("the child ended before it installed the filter");
    if (now_ns() > deadline) {
      kill(child, SIGKILL);
      fail_plain("the child did not install the filter within 10 s");
    }
    if (nanosleep(&pause, NULL) < 0 && errno != EINTR) fail("nanosleep");
  }
}

struct buffers {
  struct seccomp_notif *req;
  struct seccomp_notif_resp *resp;
  size_t req_size;
  size_t resp_size;
};

/* The kernel's structs may be larger than this header's: allocate whichever is bigger. */
static struct buffers notification_buffers(void) {
  struct seccomp_notif_sizes sizes;
  if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0) {
    fail("seccomp(SECCOMP_GET_NOTIF_SIZES)");
  }
  struct buffers b;
  b.req_size = sizes.seccomp_notif > sizeof(*b.req) ? sizes.seccomp_notif : sizeof(*b.req);
  b.resp_size =
      sizes.seccomp_notif_resp > sizeof(*b.resp) ? sizes.seccomp_notif_resp : sizeof(*b.resp);
  b.req = calloc(1, b.req_size);
  b.resp = calloc(1, b.resp_size);
  if (!b.req || !b.resp) fail("calloc notification buffers");
  return b;
}

/* One notification: receive, let it run. Returns 1 if one was answered (or vanished), else 0. */
static int answer_one(int listener, const struct buffers *b) {
  memset(b->req, 0, b->req_size); /* RECV rejects a buffer that is not zeroed */
  if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, b->req) < 0) {
    /* ENOENT: the task was killed or interrupted between poll and RECV. */
    if (errno == ENOENT || errno == EINTR) return 0;
    fail("ioctl(SECCOMP_IOCTL_NOTIF_RECV)");
  }
  memset(b->resp, 0, b->resp_size);
  b->resp->id = b->req->id;
  b->resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
  if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, b->resp) < 0 && errno != ENOENT) {
    fail("ioctl(SECCOMP_IOCTL_NOTIF_SEND)");
  }
  return 1;
}

struct outcome {
  unsigned long long notifications;
  int status;
};

/*
 * Answers notifications until no task uses the filter any more (POLLHUP). The filter's last
 * users are released only when reaped, so the child is reaped as soon as its pidfd says it ended.
 */
static struct outcome supervise(int listener, int pidfd, pid_t child) {
  const struct buffers b = notification_buffers();
  struct outcome out = {.notifications = 0, .status = -1};
  struct pollfd fds[2] = {{.fd = listener, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
  for (;;) {
    int ready = poll(fds, 2, -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) fail("poll");
    if (fds[1].revents & POLLIN) {
      pid_t waited;
      do waited = waitpid(child, &out.status, 0);
      while (waited < 0 && errno == EINTR);
      if (waited != child) fail("waitpid");
      fds[1].fd = -1; /* poll ignores it from now on */
    }
    if (fds[0].revents & POLLIN) {
      out.notifications += (unsigned long long)answer_one(listener, &b);
    } else if (fds[0].revents & (POLLHUP | POLLERR)) {
      if (fds[1].fd < 0) return out;
    } else if (fds[0].revents & POLLNVAL) {
      fail_plain("poll: the listener fd is not open");
    }
  }
}

static void write_report(const char *path, const struct outcome *out) {
  FILE *file = strcmp(path, "-") == 0 ? stdout : fopen(path, "we");
  if (!file) fail(path);
  char exit_code[16] = "null";
  char signal_number[16] = "null";
  if (WIFEXITED(out->status)) snprintf(exit_code, sizeof exit_code, "%d", WEXITSTATUS(out->status));
  if (WIFSIGNALED(out->status)) {
    snprintf(signal_number, sizeof signal_number, "%d", WTERMSIG(out->status));
  }
  if (fprintf(file, "{\"notifications\":%llu,\"exitCode\":%s,\"signal\":%s}\n", out->notifications,
              exit_code, signal_number) < 0) {
    fail("write report");
  }
  if (fflush(file) != 0) fail("write report");
  if (file != stdout && fclose(file) != 0) fail("close report");
}

int main(int argc, char **argv) {
  if (argc < 4 || argv[3][0] != '/') {
    fprintf(stderr, "usage: ref-supervisor FILTER REPORT|- /ABSOLUTE/PROGRAM [ARGS...]\n");
    return 2;
  }
  const struct sock_fprog prog = read_filter(argv[1]);
  struct handoff *handoff = mmap(NULL, sizeof *handoff, PROT_READ | PROT_WRITE,
                                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (handoff == MAP_FAILED) fail("mmap");
  atomic_init(&handoff->listener, -1);
  if (fflush(NULL) != 0) fail("fflush");
  const pid_t parent = getpid();
  const pid_t child = fork();
  if (child < 0) fail("fork");
  if (child == 0) run_target(&prog, handoff, parent, argv + 3);

  const int pidfd = (int)syscall(SYS_pidfd_open, child, 0);
  if (pidfd < 0) fail("pidfd_open");
  const int number = wait_for_listener_number(handoff, child);
  const int listener = (int)syscall(SYS_pidfd_getfd, pidfd, number, 0);
  if (listener < 0) fail("pidfd_getfd");
  if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) < 0) {
    fail("ioctl(SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP)");
  }
  const struct outcome out = supervise(listener, pidfd, child);
  if (close(listener) < 0) fail("close listener");
  if (close(pidfd) < 0) fail("close pidfd");
  write_report(argv[2], &out);
  return 0;
}
