import type { DocumentStore } from './document-store';

/**
 * Makes `text` the editor's document as a new, unsaved one (audit's decompiled filter, an import):
 * no file, nothing saved, so it stays dirty until the user saves it somewhere.
 */
export function openAsNewDocument(document: DocumentStore, text: string): void {
  const { external } = document.getState();
  document.setState({
    text,
    savedText: '',
    handle: null,
    name: null,
    external: { revision: external.revision + 1, resetUndo: true },
  });
}
