import { describe, expect, it, vi } from 'vitest';
import dockerDefault from '../../bench/profiles/docker-default.json?raw';
import layersExample from '../../examples/layers.sandbox.yaml?raw';
import { parsePolicy } from '../../app/policy/parse';
import { createDocumentStore, selectDirty, type PolicyAnalysis } from './document-store';
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
