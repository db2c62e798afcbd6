/*
 * Lesson 5 — threads and SECCOMP_FILTER_FLAG_TSYNC.
 *
 * A seccomp filter binds the thread that installs it, and the threads that thread starts later.
 * Threads that already run keep their old filters — unless the filter is installed with
 * SECCOMP_FILTER_FLAG_TSYNC, which makes the kernel put it on every thread of the process at once
 * (or fail, if it cannot).
 *
 * This program starts a worker thread first, then sandboxes itself from the main thread with its
 * own filter: openat fails with EPERM. Then both threads try to open /etc/passwd. Without TSYNC,
 * the worker still can. With --tsync, the filter is installed with SECCOMP_FILTER_FLAG_TSYNC.
 *
 * Every line starting with [TAG] is a marker the lesson's check reads.
 *
 * studio-build: -static
 * (linked statically: a policy that denies openat from outside leaves no loader to break)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char SECRET_FILE[] = "/etc/passwd";

/* The architecture the filter accepts: this program's own. */
#if defined(__x86_64__)
#define OWN_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define OWN_AUDIT_ARCH AUDIT_ARCH_AARCH64
#elif defined(__riscv) && __riscv_xlen == 64
#define OWN_AUDIT_ARCH AUDIT_ARCH_RISCV64
#else
#error "add this architecture's AUDIT_ARCH_* value"
#endif

/* x32 calls arrive with the x86_64 arch value and this bit set in the number. */
#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif

/* The main thread waits until the worker runs; the worker waits until the filter is in place. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int worker_started;
static int sandboxed;

static void set_and_signal(int *flag)
{
	pthread_mutex_lock(&lock);
	*flag = 1;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
}

static void wait_for(const int *flag)
{
	pthread_mutex_lock(&lock);
	while (!*flag)
		pthread_cond_wait(&changed, &lock);
	pthread_mutex_unlock(&lock);
}

/* gettid() as a system call: the glibc wrapper is recent (2.30). */
static long thread_id(void)
{
	return syscall(SYS_gettid);
}

static void try_open(const char *who)
{
	int fd = open(SECRET_FILE, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		char line[64] = { 0 };
		ssize_t n = read(fd, line, sizeof line - 1);
		char *newline = n > 0 ? strchr(line, '\n') : NULL;
		if (newline)
			*newline = '\0';
		printf("[OPENED-%s] thread %ld opened %s: %s\n", who, thread_id(), SECRET_FILE,
		       n > 0 ? line : "(unreadable)");
		close(fd);
	} else {
		printf("[BLOCKED-%s] thread %ld: open %s: %s\n", who, thread_id(), SECRET_FILE,
		       strerror(errno));
	}
}

static void *worker(void *unused)
{
	(void)unused;
	printf("[WORKER] thread %ld runs before the filter is installed\n", thread_id());
	set_and_signal(&worker_started);
	wait_for(&sandboxed);
	try_open("WORKER");
	return NULL;
}

/* openat → EPERM, everything else allowed; another architecture (x32 included) is killed. */
static int install_filter(int tsync)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, OWN_AUDIT_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, __X32_SYSCALL_BIT, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog program = { .len = sizeof code / sizeof code[0], .filter = code };
	/* Without CAP_SYS_ADMIN a filter needs no_new_privs (the studio sets it; set it anyway). */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		printf("[ERROR] prctl(PR_SET_NO_NEW_PRIVS): %s\n", strerror(errno));
		return -1;
	}
	unsigned flags = tsync ? SECCOMP_FILTER_FLAG_TSYNC : 0;
	long result = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &program);
	if (result != 0) {
		printf("[ERROR] seccomp(SECCOMP_SET_MODE_FILTER%s): %s (returned %ld)\n",
		       tsync ? ", TSYNC" : "", result < 0 ? strerror(errno) : "a thread refused",
		       result);
		return -1;
	}
	printf("[FILTER] thread %ld installed openat → EPERM %s\n", thread_id(),
	       tsync ? "with TSYNC: on every thread" : "without TSYNC: on this thread only");
	return 0;
}

int main(int argc, char **argv)
{
	if (setvbuf(stdout, NULL, _IONBF, 0) != 0)
		return 1;
	int tsync = argc > 1 && strcmp(argv[1], "--tsync") == 0;
	for (int i = 1 + tsync; i < argc; i++) {
		fprintf(stderr, "unknown argument %s (the only one is --tsync)\n", argv[i]);
		return 2;
	}
	pthread_t thread;
	int error = pthread_create(&thread, NULL, worker, NULL);
	if (error != 0) {
		printf("[ERROR] pthread_create: %s\n", strerror(error));
		return 1;
	}
	wait_for(&worker_started);
	printf("[MAIN] thread %ld started a worker, now sandboxes itself\n", thread_id());
	if (install_filter(tsync) != 0)
		return 1;
	try_open("MAIN");

	set_and_signal(&sandboxed);
	error = pthread_join(thread, NULL);
	if (error != 0) {
		printf("[ERROR] pthread_join: %s\n", strerror(error));
		return 1;
	}
	printf("[DONE]\n");
	return 0;
}
