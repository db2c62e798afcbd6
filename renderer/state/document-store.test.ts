import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../app/policy/source-range';
import {
  countDiagnostics,
  createDocumentStore,
  selectAnalysisCurrent,
  selectDirty,
  selectHasErrors,
} from './document-store';

const at = { line: 1, column: 1, offset: 0 };
const diagnostic = (severity: Diagnostic['severity']): Diagnostic => ({
  severity,
  message: severity,
  code: 'test',
  range: { start: at, end: at },
});

describe('document store', () => {
  it('starts clean and untitled', () => {
    const store = createDocumentStore('version: 1\n');
    expect(selectDirty(store.getState())).toBe(false);
    expect(store.getState().handle).toBeNull();
    expect(store.getState().name).toBeNull();
  });

  it('is dirty exactly while the text differs from what was saved', () => {
    const store = createDocumentStore('a');
    store.getState().setText('ab');
    expect(selectDirty(store.getState())).toBe(true);
    store.getState().setText('a');
    expect(selectDirty(store.getState())).toBe(false);
  });

  it('opens a file clean, with a fresh undo history for the editor', () => {
    const store = createDocumentStore('a');
    store.getState().setText('edited');
    const revision = store.getState().external.revision;
    store.getState().opened({ handle: 'h1', name: 'ls.sandbox.yaml', text: 'version: 1\n' });
    const s = store.getState();
    expect(s).toMatchObject({ text: 'version: 1\n', handle: 'h1', name: 'ls.sandbox.yaml' });
    expect(selectDirty(s)).toBe(false);
    expect(s.external).toEqual({ revision: revision + 1, resetUndo: true });
  });

  it('marks saved text clean but keeps edits made while saving dirty', () => {
    const store = createDocumentStore('a');
    store.getState().setText('b');
    store.getState().setText('c'); // typed after the save request took "b"
    store.getState().saved({ handle: 'h', name: 'x.sandbox.yaml' }, 'b');
    expect(store.getState().savedText).toBe('b');
    expect(selectDirty(store.getState())).toBe(true);
    expect(store.getState()).toMatchObject({ handle: 'h', name: 'x.sandbox.yaml' });
  });

  it('tells the editor about outside changes only', () => {
    const store = createDocumentStore('a');
    const start = store.getState().external.revision;
    store.getState().setText('typed');
    expect(store.getState().external.revision).toBe(start);
    store.getState().setText('allowed', 'external');
    expect(store.getState().external).toEqual({ revision: start + 1, resetUndo: false });
    store.getState().setText('allowed', 'external'); // no change, no revision
    expect(store.getState().external.revision).toBe(start + 1);
  });

  it('counts errors as blocking, and an unparsed current text too', () => {
    const store = createDocumentStore('a');
    store.getState().setAnalysis({ text: 'a', policy: undefined, diagnostics: [] });
    expect(selectHasErrors(store.getState())).toBe(true);
    store.getState().setAnalysis({
      text: 'a',
      policy: { version: 1, linux: { noNewPrivs: true } },
      diagnostics: [diagnostic('warning')],
    });
    expect(selectHasErrors(store.getState())).toBe(false);
    expect(selectAnalysisCurrent(store.getState())).toBe(true);
    store.getState().setText('b');
    expect(selectAnalysisCurrent(store.getState())).toBe(false);
  });

  it('counts diagnostics by severity', () => {
    expect(
      countDiagnostics(['error', 'error', 'warning', 'info'].map((s) => diagnostic(s as never))),
    ).toEqual({ errors: 2, warnings: 1, infos: 1 });
  });
});
