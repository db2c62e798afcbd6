/**
 * The C test program the code-export integration tests link an exported sandbox.c into. It calls
 * sandbox_apply() and then makes one syscall, and prints `ok` or `errno N` (or dies by a signal):
 *
 *   probe call NR [ARG0 … ARG5]     the syscall on the main thread
 *   probe thread NR [ARG0 … ARG5]   the syscall on a thread started before sandbox_apply() (TSYNC)
 *   probe diverge                   a thread installs a filter of its own first: TSYNC must fail
 *   probe layers                    prints no_new_privs, dumpable, RLIMIT_NOFILE and capabilities
 *   probe strict                    writes after sandbox_apply(), then calls getpid
 *
 * With PROBE_NO_SANDBOX set, sandbox_apply() is skipped (the unsandboxed baseline). It ends with
 * syscall(SYS_exit) so that neither exit_group nor libc's exit path needs allowing.
 */
export const PROBE_PROGRAM = String.raw`
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

int sandbox_apply(void);
const char *sandbox_message(void);

static long call_nr;
static unsigned long call_args[6];
static sem_t go;
static sem_t ready;
static volatile long helper_tid;

static void say(const char *text)
{
	if (write(1, text, strlen(text)) < 0)
		syscall(SYS_exit, 3);
}

static void finish(int status)
{
	syscall(SYS_exit, status);
}

static void report(long rc, int err)
{
	char line[64];
	if (rc == -1)
		snprintf(line, sizeof line, "errno %d\n", err);
	else
		snprintf(line, sizeof line, "ok\n");
	say(line);
}

static void make_call(void)
{
	errno = 0;
	long rc = syscall(call_nr, call_args[0], call_args[1], call_args[2], call_args[3],
			  call_args[4], call_args[5]);
	report(rc, errno);
}

static void apply(void)
{
	if (getenv("PROBE_NO_SANDBOX") != NULL)
		return;
	int rc = sandbox_apply();
	if (rc != 0) {
		char line[400];
		snprintf(line, sizeof line, "apply-failed %d %s\n", rc, sandbox_message());
		say(line);
		finish(100);
	}
}

static void *worker(void *unused)
{
	(void)unused;
	/* Started and waiting before the filter goes on: glibc's thread start-up is not probed. */
	if (sem_post(&ready) != 0)
		syscall(SYS_exit, 2);
	while (sem_wait(&go) != 0)
		;
	make_call();
	syscall(SYS_exit, 0);
	return NULL;
}

static void *diverging(void *unused)
{
	(void)unused;
	struct sock_filter allow[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
	struct sock_fprog program = { .len = 1, .filter = allow };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1UL, 0UL, 0UL, 0UL) != 0 ||
	    syscall(SYS_seccomp, (unsigned long)SECCOMP_SET_MODE_FILTER, 0UL, &program) != 0)
		say("diverge-failed\n");
	helper_tid = syscall(SYS_gettid);
	while (sem_wait(&go) != 0)
		;
	syscall(SYS_exit, 0);
	return NULL;
}

static void parse_call(int argc, char **argv)
{
	call_nr = strtol(argv[2], NULL, 0);
	for (int i = 3; i < argc && i < 9; i++)
		call_args[i - 3] = strtoull(argv[i], NULL, 0);
}

static int layers(void)
{
	struct rlimit nofile;
	if (getrlimit(RLIMIT_NOFILE, &nofile) != 0)
		return 4;
	struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof data);
	if (syscall(SYS_capget, &header, data) != 0)
		return 5;
	uint64_t bounding = 0;
	for (unsigned long cap = 0; cap < 64; cap++) {
		int present = prctl(PR_CAPBSET_READ, cap, 0UL, 0UL, 0UL);
		if (present < 0)
			break;
		if (present == 1)
			bounding |= UINT64_C(1) << cap;
	}
	char line[300];
	snprintf(line, sizeof line,
		 "nnp=%d dumpable=%d nofile=%llu/%llu eff=%llx prm=%llx inh=%llx bnd=%llx amb=%d\n",
		 prctl(PR_GET_NO_NEW_PRIVS, 0UL, 0UL, 0UL, 0UL), prctl(PR_GET_DUMPABLE, 0UL, 0UL, 0UL, 0UL),
		 (unsigned long long)nofile.rlim_cur, (unsigned long long)nofile.rlim_max,
		 (unsigned long long)data[0].effective | (unsigned long long)data[1].effective << 32,
		 (unsigned long long)data[0].permitted | (unsigned long long)data[1].permitted << 32,
		 (unsigned long long)data[0].inheritable | (unsigned long long)data[1].inheritable << 32,
		 (unsigned long long)bounding,
		 prctl(PR_CAP_AMBIENT, (unsigned long)PR_CAP_AMBIENT_IS_SET, 10UL, 0UL, 0UL));
	say(line);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (strcmp(mode, "call") == 0 && argc > 2) {
		parse_call(argc, argv);
		apply();
		make_call();
		finish(0);
	}
	if (strcmp(mode, "thread") == 0 && argc > 2) {
		parse_call(argc, argv);
		pthread_t thread;
		if (sem_init(&go, 0, 0) != 0 || sem_init(&ready, 0, 0) != 0 ||
		    pthread_create(&thread, NULL, worker, NULL) != 0)
			finish(2);
		while (sem_wait(&ready) != 0)
			;
		apply();
		if (sem_post(&go) != 0 || pthread_join(thread, NULL) != 0)
			finish(2);
		finish(0);
	}
	if (strcmp(mode, "diverge") == 0) {
		pthread_t thread;
		if (sem_init(&go, 0, 0) != 0 || pthread_create(&thread, NULL, diverging, NULL) != 0)
			finish(2);
		while (helper_tid == 0)
			sched_yield();
		char line[400];
		int rc = sandbox_apply();
		snprintf(line, sizeof line, "rc=%d tid=%ld message=%s\n", rc, helper_tid, sandbox_message());
		say(line);
		syscall(SYS_exit_group, 0);
	}
	if (strcmp(mode, "layers") == 0) {
		apply();
		finish(layers());
	}
	if (strcmp(mode, "strict") == 0) {
		apply();
		say("strict\n");
		syscall(SYS_getpid);
		say("survived\n");
		finish(0);
	}
	return 2;
}
`;
