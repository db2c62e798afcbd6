import { describe, expect, it } from 'vitest';
import { createDocumentStore } from './document-store';
import { DRAFT_KEY, parseDraft, serializeDraft } from './draft';
import { startDraftAutosave, type Timers } from './draft-autosave';
import { memoryStorage, type KeyValueStorage } from './key-value-storage';
import { createUiStore } from './ui-store';

const START = 'version: 1\n';

/** Timers run by hand: `tick()` fires whatever is due. */
function manualTimers() {
  let pending: { fn: () => void; handle: number } | null = null;
  let next = 1;
  const timers: Timers = {
    set(fn) {
      pending = { fn, handle: next++ };
      return pending.handle;
    },
    clear(handle) {
      if (pending?.handle === handle) pending = null;
    },
  };
  return {
    timers,
    pending: () => pending !== null,
    tick() {
      const due = pending;
      pending = null;
      due?.fn();
    },
  };
}

function setup(storage: KeyValueStorage = memoryStorage()) {
  const document = createDocumentStore(START);
  const ui = createUiStore();
  const clock = manualTimers();
  const autosave = startDraftAutosave({
    document,
    ui,
    storage,
    timers: clock.timers,
    now: () => 42,
  });
  const stored = () => parseDraft(storage.getItem(DRAFT_KEY));
  return { document, ui, clock, autosave, storage, stored };
}

describe('draft autosave', () => {
  it('writes the draft once typing pauses, with the file it belongs to', () => {
    const { document, clock, stored } = setup();
    document.getState().opened({ handle: 'h1', name: 'a.sandbox.yaml', text: START });
    document.getState().setText(`${START}# one`);
    document.getState().setText(`${START}# two`);
    expect(stored()).toBeNull();
    clock.tick();
    expect(stored()).toEqual({
      text: `${START}# two`,
      savedText: START,
      handle: 'h1',
      name: 'a.sandbox.yaml',
      savedAt: 42,
    });
  });

  it('forgets the draft as soon as the document is saved or edited back', () => {
    const { document, clock, stored } = setup();
    document.getState().setText(`${START}# edit`);
    clock.tick();
    expect(stored()).not.toBeNull();
    document.getState().saved({ handle: 'h1', name: 'a.sandbox.yaml' }, `${START}# edit`);
    expect(stored()).toBeNull();
    expect(clock.pending()).toBe(false);

    document.getState().setText(`${START}# edit\n# more`);
    document.getState().setText(`${START}# edit`);
    expect(stored()).toBeNull();
    expect(clock.pending()).toBe(false);
  });

  it('writes a pending draft at once on flush (the page is closing)', () => {
    const { document, autosave, stored, clock } = setup();
    document.getState().setText(`${START}# quick`);
    autosave.flush();
    expect(stored()?.text).toBe(`${START}# quick`);
    expect(clock.pending()).toBe(false);
  });

  it('offers a draft left by an earlier session and writes nothing until it is answered', () => {
    const storage = memoryStorage({
      [DRAFT_KEY]: serializeDraft({
        text: 'lost work',
        savedText: START,
        handle: 'h1',
        name: 'a.sandbox.yaml',
        savedAt: 7,
      }),
    });
    const { document, ui, clock, stored } = setup(storage);
    expect(ui.getState().draftOffer).toEqual({ name: 'a.sandbox.yaml', handle: 'h1', savedAt: 7 });

    document.getState().setText('new typing');
    clock.tick();
    expect(stored()?.text).toBe('lost work');

    // Discarding the offer: the current document is what is kept from now on.
    ui.getState().offerDraft(null);
    expect(stored()?.text).toBe('new typing');
  });

  it('drops a stored draft that holds no changes, and one it cannot read', () => {
    const clean = memoryStorage({
      [DRAFT_KEY]: serializeDraft({
        text: START,
        savedText: START,
        handle: null,
        name: null,
        savedAt: 1,
      }),
    });
    expect(setup(clean).ui.getState().draftOffer).toBeNull();
    expect(clean.entries.has(DRAFT_KEY)).toBe(false);
    const garbage = memoryStorage({ [DRAFT_KEY]: '{oops' });
    expect(setup(garbage).ui.getState().draftOffer).toBeNull();
    expect(garbage.entries.has(DRAFT_KEY)).toBe(false);
  });

  it('tells the user once when the storage refuses the draft', () => {
    const refusing: KeyValueStorage = {
      getItem: () => null,
      setItem: () => {
        throw new Error('quota exceeded');
      },
      removeItem: () => undefined,
    };
    const { document, ui, clock } = setup(refusing);
    document.getState().setText('a');
    clock.tick();
    document.getState().setText('b');
    clock.tick();
    expect(ui.getState().notices).toEqual([
      expect.objectContaining({
        tone: 'error',
        text: 'Unsaved changes cannot be kept for recovery: quota exceeded',
      }),
    ]);
  });

  it('stops watching when stopped', () => {
    const { document, autosave, clock, stored } = setup();
    document.getState().setText('typed');
    autosave.stop();
    expect(clock.pending()).toBe(false);
    document.getState().setText('more');
    expect(clock.pending()).toBe(false);
    expect(stored()).toBeNull();
  });
});
