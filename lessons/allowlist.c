/*
 * Lesson 3 — an allowlist built by learning, narrowed with argument checks.
 *
 * The program does some ordinary work: it reads /etc/passwd, allocates memory, maps the file,
 * asks whether its output is a terminal (ioctl TCGETS) and how many bytes wait in a pipe (ioctl
 * FIONREAD). Then, as if a bug had let an attacker run code, it tries two things an attacker
 * wants and a program like this never needs:
 *   - a memory page that is both writable and executable (mmap with PROT_WRITE|PROT_EXEC), the
 *     classic place to put shellcode;
 *   - ioctl(0, TIOCSTI), which pushes characters into the input of the terminal on stdin: on a
 *     terminal, that types commands into the shell that started the program.
 * Learning records mmap and ioctl as used, so "allow observed" allows the attack too; argument
 * conditions (`when:`) tell the good calls from the bad ones.
 *
 * Every line starting with [TAG] is a marker the lesson's check reads. The program exits 0 when it
 * got through all its steps, whatever the attacks achieved.
 *
 * (linked dynamically, like most programs: the loader's own mmap calls are part of what is learned)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

static const char DATA_FILE[] = "/etc/passwd";
static const size_t BUFFER_BYTES = 1 << 20;

static int fail(const char *what)
{
	printf("[ERROR] %s: %s\n", what, strerror(errno));
	return 1;
}

static int count_lines(const char *text, size_t length)
{
	int lines = 0;
	for (size_t i = 0; i < length; i++)
		lines += text[i] == '\n';
	return lines;
}

static int ordinary_work(void)
{
	int fd = open(DATA_FILE, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail("open /etc/passwd");
	struct stat st;
	if (fstat(fd, &st) != 0)
		return fail("fstat");
	if (st.st_size == 0) {
		printf("[ERROR] %s is empty\n", DATA_FILE);
		return 1;
	}

	/* Private anonymous memory, as malloc gets it for large blocks. */
	char *buffer = mmap(NULL, BUFFER_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);
	if (buffer == MAP_FAILED)
		return fail("mmap of a read-write buffer");
	memset(buffer, 1, BUFFER_BYTES);
	printf("[WORK] allocated a 1 MiB read-write buffer with mmap\n");

	/* The file mapped read-only. */
	char *text = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (text == MAP_FAILED)
		return fail("mmap of the file");
	printf("[WORK] mapped %s read-only: %d lines\n", DATA_FILE,
	       count_lines(text, (size_t)st.st_size));
	if (munmap(text, (size_t)st.st_size) != 0 || munmap(buffer, BUFFER_BYTES) != 0)
		return fail("munmap");
	if (close(fd) != 0)
		return fail("close");

	/* isatty() is ioctl(TCGETS); ENOTTY just means "not a terminal". */
	struct termios settings;
	if (ioctl(STDOUT_FILENO, TCGETS, &settings) == 0)
		printf("[WORK] ioctl(TCGETS): stdout is a terminal\n");
	else if (errno == ENOTTY)
		printf("[WORK] ioctl(TCGETS): stdout is not a terminal\n");
	else
		return fail("ioctl(TCGETS)");

	int pipe_fds[2];
	if (pipe2(pipe_fds, O_CLOEXEC) != 0)
		return fail("pipe2");
	if (write(pipe_fds[1], "hello", 5) != 5)
		return fail("write to the pipe");
	int waiting = 0;
	if (ioctl(pipe_fds[0], FIONREAD, &waiting) != 0)
		return fail("ioctl(FIONREAD)");
	printf("[WORK] ioctl(FIONREAD): %d bytes wait in the pipe\n", waiting);
	if (close(pipe_fds[0]) != 0 || close(pipe_fds[1]) != 0)
		return fail("close of the pipe");
	return 0;
}

static void attack_wx_page(void)
{
	void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page != MAP_FAILED) {
		printf("[ESCAPE] mmap(PROT_READ|PROT_WRITE|PROT_EXEC) gave a writable, executable page:"
		       " room for shellcode\n");
		if (munmap(page, 4096) != 0)
			printf("[ERROR] munmap: %s\n", strerror(errno));
	} else {
		printf("[BLOCKED] mmap(PROT_READ|PROT_WRITE|PROT_EXEC): %s\n", strerror(errno));
	}
}

static void attack_tiocsti(void)
{
	/* Nothing is typed anywhere unless stdin is a terminal and the kernel allows TIOCSTI. */
	char c = '\n';
	if (ioctl(STDIN_FILENO, TIOCSTI, &c) == 0)
		printf("[ESCAPE] ioctl(TIOCSTI) typed into the terminal on stdin\n");
	else if (errno == EPERM)
		printf("[BLOCKED] ioctl(TIOCSTI): %s\n", strerror(errno));
	else
		printf("[REACHED] ioctl(TIOCSTI) reached the kernel: %s (harmless here, but on a"
		       " terminal it types commands into your shell)\n",
		       strerror(errno));
}

int main(void)
{
	if (setvbuf(stdout, NULL, _IONBF, 0) != 0)
		return 1;
	if (ordinary_work() != 0)
		return 1;
	printf("[ATTACK] a bug hands control to the attacker, who tries two things\n");
	attack_wx_page();
	attack_tiocsti();
	printf("[DONE] all steps ran\n");
	return 0;
}
