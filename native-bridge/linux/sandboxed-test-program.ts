import { spawn, type ChildProcess } from 'node:child_process';
import { compileCProgram } from './c-test-program';

/**
 * For audit tests: a program that sandboxes itself with known restrictions (RLIMIT_NOFILE 32/32,
 * no_new_privs, a 7-instruction filter failing uname with EPERM and killing other arches), says
 * "ready" and waits. Tests read its posture and filters from outside.
 */
const SOURCE = `
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(void) {
  struct sock_filter f[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_uname, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = { sizeof f / sizeof f[0], f };
  struct rlimit nofile = { 32, 32 };
  if (setrlimit(RLIMIT_NOFILE, &nofile) || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
      syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog)) { perror("sandbox"); return 1; }
  puts("ready");
  fflush(stdout);
  pause();
  return 0;
}
`;

/** Compiles the program (into a fresh temp directory); returns the binary's path. */
export function compileSandboxedProgram(): string {
  return compileCProgram('sandboxed', SOURCE);
}

/** Starts it and resolves once it has sandboxed itself. `tag` marks it in process lists. */
export function startSandboxedProgram(binary: string, tag = '--sandboxed'): Promise<ChildProcess> {
  const child = spawn(binary, [tag], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', () => resolve(child));
    child.once('error', reject);
  });
}
