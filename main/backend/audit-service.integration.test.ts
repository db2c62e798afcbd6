import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuditReport } from '../../app/api/contract';
import { canRunLinuxIntegration, compileCProgram } from '../../native-bridge/linux/c-test-program';
import { createAuditService } from './audit-service';
import { createBackendHandlers, dispatchRequest } from './handlers';

/** Sets no_new_privs and RLIMIT_NOFILE, installs a filter that fails uname with EPERM, waits. */
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
  const child = spawn(binary, ['--audit-me'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', () => resolve(child));
    child.once('error', reject);
  });
}

const isRoot = process.getuid?.() === 0;

describe.runIf(canRunLinuxIntegration)('audit service on a real sandboxed process', () => {
  let binary = '';
  let child: ChildProcess | undefined;
  beforeAll(() => {
    binary = compileCProgram('audit-sandboxed', SANDBOXED);
  });
  afterEach(() => child?.kill('SIGKILL'));

  it('lists the process with its seccomp state and no kernel threads', async () => {
    child = await startSandboxed(binary);
    const list = await createAuditService().processes();
    const entry = list.find((p) => p.pid === child?.pid);
    expect(entry).toMatchObject({ seccomp: 'filter', seccompFilters: 1, noNewPrivs: true });
    expect(entry?.command).toContain('--audit-me');
    expect(list.some((p) => p.pid === 2 || p.ppid === 2)).toBe(false);
    expect(list.find((p) => p.pid === process.pid)?.seccomp).toBe('disabled');
  });

  it.runIf(isRoot)(
    'inspects it through the contract: posture, disassembly, decompiled policy',
    async () => {
      child = await startSandboxed(binary);
      const handlers = createBackendHandlers({
        host: { kind: 'web', nativeDialogs: false, version: 'test' },
        files: {} as never,
        runs: {} as never,
      });
      const outcome = await dispatchRequest(handlers, 'audit.inspect', { pid: child.pid });
      expect(outcome.ok).toBe(true);
      const report = AuditReport.parse(outcome.ok ? outcome.result : undefined);
      expect(report.posture.threads[0]).toMatchObject({ seccomp: 'filter', noNewPrivs: true });
      expect(report.posture.limits.find((l) => l.name === 'Max open files')).toMatchObject({
        soft: '32',
        hard: '32',
      });
      expect(report.filtersUnreadable).toBeUndefined();
      expect(report.filters).toHaveLength(1);
      expect(report.filters[0]?.length).toBe(7);
      expect(report.filters[0]?.policy).toContain('uname');
      expect(report.filters[0]?.policy).toContain('EPERM');
      // The process keeps running after the dump (detached cleanly).
      expect(child.exitCode).toBeNull();
    },
  );

  it('rejects a bad pid and reports a missing process', async () => {
    const handlers = createBackendHandlers({
      host: { kind: 'web', nativeDialogs: false, version: 'test' },
      files: {} as never,
      runs: {} as never,
    });
    expect(await dispatchRequest(handlers, 'audit.inspect', { pid: '1; rm -rf /' })).toMatchObject({
      ok: false,
    });
    const gone = await dispatchRequest(handlers, 'audit.inspect', { pid: 2 ** 31 - 2 });
    expect(gone).toEqual({ ok: false, error: `no process ${2 ** 31 - 2}` });
  });
});
