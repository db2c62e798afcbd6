/*
 * run-filtered-syscall FILTER ABI NR A0 A1 A2 A3 A4 A5
 *
 * Installs the classic-BPF seccomp filter in FILTER (raw struct sock_filter array) in a child
 * process, makes one syscall there and prints what the kernel did, one line on stdout:
 *   returned R ERRNO   the syscall returned R (-1 with ERRNO set, else ERRNO 0)
 *   trapped DATA NR    SIGSYS from SECCOMP_RET_TRAP (si_errno is the filter's data)
 *   killed SIGNAL      the child died from a signal (SIGSYS: SECCOMP_RET_KILL_*)
 * ABI is "64" (the syscall instruction) or "32" (int $0x80: the i386 ABI, AUDIT_ARCH_I386).
 *
 * After the filter is installed the child makes no syscall except the one under test: it reports
 * through shared memory and ends itself with an illegal instruction (SIGILL, no syscall needed),
 * so the filter need not allow write or exit.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum outcome { NOTHING, RETURNED, TRAPPED };

struct report {
  volatile int outcome;
  volatile long value;
  volatile int error;
  volatile int trap_data;
  volatile int trap_nr;
};

static struct report *report;

/* An illegal instruction ends the child without a syscall (a null store would be UB to gcc). */
static __attribute__((noreturn)) void die_quietly(void) { __builtin_trap(); }

static void on_sigsys(int sig, siginfo_t *info, void *context) {
  (void)sig;
  (void)context;
  report->trap_data = info->si_errno;
  report->trap_nr = info->si_syscall;
  report->outcome = TRAPPED;
  die_quietly();
}

static long syscall32(long nr, const unsigned long *a) {
  long ret;
  /* int $0x80 takes the i386 ABI: eax = nr, ebx ecx edx esi edi ebp = arguments (32-bit). */
  __asm__ volatile("push %%rbp\n\tmov %[a5], %%rbp\n\tint $0x80\n\tpop %%rbp"
                   : "=a"(ret)
                   : "a"(nr), "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]), "D"(a[4]), [a5] "r"(a[5])
                   : "memory");
  return ret;
}

static struct sock_fprog read_filter(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    exit(2);
  }
  static struct sock_filter code[BPF_MAXINSNS + 1];
  size_t n = fread(code, sizeof code[0], BPF_MAXINSNS + 1, f);
  fclose(f);
  if (n == 0 || n > BPF_MAXINSNS) {
    fprintf(stderr, "%s: expected 1..%d instructions\n", path, BPF_MAXINSNS);
    exit(2);
  }
  struct sock_fprog prog = {.len = (unsigned short)n, .filter = code};
  return prog;
}

static __attribute__((noreturn)) void child(struct sock_fprog *prog, int abi32, long nr, const unsigned long *a) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_sigsys;
  sa.sa_flags = SA_SIGINFO;
  struct rlimit no_core = {0, 0};
  if (sigaction(SIGSYS, &sa, NULL) || setrlimit(RLIMIT_CORE, &no_core) ||
      prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
      syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog)) {
    perror("installing the filter");
    _exit(3);
  }
  long ret;
  int error;
  if (abi32) {
    ret = syscall32(nr, a);
    error = ret < 0 && ret >= -4095 ? (int)-ret : 0;
    ret = error ? -1 : ret;
  } else {
    ret = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    error = ret == -1 ? errno : 0;
  }
  report->value = ret;
  report->error = error;
  report->outcome = RETURNED;
  die_quietly();
}

int main(int argc, char **argv) {
  if (argc != 10) {
    fprintf(stderr, "usage: %s FILTER 64|32 NR A0 A1 A2 A3 A4 A5\n", argv[0]);
    return 2;
  }
  /* A parent that ignores SIGCHLD would have the child reaped before waitpid sees it. */
  signal(SIGCHLD, SIG_DFL);
  struct sock_fprog prog = read_filter(argv[1]);
  int abi32 = strcmp(argv[2], "32") == 0;
  long nr = (long)strtoull(argv[3], NULL, 0);
  unsigned long a[6];
  for (int i = 0; i < 6; i++) a[i] = strtoull(argv[4 + i], NULL, 0);

  report = mmap(NULL, sizeof *report, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (report == MAP_FAILED) {
    perror("mmap");
    return 2;
  }
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    return 2;
  }
  if (pid == 0) child(&prog, abi32, nr, a);
  int status;
  if (waitpid(pid, &status, 0) != pid) {
    perror("waitpid");
    return 2;
  }
  if (WIFEXITED(status)) {
    fprintf(stderr, "the child exited with %d before the syscall\n", WEXITSTATUS(status));
    return 2;
  }
  if (report->outcome == RETURNED) {
    printf("returned %ld %d\n", report->value, report->error);
  } else if (report->outcome == TRAPPED) {
    printf("trapped %d %d\n", report->trap_data, report->trap_nr);
  } else {
    printf("killed %d\n", WTERMSIG(status));
  }
  return 0;
}
