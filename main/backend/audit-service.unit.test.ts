import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditReport, parseRequest } from '../../app/api/contract';
import type { ProcessPosture } from '../../app/audit/posture';
import { compilePolicy } from '../../app/bpf/compile';
import { capabilityNumber } from '../../app/linux/capabilities';
import { parsePolicy } from '../../app/policy/parse';
import { explainUnreadableFilters, type PrivilegeContext } from './audit-privilege';
import { isKernelThread, summarizeProcess, userNames } from './audit-processes';
import { createAuditService, describeFilters, postureForWire } from './audit-service';

const bit = (name: string): bigint => 1n << BigInt(capabilityNumber(name) ?? 63);

function status(fields: Record<string, string>): string {
  const base: Record<string, string> = {
    Name: 'demo',
    Tgid: '100',
    Pid: '100',
    PPid: '1',
    TracerPid: '0',
    Uid: '1000\t1000\t1000\t1000',
    Gid: '1000\t1000\t1000\t1000',
    Threads: '3',
    CapInh: '0000000000000000',
    CapPrm: '0000000000000000',
    CapEff: '0000000000000000',
    CapBnd: '000001ffffffffff',
    CapAmb: '0000000000000000',
    NoNewPrivs: '1',
    Seccomp: '2',
    Seccomp_filters: '1',
    ...fields,
  };
  return Object.entries(base)
    .map(([k, v]) => `${k}:\t${v}`)
    .join('\n');
}

describe('audit process list', () => {
  const users = userNames(
    'root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/a:/bin/sh\nbad line\n',
  );

  it('reads user names from /etc/passwd', () => {
    expect(users.get(0)).toBe('root');
    expect(users.get(1000)).toBe('alice');
    expect(users.size).toBe(2);
  });

  it('summarizes a process: command line, user, seccomp state', () => {
    expect(summarizeProcess(100, status({}), 'demo\0--flag\0', users)).toEqual({
      pid: 100,
      ppid: 1,
      name: 'demo',
      command: 'demo --flag',
      uid: 1000,
      user: 'alice',
      threads: 3,
      seccomp: 'filter',
      seccompFilters: 1,
      noNewPrivs: true,
    });
  });

  it('names a process without a command line by its thread name; unknown uids by number', () => {
    const info = summarizeProcess(100, status({ Uid: '42\t42\t42\t42' }), '', users);
    expect(info?.command).toBe('[demo]');
    expect(info?.user).toBe('42');
  });

  it('leaves out kernel threads (kthreadd and its children) and unparsable status files', () => {
    expect(isKernelThread(2, 0)).toBe(true);
    expect(isKernelThread(57, 2)).toBe(true);
    expect(isKernelThread(57, 1)).toBe(false);
    expect(summarizeProcess(57, status({ PPid: '2' }), '', users)).toBeUndefined();
    expect(summarizeProcess(57, 'garbage', '', users)).toBeUndefined();
    expect(summarizeProcess(57, status({ Seccomp: '9' }), 'x', users)).toBeUndefined();
  });

  it('lists a fake /proc, skipping non-pid entries', async () => {
    const root = mkdtempSync(join(tmpdir(), 'audit-proc-'));
    for (const [pid, ppid] of [
      [1, 0],
      [2, 0],
      [30, 2],
      [100, 1],
    ] as const) {
      mkdirSync(join(root, String(pid)));
      writeFileSync(join(root, String(pid), 'status'), status({ PPid: String(ppid) }));
      writeFileSync(join(root, String(pid), 'cmdline'), `prog${pid}\0`);
    }
    mkdirSync(join(root, 'self'));
    const list = await createAuditService({ procRoot: root }).processes();
    expect(list.map((p) => [p.pid, p.command])).toEqual([
      [1, 'prog1'],
      [100, 'prog100'],
    ]);
  });
});

