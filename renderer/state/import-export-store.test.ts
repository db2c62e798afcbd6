import { describe, expect, it, vi } from 'vitest';
import dockerDefault from '../../bench/profiles/docker-default.json?raw';
import layersExample from '../../examples/layers.sandbox.yaml?raw';
import { parsePolicy } from '../../app/policy/parse';
import { createDocumentStore, selectDirty, type PolicyAnalysis } from './document-store';
import {
  memoryBackend,
  STRACE_LOG,
  traceStores,
} from '../components/import-export/trace-import-test-helpers';
import { createImportExportStore, exportView, PASTED_TEXT } from './import-export-store';

const LAYERS = layersExample;
const DOCKER = new TextEncoder().encode(dockerDefault);

function analyzed(text: string): PolicyAnalysis {
  const { policy, diagnostics } = parsePolicy(text);
  return { text, policy, diagnostics };
}

describe('exportView', () => {
  it('exports the analyzed policy, with warnings and a file name', () => {
    const view = exportView(
      { text: LAYERS, name: 'layers.sandbox.yaml', analysis: analyzed(LAYERS) },
      'systemd',
    );
    if (view.state !== 'done' || !view.result.ok) throw new Error(JSON.stringify(view));
    expect(view.result.text).toContain('SystemCallFilter=');
    expect(view.result.warnings.some((w) => w.range !== undefined)).toBe(true);
    expect(view.fileName).toBe('layers.conf');
  });

  it('waits while the analysis is behind the text', () => {
    const view = exportView(
      { text: `${LAYERS}\n# edited`, name: null, analysis: analyzed(LAYERS) },
      'oci',
    );
    expect(view).toEqual({ state: 'pending' });
  });

  it('is blocked, naming the first error, while the policy has errors', () => {
    const text = 'version: 1\nlinux:\n  seccomp:\n    default: nonsense\n';
    const view = exportView({ text, name: null, analysis: analyzed(text) }, 'oci');
    expect(view.state).toBe('blocked');
    if (view.state === 'blocked') expect(view.reason).toMatch(/^The policy has an error; .*line 4/);
  });

  it('shows an exporter error as the result', () => {
    const view = exportView({ text: LAYERS, name: null, analysis: analyzed(LAYERS) }, 'windows-c');
    if (view.state !== 'done') throw new Error(view.state);
    expect(view.result.ok).toBe(false);
  });
});

describe('the import-export store', () => {
  function setup(confirm = true) {
    const document = createDocumentStore('version: 1\n');
    document.getState().setText('version: 1\n# mine\n');
    const confirmDiscard = vi.fn(async () => confirm);
    const store = createImportExportStore();
    store.getState().showImport({ document, confirmDiscard });
    return { document, confirmDiscard, store };
  }

  it('opens and closes the export dialog and remembers the format', () => {
    const store = createImportExportStore();
    store.getState().showExport();
    store.getState().setExportFormat('c');
    store.getState().closeExport();
    expect(store.getState()).toMatchObject({ exportOpen: false, exportFormat: 'c' });
  });

  it('converts a file as soon as it is chosen, again when the format changes', () => {
    const { store } = setup();
    store.getState().setImportInput({ name: 'docker-default.json', content: DOCKER });
    expect(store.getState().importResult?.ok).toBe(true);
    store.getState().setImportFormat('systemd');
    expect(store.getState().importResult?.ok).toBe(false);
    store.getState().setImportFormat('oci');
    expect(store.getState().importResult?.ok).toBe(true);
    store.getState().setImportInput(null);
    expect(store.getState().importResult).toBeNull();
  });

  it('opens the import as a new unsaved document after confirming', async () => {
    const { store, document, confirmDiscard } = setup(true);
    store.getState().setImportInput({ name: 'docker-default.json', content: DOCKER });
    const revision = document.getState().external.revision;
    expect(await store.getState().openAsPolicy()).toBe(true);
    expect(confirmDiscard).toHaveBeenCalledOnce();
    const doc = document.getState();
    expect(doc.text).toContain('version: 1');
    expect(doc.text).not.toContain('# mine');
    expect(doc).toMatchObject({ handle: null, name: null, savedText: '' });
    expect(doc.external).toEqual({ revision: revision + 1, resetUndo: true });
    expect(selectDirty(doc)).toBe(true);
    expect(store.getState()).toMatchObject({
      importOpen: false,
      importInput: null,
      importResult: null,
    });
  });

  it('keeps the document when the user declines', async () => {
    const { store, document } = setup(false);
    store.getState().setImportInput({ name: 'docker-default.json', content: DOCKER });
    expect(await store.getState().openAsPolicy()).toBe(false);
    expect(document.getState().text).toContain('# mine');
    expect(store.getState().importOpen).toBe(true);
  });

  it('opens nothing when the conversion failed', async () => {
    const { store, document, confirmDiscard } = setup(true);
    store.getState().setImportInput({ name: PASTED_TEXT, content: '{ not json' });
    const result = store.getState().importResult;
    expect(result?.ok).toBe(false);
    expect(await store.getState().openAsPolicy()).toBe(false);
    expect(confirmDiscard).not.toHaveBeenCalled();
    expect(document.getState().text).toContain('# mine');
  });
});

