/*
 * Lesson 7 — Landlock: a file system allowlist for one program.
 *
 * Landlock lets any process (no privileges needed, root included) give up access to the file
 * system except beneath the paths it names, for itself and everything it starts. The studio's
 * launcher sets up the ruleset before executing the program, from the policy's `landlock:` lists.
 *
 * The program does what a small service does: it reads its configuration (/etc/os-release stands
 * in for one) and writes a log file in a directory given with --log-dir (default /tmp). Then, as
 * if compromised, it tries to read a file that is not its config, to create a file elsewhere
 * (/var/tmp), and to execute a shell.
 *
 * The log file gets a fresh name and is created with O_EXCL and O_NOFOLLOW, so a file or link
 * someone else put there is never written through; it is removed at the end.
 *
 * Every line starting with [TAG] is a marker the lesson's check reads.
 *
 * studio-build: -static
 * (linked statically: Landlock need not allow the dynamic loader and libraries)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char CONFIG_FILE[] = "/etc/os-release";
static const char OTHER_FILE[] = "/etc/passwd";
static const char OTHER_DIR[] = "/var/tmp";

static void report(const char *what, int ok)
{
	if (ok)
		printf("[ESCAPE] %s succeeded\n", what);
	else
		printf("[BLOCKED] %s: %s\n", what, strerror(errno));
}

static int read_config(void)
{
	int fd = open(CONFIG_FILE, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		printf("[WORK-FAILED] read the config %s: %s\n", CONFIG_FILE, strerror(errno));
		return -1;
	}
	char text[256] = { 0 };
	ssize_t n = read(fd, text, sizeof text - 1);
	int error = errno;
	close(fd);
	if (n < 0) {
		printf("[WORK-FAILED] read the config %s: %s\n", CONFIG_FILE, strerror(error));
		return -1;
	}
	char *newline = strchr(text, '\n');
	if (newline)
		*newline = '\0';
	printf("[WORK] read the config %s: %s\n", CONFIG_FILE, text);
	return 0;
}

static int write_log(const char *dir)
{
	char path[PATH_MAX];
	int length = snprintf(path, sizeof path, "%s/lesson-landlock-%ld.log", dir, (long)getpid());
	if (length < 0 || (size_t)length >= sizeof path) {
		printf("[WORK-FAILED] the log directory name is too long\n");
		return -1;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		printf("[WORK-FAILED] create the log %s: %s\n", path, strerror(errno));
		return -1;
	}
	static const char entry[] = "service started\n";
	ssize_t written = write(fd, entry, sizeof entry - 1);
	int error = errno;
	close(fd);
	if (written != (ssize_t)(sizeof entry - 1)) {
		printf("[WORK-FAILED] write the log %s: %s\n", path,
		       written < 0 ? strerror(error) : "short write");
		return -1;
	}
	printf("[WORK] wrote the log %s\n", path);
	if (unlink(path) != 0) {
		printf("[WORK-FAILED] remove the log %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void attack(void)
{
	int fd = open(OTHER_FILE, O_RDONLY | O_CLOEXEC);
	report("open(\"/etc/passwd\") for reading", fd >= 0);
	if (fd >= 0)
		close(fd);

	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/lesson-landlock-%ld.tmp", OTHER_DIR, (long)getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	report("creating a file in /var/tmp", fd >= 0);
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}

	/* The shell runs in a child; its exit status says whether it started. */
	pid_t child = fork();
	if (child < 0) {
		printf("[ERROR] fork: %s\n", strerror(errno));
		return;
	}
	if (child == 0) {
		char *const argv[] = { "sh", "-c", "exit 0", NULL };
		char *const envp[] = { NULL };
		execve("/bin/sh", argv, envp);
		_exit(errno == EACCES ? 100 : 101);
	}
	int status = 0;
	if (waitpid(child, &status, 0) < 0) {
		printf("[ERROR] waitpid: %s\n", strerror(errno));
		return;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		printf("[ESCAPE] execve(\"/bin/sh\") succeeded\n");
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 100)
		printf("[BLOCKED] execve(\"/bin/sh\"): %s\n", strerror(EACCES));
	else
		printf("[BLOCKED] execve(\"/bin/sh\") failed (status 0x%x)\n", status);
}

int main(int argc, char **argv)
{
	if (setvbuf(stdout, NULL, _IONBF, 0) != 0)
		return 1;
	const char *log_dir = "/tmp";
	if (argc == 3 && strcmp(argv[1], "--log-dir") == 0) {
		log_dir = argv[2];
	} else if (argc != 1) {
		fprintf(stderr, "usage: %s [--log-dir DIR]\n", argv[0]);
		return 2;
	}
	int worked = read_config() == 0;
	worked = write_log(log_dir) == 0 && worked;
	printf("[ATTACK] what else could a compromised service do?\n");
	attack();
	printf("[DONE]\n");
	return worked ? 0 : 1;
}