describe('why filters cannot be read', () => {
  const context: PrivilegeContext = {
    ownEffectiveCaps: 0n,
    ownSeccomp: 'disabled',
    ownUid: 1000,
    targetUid: 1000,
  };
  const getFilter = { step: 'PTRACE_SECCOMP_GET_FILTER', errnoName: 'EACCES', message: 'x' };
  const seize = { step: 'PTRACE_SEIZE', errnoName: 'EPERM', message: 'x' };

  it('names CAP_SYS_ADMIN when the studio lacks it', () => {
    const text = explainUnreadableFilters(getFilter, context);
    expect(text).toContain('lacks CAP_SYS_ADMIN');
    expect(text).toContain('PTRACE_SECCOMP_GET_FILTER failed with EACCES');
  });

  it('says when the studio itself runs under seccomp', () => {
    const admin = {
      ...context,
      ownEffectiveCaps: bit('CAP_SYS_ADMIN'),
      ownSeccomp: 'filter' as const,
    };
    expect(explainUnreadableFilters(getFilter, admin)).toContain('itself runs under seccomp');
  });

  it('explains a refused attach: tracer, Yama scope, another user', () => {
    expect(explainUnreadableFilters(seize, { ...context, targetTracerPid: 77 })).toContain(
      'already traced by process 77',
    );
    expect(explainUnreadableFilters(seize, { ...context, yamaPtraceScope: 3 })).toContain(
      'ptrace_scope is 3',
    );
    expect(explainUnreadableFilters(seize, { ...context, yamaPtraceScope: 2 })).toContain(
      'lacks CAP_SYS_PTRACE, which Yama ptrace_scope 2',
    );
    expect(explainUnreadableFilters(seize, { ...context, yamaPtraceScope: 1 })).toContain(
      'only lets a process attach to its descendants',
    );
    expect(explainUnreadableFilters(seize, { ...context, targetUid: 0 })).toContain(
      'another user (uid 0)',
    );
  });

  it('reports other failures with their step and message', () => {
    expect(
      explainUnreadableFilters({ step: 'waitpid', errnoName: 'ECHILD', message: 'gone' }, context),
    ).toBe('waitpid failed with ECHILD: gone');
  });
});

const POSTURE: ProcessPosture = {
  pid: 100,
  command: 'demo',
  threads: [
    {
      name: 'demo',
      tgid: 100,
      tid: 100,
      uid: { real: 1000, effective: 1000, saved: 1000, filesystem: 1000 },
      capabilities: {
        inheritable: 0n,
        permitted: 0n,
        effective: 0n,
        bounding: 0x1ffn,
        ambient: 0n,
      },
      noNewPrivs: true,
      seccomp: 'filter',
      seccompFilters: 1,
    },
  ],
  limits: [{ name: 'Max open files', soft: '32', hard: '32', unit: 'files' }],
  namespaces: [{ kind: 'net', id: 'net:[1]', separate: false }],
  dumpable: true,
  lsms: ['capability', 'landlock'],
  landlock: { abi: 6 },
};

function program() {
  const { policy } = parsePolicy(
    [
      'version: 1',
      'name: t',
      'linux:',
      '  seccomp:',
      '    default: kill-process',
      '    rules:',
      '      - action: allow',
      '        syscalls: [read, write, exit_group]',
      '',
    ].join('\n'),
  );
  if (!policy) throw new Error('test policy does not parse');
  return compilePolicy(policy).program;
}

describe('audit.inspect', () => {
  it('carries capability masks as hex strings and validates against the contract', () => {
    const wire = postureForWire(POSTURE);
    expect(wire.threads[0]?.capabilities.bounding).toBe('0x1ff');
    expect(wire.threads[0]).not.toHaveProperty('tgid');
    expect(AuditReport.safeParse({ posture: wire, filters: [] }).success).toBe(true);
  });

  it('disassembles and decompiles each filter', () => {
    const [filter] = describeFilters(100, [program()]);
    expect(filter?.disassembly).toContain('ret');
    expect(filter?.policy).toContain('exit_group');
    expect(filter?.decompileError).toBeUndefined();
  });

  it('reports a process that is gone', async () => {
    const service = createAuditService({ readPosture: () => undefined });
    await expect(service.inspect(5)).rejects.toThrow('no process 5');
  });

  it('does not attach to a process without filters', async () => {
    const service = createAuditService({
      readPosture: () => ({
        ...POSTURE,
        threads: [{ ...POSTURE.threads[0]!, seccomp: 'disabled' }],
      }),
      dump: () => {
        throw new Error('must not attach');
      },
    });
    expect((await service.inspect(100)).filters).toEqual([]);
  });

  it('explains a failed dump instead of failing the request', async () => {
    const service = createAuditService({
      readPosture: () => POSTURE,
      dump: () => ({
        ok: false,
        step: 'PTRACE_SEIZE',
        errno: 1,
        message: 'PTRACE_SEIZE failed: EPERM',
      }),
    });
    const report = await service.inspect(100);
    expect(report.filtersUnreadable).toMatch(
      /cannot read the seccomp filters: .*\(PTRACE_SEIZE failed with EPERM\)/,
    );
  });

  it('rejects pids that are not positive integers', () => {
    for (const pid of [0, -1, 1.5, '12', 2 ** 31]) {
      expect(parseRequest('audit.inspect', { pid }).ok).toBe(false);
    }
    expect(parseRequest('audit.inspect', { pid: 1, extra: 1 }).ok).toBe(false);
    expect(parseRequest('audit.inspect', { pid: 1 }).ok).toBe(true);
  });
});
