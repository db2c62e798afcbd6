import { describe, expect, it, vi } from 'vitest';
import type { AuditProcessInfo, AuditReport } from '../../app/api/contract';
import {
  createAuditStore,
  decodeCapabilities,
  describeLandlock,
  describeSeccomp,
  describeYama,
  filterProcesses,
  type AuditDeps,
} from './audit-store';
import { createDocumentStore, selectDirty } from './document-store';

const PROCESSES: AuditProcessInfo[] = [
  {
    pid: 1,
    ppid: 0,
    name: 'init',
    command: '/sbin/init',
    user: 'root',
    uid: 0,
    threads: 1,
    seccomp: 'disabled',
  },
  {
    pid: 420,
    ppid: 1,
    name: 'sandboxed',
    command: '/tmp/sandboxed --x',
    user: 'alice',
    uid: 1000,
    threads: 1,
    seccomp: 'filter',
    seccompFilters: 2,
  },
];

const REPORT: AuditReport = {
  posture: {
    pid: 420,
    command: '/tmp/sandboxed',
    threads: [],
    limits: [],
    namespaces: [],
    dumpable: true,
    lsms: ['landlock'],
  },
  filters: [],
};

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function deps(overrides: Partial<AuditDeps> = {}): AuditDeps {
  const invoke = vi.fn((method: string) =>
    Promise.resolve(method === 'audit.processes' ? { processes: PROCESSES } : REPORT),
  );
  return {
    client: { invoke } as unknown as AuditDeps['client'],
    document: createDocumentStore('version: 1\n'),
    confirmDiscard: () => Promise.resolve(true),
    ...overrides,
  };
}

describe('audit store', () => {
  it('opens and lists the processes', async () => {
    const store = createAuditStore();
    await store.getState().show(deps());
    expect(store.getState().open).toBe(true);
    expect(store.getState().processes).toHaveLength(2);
  });

  it('shows a listing failure', async () => {
    const store = createAuditStore();
    const client = { invoke: () => Promise.reject(new Error('disconnected')) };
    await store.getState().show(deps({ client: client as unknown as AuditDeps['client'] }));
    expect(store.getState().listError).toBe('disconnected');
    expect(store.getState().processes).toEqual([]);
  });

  it('keeps only the reply for the process selected last', async () => {
    const first = deferred<AuditReport>();
    const invoke = vi.fn((_m: string, params: { pid: number }) =>
      params.pid === 1 ? first.promise : Promise.resolve(REPORT),
    );
    const store = createAuditStore();
    await store.getState().show(deps({ client: { invoke } as unknown as AuditDeps['client'] }));
    const slow = store.getState().inspect(1);
    await store.getState().inspect(420);
    first.resolve({ ...REPORT, posture: { ...REPORT.posture, pid: 1 } });
    await slow;
    expect(store.getState().selectedPid).toBe(420);
    expect(store.getState().report?.posture.pid).toBe(420);
  });

  it('reports an inspect failure for the selected process', async () => {
    const invoke = vi.fn((method: string) =>
      method === 'audit.inspect'
        ? Promise.reject(new Error('no process 9'))
        : Promise.resolve({ processes: [] }),
    );
    const store = createAuditStore();
    await store.getState().show(deps({ client: { invoke } as unknown as AuditDeps['client'] }));
    await store.getState().inspect(9);
    expect(store.getState().inspectError).toBe('no process 9');
    expect(store.getState().inspecting).toBe(false);
  });

  it('opens a decompiled policy as a new unsaved document, and closes', async () => {
    const d = deps();
    const store = createAuditStore();
    await store.getState().show(d);
    const before = d.document.getState().external.revision;
    expect(await store.getState().openAsPolicy('version: 1\nname: decompiled\n')).toBe(true);
    const doc = d.document.getState();
    expect(doc.text).toBe('version: 1\nname: decompiled\n');
    expect(doc.handle).toBeNull();
    expect(doc.name).toBeNull();
    expect(selectDirty(doc)).toBe(true);
    expect(doc.external).toEqual({ revision: before + 1, resetUndo: true });
    expect(store.getState().open).toBe(false);
  });

  it('leaves the document alone when the user keeps the unsaved changes', async () => {
    const d = deps({ confirmDiscard: () => Promise.resolve(false) });
    const store = createAuditStore();
    await store.getState().show(d);
    expect(await store.getState().openAsPolicy('x')).toBe(false);
    expect(d.document.getState().text).toBe('version: 1\n');
    expect(store.getState().open).toBe(true);
  });
});

describe('audit view helpers', () => {
  it('filters by every word over pid, command, user and seccomp state', () => {
    expect(filterProcesses(PROCESSES, '')).toHaveLength(2);
    expect(filterProcesses(PROCESSES, '420').map((p) => p.pid)).toEqual([420]);
    expect(filterProcesses(PROCESSES, 'SANDBOXED alice').map((p) => p.pid)).toEqual([420]);
    expect(filterProcesses(PROCESSES, 'seccomp:filter').map((p) => p.pid)).toEqual([420]);
    expect(filterProcesses(PROCESSES, 'root bob')).toEqual([]);
  });

  it('decodes capability masks by name', () => {
    expect(decodeCapabilities('0x0')).toEqual([]);
    expect(decodeCapabilities('0x1')).toEqual(['CAP_CHOWN']);
    expect(decodeCapabilities('0x200000')).toEqual(['CAP_SYS_ADMIN']);
    expect(decodeCapabilities('nonsense')).toEqual([]);
    expect(decodeCapabilities(undefined)).toEqual([]);
  });

  it('describes seccomp, Yama and Landlock', () => {
    expect(describeSeccomp({ seccomp: 'filter', seccompFilters: 1 })).toBe('filter (1 filter)');
    expect(describeSeccomp({ seccomp: 'filter', seccompFilters: 3 })).toBe('filter (3 filters)');
    expect(describeSeccomp({ seccomp: 'disabled' })).toBe('disabled');
    expect(describeYama(undefined)).toBe('Yama is not built into this kernel');
    expect(describeYama(1)).toContain('only descendants');
    expect(describeLandlock({ ...REPORT.posture, landlock: { abi: 6 } })).toMatch(/^ABI 6/);
    expect(
      describeLandlock({ ...REPORT.posture, landlock: { unavailable: 'disabled at boot' } }),
    ).toBe('disabled at boot');
    expect(describeLandlock(REPORT.posture)).toMatch(/^enabled/);
    expect(describeLandlock({ ...REPORT.posture, lsms: ['yama'] })).toBe(
      'not enabled in this kernel',
    );
  });
});
