/*
 * Lesson 6 — capabilities: the bounding set and ambient capabilities.
 *
 * Root's power is split into about forty capabilities. A service that needs one of them — here
 * CAP_NET_BIND_SERVICE, to listen on a port below 1024 — should run as an ordinary user with that
 * one capability and nothing else:
 *   - an ordinary user loses all capabilities at execve, except those in the AMBIENT set (which
 *     must also be permitted and inheritable): that is how the launcher hands one over;
 *   - the BOUNDING set limits what the process and its children could ever gain again (through
 *     setuid-root or file-capability programs): drop everything not needed from it too.
 *
 * The program reports its user and capability sets, does its job (bind a port below 1024), then
 * tries things a compromised service must not be able to do:
 *   - unshare(CLONE_NEWNS), which needs CAP_SYS_ADMIN;
 *   - read /etc/shadow, which an ordinary user may not (CAP_DAC_READ_SEARCH would let it);
 *   - kill(1, 0): may it signal init? (another user's process: needs CAP_KILL; signal 0 only
 *     asks the question, nothing is sent).
 *
 * Every line starting with [TAG] is a marker the lesson's check reads.
 *
 * studio-build: -static
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void report(const char *what, int ok)
{
	if (ok)
		printf("[ESCAPE] %s succeeded\n", what);
	else
		printf("[BLOCKED] %s: %s\n", what, strerror(errno));
}

/* Prints the CapEff/CapPrm/CapInh/CapBnd/CapAmb lines of /proc/self/status. */
static int print_capabilities(void)
{
	FILE *status = fopen("/proc/self/status", "re");
	if (!status) {
		printf("[ERROR] /proc/self/status: %s\n", strerror(errno));
		return -1;
	}
	char line[256];
	printf("[CAPS]");
	while (fgets(line, sizeof line, status)) {
		char name[16];
		unsigned long long mask;
		if (sscanf(line, "Cap%15[A-Za-z]: %llx", name, &mask) == 2)
			printf(" Cap%s=%016llx", name, mask);
	}
	printf("\n");
	if (fclose(status) != 0) {
		printf("[ERROR] closing /proc/self/status: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* The service's job: listen on a port below 1024 (any free one of 1000..1023). */
static int bind_privileged_port(void)
{
	for (int port = 1023; port >= 1000; port--) {
		int sock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (sock < 0) {
			printf("[WORK-FAILED] socket: %s\n", strerror(errno));
			return -1;
		}
		struct sockaddr_in address = { .sin_family = AF_INET,
					       .sin_port = htons((unsigned short)port),
					       .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		int bound = bind(sock, (struct sockaddr *)&address, sizeof address);
		int error = errno;
		close(sock);
		if (bound == 0) {
			printf("[WORK] bound 127.0.0.1:%d, a port below 1024\n", port);
			return 0;
		}
		if (error != EADDRINUSE) {
			printf("[WORK-FAILED] bind 127.0.0.1:%d: %s%s\n", port, strerror(error),
			       error == EACCES ? " (needs CAP_NET_BIND_SERVICE)" : "");
			return -1;
		}
	}
	printf("[WORK-FAILED] ports 1000 to 1023 are all in use\n");
	return -1;
}

int main(void)
{
	if (setvbuf(stdout, NULL, _IONBF, 0) != 0)
		return 1;
	printf("[WHO] uid %d, euid %d\n", (int)getuid(), (int)geteuid());
	if (print_capabilities() != 0)
		return 1;
	int worked = bind_privileged_port() == 0;

	printf("[ATTACK] what else could a compromised service do?\n");
	report("unshare(CLONE_NEWNS)", unshare(CLONE_NEWNS) == 0);
	int fd = open("/etc/shadow", O_RDONLY | O_CLOEXEC);
	report("open(\"/etc/shadow\")", fd >= 0);
	if (fd >= 0)
		close(fd);
	report("kill(1, 0)", kill(1, 0) == 0);
	printf("[DONE]\n");
	return worked ? 0 : 1;
}
