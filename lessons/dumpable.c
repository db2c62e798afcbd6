/*
 * Lesson 2 — PR_SET_DUMPABLE and ptrace.
 *
 * Any process of the same user may attach to another one with ptrace, or read its memory with
 * process_vm_readv or /proc/PID/mem: that is how debuggers work. A process that holds secrets
 * (keys, passwords) can refuse this with prctl(PR_SET_DUMPABLE, 0): from then on only a process
 * with CAP_SYS_PTRACE may look inside it, and it leaves no core dump.
 *
 * execve resets the flag (to 1 for an ordinary program), so nobody can set it for a program from
 * outside — not a launcher, not the studio: the program must call it itself, after it started.
 *
 * What this program does:
 *   1. prints whether it is dumpable when main() starts;
 *   2. with --set-dumpable-0, calls prctl(PR_SET_DUMPABLE, 0) itself;
 *   3. keeps a secret in memory and forks a child (same user) that tries to read it with
 *      process_vm_readv and to attach with ptrace(PTRACE_SEIZE).
 *
 * Every line starting with [TAG] is a marker the lesson's check reads.
 *
 * studio-build: -static
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

/* The secret the child tries to read; volatile so that the compiler keeps it in memory. */
static volatile char secret[] = "correct horse battery staple";

static const char *errno_name(int error)
{
	switch (error) {
	case EPERM:
		return "EPERM";
	case EACCES:
		return "EACCES";
	case ESRCH:
		return "ESRCH";
	case ENOSYS:
		return "ENOSYS";
	default:
		return "another error";
	}
}

/* 1 when the effective set holds CAP_SYS_PTRACE (it overrides the dumpable flag), 0 when not. */
static int has_cap_sys_ptrace(void)
{
	struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { 0 };
	if (syscall(SYS_capget, &header, data) != 0)
		return -1;
	return (data[CAP_SYS_PTRACE / 32].effective >> (CAP_SYS_PTRACE % 32)) & 1;
}

/* The child: same user, no privileges beyond its parent's; tries both ways in. */
static int try_to_read_parent(pid_t parent)
{
	char copy[sizeof secret] = { 0 };
	struct iovec local = { .iov_base = copy, .iov_len = sizeof copy - 1 };
	struct iovec remote = { .iov_base = (void *)secret, .iov_len = sizeof copy - 1 };
	ssize_t n = process_vm_readv(parent, &local, 1, &remote, 1, 0);
	if (n >= 0)
		printf("[LEAKED] process_vm_readv read the parent's secret: \"%s\"\n", copy);
	else
		printf("[PROTECTED] process_vm_readv(parent): %s (%s)\n", strerror(errno),
		       errno_name(errno));

	/* PTRACE_SEIZE attaches without stopping the parent; our exit detaches it again. */
	if (ptrace(PTRACE_SEIZE, parent, 0, 0) == 0)
		printf("[LEAKED] ptrace(PTRACE_SEIZE, parent) succeeded: the child could now read and"
		       " change all of the parent's memory and registers\n");
	else
		printf("[PROTECTED] ptrace(PTRACE_SEIZE, parent): %s (%s)\n", strerror(errno),
		       errno_name(errno));
	return 0;
}

int main(int argc, char **argv)
{
	if (setvbuf(stdout, NULL, _IONBF, 0) != 0)
		return 1;
	int set_dumpable_0 = argc > 1 && strcmp(argv[1], "--set-dumpable-0") == 0;
	for (int i = 1 + set_dumpable_0; i < argc; i++) {
		fprintf(stderr, "unknown argument %s (the only one is --set-dumpable-0)\n", argv[i]);
		return 2;
	}

	int ptrace_cap = has_cap_sys_ptrace();
	if (ptrace_cap < 0) {
		printf("[ERROR] capget: %s\n", strerror(errno));
		return 1;
	}
	printf("[WHO] uid %d, euid %d, CAP_SYS_PTRACE %s\n", (int)getuid(), (int)geteuid(),
	       ptrace_cap ? "yes: this user may trace any process, dumpable or not" : "no");
	int dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
	if (dumpable < 0) {
		printf("[ERROR] prctl(PR_GET_DUMPABLE): %s\n", strerror(errno));
		return 1;
	}
	printf("[DUMPABLE-AT-START] %d%s\n", dumpable,
	       dumpable ? ": execve made this program dumpable, whatever was set before it" : "");

	if (set_dumpable_0) {
		if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
			printf("[ERROR] prctl(PR_SET_DUMPABLE, 0): %s\n", strerror(errno));
			return 1;
		}
		printf("[DUMPABLE-SET] the program called prctl(PR_SET_DUMPABLE, 0) itself\n");
	}

	pid_t parent = getpid();
	pid_t child = fork();
	if (child < 0) {
		printf("[ERROR] fork: %s\n", strerror(errno));
		return 1;
	}
	if (child == 0)
		_exit(try_to_read_parent(parent));

	int status = 0;
	if (waitpid(child, &status, 0) < 0) {
		printf("[ERROR] waitpid: %s\n", strerror(errno));
		return 1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		printf("[ERROR] the child did not finish normally (status 0x%x)\n", status);
		return 1;
	}
	printf("[DONE] the secret is still \"%s\"\n", (const char *)secret);
	return 0;
}
