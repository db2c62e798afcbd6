import type { Draft } from './draft';
import type { DocumentStore } from './document-store';

export interface FileContents {
  readonly handle: string;
  readonly name: string;
  readonly text: string;
}

export type DraftOutcome = 'restored' | 'already-saved';

/**
 * Makes a recovered draft the document: its file (as it is on disk now when `file` is given, else
 * as it was when the draft was made) with the draft's text on top as unsaved changes, so the
 * editor's undo steps back to the file and Save writes the recovered text.
 */
export function applyDraft(
  store: DocumentStore,
  draft: Draft,
  file: FileContents | null,
): DraftOutcome {
  const doc = store.getState();
  if (draft.handle === null) {
    // An untitled draft: the document becomes untitled again, whatever is open now.
    store.setState({ handle: null, name: null, savedText: draft.savedText });
    store.getState().setText(draft.text, 'external');
    return 'restored';
  }
  const base = file ?? {
    handle: draft.handle,
    name: draft.name ?? draft.handle,
    text: draft.savedText,
  };
  doc.opened(base);
  if (base.text === draft.text) return 'already-saved';
  store.getState().setText(draft.text, 'external');
  return 'restored';
}
