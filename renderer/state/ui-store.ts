import { createStore, type StoreApi } from 'zustand/vanilla';

export interface FileEntry {
  readonly handle: string;
  readonly name: string;
}

/** The one modal dialog shown at a time; each resolves the promise of whoever asked. */
export type Dialog =
  | {
      readonly kind: 'open-file';
      readonly files: readonly FileEntry[] | null;
      readonly error?: string;
      readonly resolve: (file: FileEntry | null) => void;
    }
  | {
      readonly kind: 'confirm';
      readonly title: string;
      readonly message: string;
      readonly confirmLabel: string;
      readonly resolve: (confirmed: boolean) => void;
    }
  | {
      readonly kind: 'save-as';
      readonly suggestedName: string;
      readonly resolve: (name: string | null) => void;
    };

export interface Notice {
  readonly id: number;
  readonly tone: 'error' | 'info';
  readonly text: string;
}

export interface UiState {
  readonly dialog: Dialog | null;
  readonly notices: readonly Notice[];
  /** Text filter of the event table (over type, name and action). */
  readonly eventFilter: string;

  /** Shows a dialog; a dialog already open is answered "cancel" first. */
  showDialog(dialog: Dialog): void;
  /** Replaces the open dialog's contents when it is still of the same kind (e.g. files loaded). */
  updateDialog(dialog: Dialog): void;
  closeDialog(): void;
  notify(tone: Notice['tone'], text: string): void;
  dismissNotice(id: number): void;
  setEventFilter(text: string): void;
}

export type UiStore = StoreApi<UiState>;

const MAX_NOTICES = 4;

export function createUiStore(): UiStore {
  let nextNoticeId = 1;
  return createStore<UiState>()((set, get) => ({
    dialog: null,
    notices: [],
    eventFilter: '',

    showDialog(dialog) {
      const open = get().dialog;
      if (open) cancel(open);
      set({ dialog });
    },
    updateDialog(dialog) {
      if (get().dialog?.kind === dialog.kind) set({ dialog });
    },
    closeDialog() {
      set({ dialog: null });
    },
    notify(tone, text) {
      const notice = { id: nextNoticeId++, tone, text };
      set({ notices: [...get().notices, notice].slice(-MAX_NOTICES) });
    },
    dismissNotice(id) {
      set({ notices: get().notices.filter((n) => n.id !== id) });
    },
    setEventFilter(eventFilter) {
      set({ eventFilter });
    },
  }));
}

/** Answers a dialog with its "cancel" value. */
export function cancel(dialog: Dialog): void {
  if (dialog.kind === 'confirm') dialog.resolve(false);
  else dialog.resolve(null);
}