describe('the dialog options in the import-export store', () => {
  it('converts again when an import option changes, and keeps the others', () => {
    const store = createImportExportStore();
    store
      .getState()
      .showImport({ document: createDocumentStore(''), confirmDiscard: async () => true });
    store.getState().setImportInput({ name: 'docker-default.json', content: DOCKER });
    const before = store.getState().importResult;
    store.getState().setImportOptions({ caps: 'SYS_ADMIN' });
    const after = store.getState().importResult;
    expect(after).not.toBe(before);
    if (!after?.ok) throw new Error('import failed');
    expect(after.policyText).toContain('# Container capabilities: CAP_SYS_ADMIN.');
    store.getState().setImportOptions({ kernel: 'x' });
    expect(store.getState().importOptions).toEqual({ caps: 'SYS_ADMIN', arch: '', kernel: 'x' });
    expect(store.getState().importResult).toMatchObject({
      ok: false,
      error: { message: 'Host kernel: a version like 6.1, not "x"' },
    });
  });

  it('exports with the export options', () => {
    const store = createImportExportStore();
    store.getState().setExportOptions({ k8sNamespace: 'prod' });
    store.getState().setExportOptions({ k8sName: 'layers' });
    const { exportOptions } = store.getState();
    expect(exportOptions).toMatchObject({ k8sName: 'layers', k8sNamespace: 'prod', tsync: true });
    const view = exportView(
      { text: LAYERS, name: null, analysis: analyzed(LAYERS) },
      'k8s',
      exportOptions,
    );
    if (view.state !== 'done' || !view.result.ok) throw new Error(JSON.stringify(view));
    expect(view.result.text).toContain('namespace: "prod"');
  });
});

