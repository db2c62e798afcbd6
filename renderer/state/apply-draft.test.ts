import { describe, expect, it } from 'vitest';
import { applyDraft } from './apply-draft';
import { createDocumentStore, selectDirty } from './document-store';
import type { Draft } from './draft';

const FILE = 'version: 1\nname: a\n';
const draft = (over: Partial<Draft> = {}): Draft => ({
  text: `${FILE}# recovered\n`,
  savedText: FILE,
  handle: 'h1',
  name: 'a.sandbox.yaml',
  savedAt: 1,
  ...over,
});

describe('applyDraft', () => {
  it('opens the file as it is now and puts the draft on top as unsaved changes', () => {
    const store = createDocumentStore('starter');
    const onDisk = `${FILE}# changed on disk\n`;
    const outcome = applyDraft(store, draft(), {
      handle: 'h1',
      name: 'a.sandbox.yaml',
      text: onDisk,
    });
    expect(outcome).toBe('restored');
    expect(store.getState()).toMatchObject({
      text: `${FILE}# recovered\n`,
      savedText: onDisk,
      handle: 'h1',
      name: 'a.sandbox.yaml',
    });
    expect(selectDirty(store.getState())).toBe(true);
    // The editor gets the file as a fresh history, then the draft as an undoable edit.
    expect(store.getState().external).toMatchObject({ revision: 2, resetUndo: false });
  });

  it('uses the draft’s copy of the file when the file cannot be read', () => {
    const store = createDocumentStore('starter');
    expect(applyDraft(store, draft(), null)).toBe('restored');
    expect(store.getState()).toMatchObject({
      savedText: FILE,
      handle: 'h1',
      name: 'a.sandbox.yaml',
    });
    expect(store.getState().text).toContain('# recovered');
  });

  it('says so when the file already holds the draft', () => {
    const store = createDocumentStore('starter');
    const d = draft();
    const outcome = applyDraft(store, d, { handle: 'h1', name: 'a.sandbox.yaml', text: d.text });
    expect(outcome).toBe('already-saved');
    expect(selectDirty(store.getState())).toBe(false);
  });

  it('brings an untitled draft back as an untitled document', () => {
    const store = createDocumentStore('starter');
    store.getState().opened({ handle: 'other', name: 'other.sandbox.yaml', text: 'other' });
    applyDraft(
      store,
      draft({ handle: null, name: null, savedText: 'starter', text: 'mine' }),
      null,
    );
    expect(store.getState()).toMatchObject({
      text: 'mine',
      savedText: 'starter',
      handle: null,
      name: null,
    });
  });
});
