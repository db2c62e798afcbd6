/*
 * Lesson 1 — seccomp strict mode.
 *
 * Strict mode is the first seccomp (Linux 2.6.12, 2005): after
 *     prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT)
 * the process may only read(), write(), _exit() and sigreturn(); any other system call kills it
 * with SIGKILL. It is entered by the program itself, once it has opened everything it needs.
 *
 * This program tries to enter strict mode, then opens /etc/passwd as if an attacker had taken it
 * over. If strict mode is refused (it is under the studio: a process that already runs under a
 * seccomp filter cannot switch to strict mode, the modes do not stack — prctl fails with EINVAL),
 * the program says so and carries on, as code that treats its sandbox as optional does.
 *
 * Every line starting with [TAG] is a marker the lesson's check reads.
 *
 * studio-build: -static
 * (linked statically: no dynamic loader runs before main, so the filter only has to allow the few
 * calls the C library makes at start-up)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char SECRET_FILE[] = "/etc/passwd";

/* Strict mode allows _exit but not exit_group, which is what exit() and return-from-main call. */
__attribute__((noreturn)) static void exit_thread(int status)
{
	syscall(SYS_exit, status);
	for (;;) {
	}
}

int main(void)
{
	/* Unbuffered: every marker reaches the studio before the next system call can kill us. */
	if (setvbuf(stdout, NULL, _IONBF, 0) != 0)
		return 1;

	printf("[START] entering strict mode: prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT)\n");
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0) == 0) {
		printf("[STRICT-ENTERED] from here on only read, write, _exit and sigreturn work\n");
	} else {
		int error = errno;
		printf("[STRICT-REFUSED] prctl failed: %s (%s)%s\n", strerror(error),
		       error == EINVAL ? "EINVAL" : "not EINVAL",
		       error == EINVAL ? ": this process already runs under a seccomp filter, and"
					 " a filter cannot be swapped for strict mode"
				       : "");
		printf("[FAIL-OPEN] carrying on without strict mode\n");
	}

	printf("[OPENING] %s (strict mode would kill the process here)\n", SECRET_FILE);
	int fd = open(SECRET_FILE, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int error = errno;
		printf("[OPEN-FAILED] %s: %s; the program goes on\n", SECRET_FILE, strerror(error));
		exit_thread(2);
	}
	char line[128] = { 0 };
	ssize_t n = read(fd, line, sizeof line - 1);
	if (n < 0) {
		printf("[OPENED] %s, but reading it failed: %s\n", SECRET_FILE, strerror(errno));
		exit_thread(3);
	}
	char *newline = strchr(line, '\n');
	if (newline)
		*newline = '\0';
	printf("[OPENED] %s: nothing stopped the open; first line: %s\n", SECRET_FILE, line);
	exit_thread(0);
}
