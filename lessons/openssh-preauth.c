/*
 * Lesson 4 — OpenSSH's pre-authentication sandbox.
 *
 * sshd splits itself in two (privilege separation): a privileged monitor, and an unprivileged
 * child that parses everything the not-yet-authenticated client sends. Before the child reads a
 * byte, it sandboxes itself (OpenSSH's sandbox-seccomp-filter.c):
 *   - setrlimit: RLIMIT_NOFILE 0 (no new files or sockets), RLIMIT_NPROC 0 (no new processes),
 *     RLIMIT_FSIZE 0 (no writing to files);
 *   - a seccomp allowlist whose default is to kill the process; open() fails with EACCES so that
 *     libraries probing for files get an error rather than a kill.
 * The child talks to the monitor only over a pipe the monitor opened before the sandbox.
 *
 * In this lesson the studio plays the monitor: its launcher forks, switches to an unprivileged
 * user, applies the policy's limits and filter, and executes this program, the pre-auth child.
 * The pipe opened before the sandbox is stdout; every [TO-MONITOR] line is a message to the monitor.
 *
 * The "network input" is built in: three ordinary packets, then one whose length field is larger
 * than the parser's buffer. The parser notices the overflow and, to play the attacker who would
 * now control the process, runs attacker_code(): read /etc/shadow, open a network connection,
 * start a process, execute a shell.
 *
 * Every line starting with [TAG] is a marker the lesson's check reads.
 *
 * studio-build: -static
 * (linked statically: with RLIMIT_NOFILE 0 before exec, a dynamic loader could not open libc)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

struct packet {
	unsigned length; /* what the client claims */
	const char *payload;
};

static const struct packet NETWORK_INPUT[] = {
	{ 22, "SSH-2.0-LessonClient_1" },
	{ 10, "USER alice" },
	{ 17, "AUTH password ***" },
	{ 4096, "\x90\x90\x90\x90 crafted packet" },
};

static void report(const char *what, int ok)
{
	if (ok)
		printf("[ESCAPE] %s succeeded\n", what);
	else
		printf("[BLOCKED] %s: %s\n", what, strerror(errno));
}

/* What an attacker who took over the child would try first. */
static void attacker_code(void)
{
	int fd = open("/etc/shadow", O_RDONLY | O_CLOEXEC);
	report("open(\"/etc/shadow\")", fd >= 0);
	if (fd >= 0)
		close(fd);

	int sock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	report("socket(AF_INET) to call home", sock >= 0);
	if (sock >= 0)
		close(sock);

	pid_t child = fork();
	if (child == 0)
		_exit(0);
	report("fork()", child > 0);
	if (child > 0)
		waitpid(child, NULL, 0);

	/* On success the shell replaces this process and prints the marker itself. */
	char *const argv[] = { "sh", "-c", "echo '[ESCAPE] execve(\"/bin/sh\") ran a shell'", NULL };
	char *const envp[] = { NULL };
	execve("/bin/sh", argv, envp);
	report("execve(\"/bin/sh\")", 0);
}

static void parse(const struct packet *packet)
{
	char buffer[256];
	if (packet->length >= sizeof buffer) {
		/* A real parser with this bug would copy past the end of buffer; we only pretend. */
		printf("[OVERFLOW] a %u-byte packet for a %zu-byte buffer: the attacker now runs code"
		       " in this process\n",
		       packet->length, sizeof buffer);
		attacker_code();
		printf("[ATTACK-OVER] the attacker's code returned\n");
		return;
	}
	memcpy(buffer, packet->payload, packet->length);
	buffer[packet->length] = '\0';
	printf("[TO-MONITOR] parsed %u bytes: %s\n", packet->length, buffer);
}

int main(void)
{
	if (setvbuf(stdout, NULL, _IONBF, 0) != 0)
		return 1;
	printf("[START] pre-auth child, uid %d\n", (int)getuid());
	for (size_t i = 0; i < sizeof NETWORK_INPUT / sizeof NETWORK_INPUT[0]; i++)
		parse(&NETWORK_INPUT[i]);
	printf("[DONE] all packets handled\n");
	return 0;
}
