import type { Dialog, FileEntry, UiStore } from '../state/ui-store';

/**
 * Shows a dialog built around `resolve` and settles once the user answered it (or another dialog
 * replaced it, which answers "cancel"). Answering closes the dialog.
 */
function ask<T>(store: UiStore, make: (resolve: (answer: T) => void) => Dialog): Promise<T> {
  return new Promise<T>((resolve) => {
    let settled = false;
    const answer = (value: T): void => {
      if (settled) return;
      settled = true;
      // The dialog object may have been replaced by an update; its resolve function stays.
      if (isOpen(store, answer)) store.getState().closeDialog();
      resolve(value);
    };
    store.getState().showDialog(make(answer));
  });
}

export function askConfirm(
  store: UiStore,
  question: { title: string; message: string; confirmLabel: string },
): Promise<boolean> {
  return ask<boolean>(store, (resolve) => ({ kind: 'confirm', ...question, resolve }));
}

export function askFileName(store: UiStore, suggestedName: string): Promise<string | null> {
  return ask<string | null>(store, (resolve) => ({ kind: 'save-as', suggestedName, resolve }));
}

/** The web-mode file picker: opens at once, lists the files when `list` answers. */
export function askFile(
  store: UiStore,
  list: () => Promise<readonly FileEntry[]>,
): Promise<FileEntry | null> {
  return ask<FileEntry | null>(store, (resolve) => {
    const dialog: Dialog = { kind: 'open-file', files: null, resolve };
    list().then(
      (files) => replaceIfOpen(store, dialog, { ...dialog, files }),
      (error: unknown) =>
        replaceIfOpen(store, dialog, { ...dialog, files: [], error: messageOf(error) }),
    );
    return dialog;
  });
}

function replaceIfOpen(store: UiStore, open: Dialog, next: Dialog): void {
  if (isOpen(store, open.resolve)) store.getState().updateDialog(next);
}

function isOpen(store: UiStore, resolve: (answer: never) => void): boolean {
  return store.getState().dialog?.resolve === resolve;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