describe('Open as trace', () => {
  const LOG = new TextEncoder().encode(STRACE_LOG);

  function traceSetup(host: 'web' | 'electron' = 'web') {
    const backend = memoryBackend();
    const stores = traceStores(backend.client, host);
    const store = createImportExportStore();
    const document = createDocumentStore('version: 1\n');
    store.getState().showImport({
      document,
      confirmDiscard: async () => true,
      trace: stores.deps,
    });
    return { backend, stores, store, document };
  }

  it('is offered for strace logs only, and only with a backend to save them', () => {
    const { store } = traceSetup();
    expect(store.getState().canOpenAsTrace).toBe(false);
    store.getState().setImportFormat('strace');
    expect(store.getState().canOpenAsTrace).toBe(true);
    const without = createImportExportStore();
    without.getState().showImport({
      document: createDocumentStore(''),
      confirmDiscard: async () => true,
    });
    without.getState().setImportFormat('strace');
    expect(without.getState().canOpenAsTrace).toBe(false);
  });

  it('opens the log in the event table, closes the dialog and keeps the document', async () => {
    const { store, stores, document } = traceSetup();
    store.getState().setImportFormat('strace');
    store.getState().setImportInput({ name: 'true.log', content: LOG });
    const opening = store.getState().openAsTrace();
    expect(store.getState().traceImport).toEqual({
      status: 'importing',
      progress: { phase: 'sending', fraction: 0 },
    });
    expect(await opening).toBe(true);
    expect(store.getState()).toMatchObject({
      importOpen: false,
      importInput: null,
      importResult: null,
      traceImport: { status: 'idle' },
    });
    expect(stores.traceView.getState().tab).toBe('events');
    expect(stores.runs.getState().events.length).toBe(5);
    expect(document.getState().text).toBe('version: 1\n');
  });

  it('does nothing for a log that does not convert, or another format', async () => {
    const { store, backend } = traceSetup();
    store.getState().setImportFormat('strace');
    store.getState().setImportInput({ name: 'bad.log', content: 'garbage\n' });
    expect(store.getState().importResult?.ok).toBe(false);
    expect(await store.getState().openAsTrace()).toBe(false);
    store.getState().setImportFormat('oci');
    store.getState().setImportInput({ name: 'docker-default.json', content: DOCKER });
    expect(await store.getState().openAsTrace()).toBe(false);
    expect(backend.calls).toEqual([]);
  });

  it('shows why the log was not opened and keeps the dialog', async () => {
    const { store, stores } = traceSetup();
    store.getState().setImportFormat('strace');
    const { invoke } = stores.deps.client;
    stores.deps.client.invoke = () => Promise.reject(new Error('the studio went away'));
    store.getState().setImportInput({ name: 'true.log', content: LOG });
    expect(await store.getState().openAsTrace()).toBe(false);
    expect(store.getState().traceImport).toEqual({
      status: 'failed',
      error: { message: 'Cannot import true.log as a trace: the studio went away' },
    });
    expect(store.getState().importOpen).toBe(true);
    stores.deps.client.invoke = invoke;
    // A new input clears it.
    store.getState().setImportInput({ name: 'true.log', content: LOG });
    expect(store.getState().traceImport).toEqual({ status: 'idle' });

    stores.runs.getState().requested('learn', 0);
    stores.runs.getState().started('live');
    expect(await store.getState().openAsTrace()).toBe(false);
    expect(store.getState().traceImport).toMatchObject({ status: 'saved' });
  });

  it('shows its progress, and cancels: the backend drops the log, the dialog stays', async () => {
    const { store, backend } = traceSetup();
    store.getState().setImportFormat('strace');
    const line = '500 getpid() = 500\n';
    const big = `${STRACE_LOG}${line.repeat(Math.ceil((3 * 256 * 1024) / line.length))}`;
    store.getState().setImportInput({ name: 'big.log', content: big });
    const seen: unknown[] = [];
    const unsubscribe = store.subscribe((state) => {
      const { traceImport } = state;
      if (traceImport.status === 'importing') seen.push(traceImport.progress);
      if (traceImport.status === 'importing' && traceImport.progress.phase === 'sending') {
        if (traceImport.progress.fraction > 0.5) state.cancelTrace();
      }
    });
    expect(await store.getState().openAsTrace()).toBe(false);
    unsubscribe();
    expect(seen[0]).toEqual({ phase: 'sending', fraction: 0 });
    expect(seen.length).toBeGreaterThan(2);
    expect(store.getState().traceImport).toEqual({ status: 'idle' });
    expect(store.getState().importOpen).toBe(true);
    expect(backend.cancelled).toHaveLength(1);
    expect(backend.saved.size).toBe(0);
  });

  it('cancels the import when the dialog closes', async () => {
    const { store, backend } = traceSetup();
    store.getState().setImportFormat('strace');
    const line = '500 getpid() = 500\n';
    const big = `${STRACE_LOG}${line.repeat(Math.ceil((3 * 256 * 1024) / line.length))}`;
    store.getState().setImportInput({ name: 'big.log', content: big });
    const unsubscribe = store.subscribe(({ traceImport, closeImport }) => {
      if (traceImport.status === 'importing' && traceImport.progress.phase === 'sending') {
        if (traceImport.progress.fraction > 0) closeImport();
      }
    });
    expect(await store.getState().openAsTrace()).toBe(false);
    unsubscribe();
    expect(store.getState()).toMatchObject({ importOpen: false, traceImport: { status: 'idle' } });
    expect(backend.cancelled).toHaveLength(1);
    expect(backend.saved.size).toBe(0);
  });

  it('reads a file too large to read at once a slice at a time, with its progress', async () => {
    const { store } = traceSetup();
    store.getState().setImportFormat('strace');
    const line = '500 openat(AT_FDCWD, "/etc/passwd", O_RDONLY) = 3\n';
    const file = new Blob([STRACE_LOG, line.repeat(Math.ceil((9 * 1024 * 1024) / line.length))]);
    const readings: number[] = [];
    const unsubscribe = store.subscribe((s) => {
      if (s.importReading !== null) readings.push(s.importReading);
    });
    store.getState().setImportInput({ name: 'big.log', content: '', size: file.size, file });
    expect(store.getState()).toMatchObject({ importResult: null, importReading: 0 });
    await vi.waitFor(() => expect(store.getState().importResult).not.toBeNull(), {
      timeout: 10_000,
    });
    unsubscribe();
    expect(store.getState().importReading).toBeNull();
    expect(readings.at(-1)).toBe(1);
    expect(readings.length).toBeGreaterThan(5);
    const result = store.getState().importResult;
    if (!result?.ok) throw new Error(JSON.stringify(result));
    expect(result.policyText).toContain('openat');
    expect(result.policyText).toContain('command: ["/usr/bin/true"]');
    // Another format: not a policy of that size.
    store.getState().setImportFormat('oci');
    expect(store.getState().importResult).toEqual({
      ok: false,
      error: { message: 'big.log is too large' },
    });
    // Back to strace, then a new input before the reading ends: the old one is dropped.
    store.getState().setImportFormat('strace');
    store.getState().setImportInput({ name: 'true.log', content: LOG });
    expect(store.getState().importReading).toBeNull();
    await new Promise((done) => setTimeout(done, 50));
    expect(store.getState().importInput?.name).toBe('true.log');
    expect(store.getState().importResult?.ok).toBe(true);
  });

  it('forgets the outcome of an import whose input was replaced meanwhile', async () => {
    const { store } = traceSetup();
    store.getState().setImportFormat('strace');
    store.getState().setImportInput({ name: 'a.log', content: `${STRACE_LOG}x\n` });
    store.getState().setImportInput({ name: 'true.log', content: LOG });
    const opening = store.getState().openAsTrace();
    store.getState().setImportInput({ name: 'other.log', content: LOG });
    await opening;
    expect(store.getState().traceImport).toEqual({ status: 'idle' });
    expect(store.getState().importInput?.name).toBe('other.log');
  });
});
