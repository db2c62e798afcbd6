import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { canRunLinuxIntegration, compileCProgram } from '../../native-bridge/linux/c-test-program';
import { builtEntry } from '../paths';

/** Sets no_new_privs, installs a filter that fails uname with EPERM, says "ready", then waits. */
const SANDBOXED = `
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

function startSandboxed(binary: string): Promise<ChildProcess> {
  const child = spawn(binary, [], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', () => resolve(child));
    child.once('error', reject);
  });
}

function audit(...args: string[]) {
  return spawnSync(process.execPath, [builtEntry('cli.mjs'), 'audit', ...args], {
    encoding: 'utf8',
  });
}

describe.runIf(canRunLinuxIntegration)('sandbox-studio audit PID', () => {
  let binary = '';
  let child: ChildProcess | undefined;
  beforeAll(() => {
    binary = compileCProgram('sandboxed', SANDBOXED);
  });
  afterEach(() => child?.kill('SIGKILL'));

  it('shows the posture from /proc and decompiles the filter read with ptrace', async () => {
    child = await startSandboxed(binary);
    const result = audit(String(child.pid));
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('seccomp filter with 1 filter(s), no_new_privs on');
    expect(result.stdout).toContain('Max open files 32/32');
    expect(result.stdout).toContain('seccomp filter 0 (7 instructions');
    expect(result.stdout).toMatch(/errno: EPERM\s+syscalls: \[uname\]|uname/);
    expect(result.stdout).toMatch(/^Landlock: /m);
  });

  it('prints one JSON document with --json', async () => {
    child = await startSandboxed(binary);
    const result = audit(String(child.pid), '--json');
    const parsed = JSON.parse(result.stdout) as {
      posture: { pid: number; threads: { noNewPrivs: boolean }[] };
      filters: { length: number; policy?: string }[];
    };
    expect(parsed.posture.pid).toBe(child.pid);
    expect(parsed.posture.threads[0]?.noNewPrivs).toBe(true);
    expect(parsed.filters).toHaveLength(1);
    expect(parsed.filters[0]?.policy).toContain('uname');
  });

  it('names the missing privilege when the filters cannot be read', async () => {
    child = await startSandboxed(binary);
    // setpriv drops CAP_SYS_ADMIN (and everything else) for the auditing process.
    const result = spawnSync(
      'setpriv',
      [
        '--inh-caps=-all',
        '--bounding-set=-all',
        process.execPath,
        builtEntry('cli.mjs'),
        'audit',
        String(child.pid),
      ],
      { encoding: 'utf8' },
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/seccomp filters: reading the filters needs CAP_SYS_ADMIN/);
  });

  it('refuses a pid that is not a running process', () => {
    const result = audit('999999999');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('no process 999999999');
  });
});
