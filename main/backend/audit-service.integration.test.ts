import type { ChildProcess } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuditReport } from '../../app/api/contract';
import { canRunLinuxIntegration } from '../../native-bridge/linux/c-test-program';
import {
  compileSandboxedProgram,
  startSandboxedProgram,
} from '../../native-bridge/linux/sandboxed-test-program';
import { createAuditService } from './audit-service';
import { createBackendHandlers, dispatchRequest } from './handlers';

const startSandboxed = (binary: string) => startSandboxedProgram(binary, '--audit-me');

const isRoot = process.getuid?.() === 0;

describe.runIf(canRunLinuxIntegration)('audit service on a real sandboxed process', () => {
  let binary = '';
  let child: ChildProcess | undefined;
  beforeAll(() => {
    binary = compileSandboxedProgram();
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
