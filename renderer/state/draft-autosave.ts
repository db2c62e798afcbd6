import { draftOffer, DRAFT_KEY, parseDraft, serializeDraft } from './draft';
import type { DocumentState, DocumentStore } from './document-store';
import { readItem, writeItem, type KeyValueStorage } from './key-value-storage';
import type { UiStore } from './ui-store';

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface DraftAutosaveOptions {
  readonly document: DocumentStore;
  readonly ui: UiStore;
  readonly storage: KeyValueStorage;
  readonly now?: () => number;
  /** How long typing must pause before the draft is written. */
  readonly delayMs?: number;
  readonly timers?: Timers;
}

export interface DraftAutosave {
  /** Writes a pending draft now (the page is going away). */
  flush(): void;
  stop(): void;
}

const DEFAULT_DELAY_MS = 300;

const browserTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Keeps the document's unsaved changes in storage: written shortly after typing pauses, removed
 * as soon as the document is clean again (saved, or edited back). On start a draft left by an
 * earlier session is offered (ui.draftOffer); until the user restores or discards it, nothing is
 * written, so new typing cannot overwrite the work it is offering back.
 */
export function startDraftAutosave(options: DraftAutosaveOptions): DraftAutosave {
  const { document, ui, storage } = options;
  const now = options.now ?? Date.now;
  const delay = options.delayMs ?? DEFAULT_DELAY_MS;
  const timers = options.timers ?? browserTimers;
  let timer: unknown = null;
  let failureShown = false;

  const offer = draftOffer(parseDraft(readItem(storage, DRAFT_KEY)));
  if (offer) ui.getState().offerDraft(offer);
  else writeItem(storage, DRAFT_KEY, null);

  const paused = (): boolean => ui.getState().draftOffer !== null;

  const cancel = (): void => {
    if (timer !== null) timers.clear(timer);
    timer = null;
  };

  const write = (): void => {
    cancel();
    if (paused()) return;
    const state = document.getState();
    const dirty = state.text !== state.savedText;
    const error = writeItem(
      storage,
      DRAFT_KEY,
      dirty ? serializeDraft(draftOf(state, now())) : null,
    );
    if (error && !failureShown) {
      failureShown = true;
      ui.getState().notify(
        'error',
        `Unsaved changes cannot be kept for recovery: ${error.message}`,
      );
    }
    if (!error) failureShown = false;
  };

  const schedule = (state: DocumentState): void => {
    if (paused()) return;
    // A clean document leaves nothing to recover: forget the draft at once (e.g. on save).
    if (state.text === state.savedText) return write();
    cancel();
    timer = timers.set(write, delay);
  };

  const unsubscribeDocument = document.subscribe((state, previous) => {
    if (documentChanged(state, previous)) schedule(state);
  });
  // Restore or Discard answered the offer: from now on the current document is the one kept.
  const unsubscribeUi = ui.subscribe((state, previous) => {
    if (previous.draftOffer !== null && state.draftOffer === null) write();
  });

  return {
    flush() {
      if (timer !== null) write();
    },
    stop() {
      cancel();
      unsubscribeDocument();
      unsubscribeUi();
    },
  };
}

function documentChanged(a: DocumentState, b: DocumentState): boolean {
  return (
    a.text !== b.text || a.savedText !== b.savedText || a.handle !== b.handle || a.name !== b.name
  );
}

function draftOf(state: DocumentState, savedAt: number) {
  const { text, savedText, handle, name } = state;
  return { text, savedText, handle, name, savedAt };
}
