import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CommandId } from '../commands/registry';
import type { DraftOffer } from './draft';

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

export type ThemePreference = 'system' | 'light' | 'dark';
export type ColorTheme = 'light' | 'dark';
/** Places a command can move the keyboard focus to (the App hook finds them in the page). */
export type FocusTarget = 'editor' | 'eventFilter';

export interface UiState {
  readonly dialog: Dialog | null;
  readonly notices: readonly Notice[];
  /** Text filter of the event table (over type, name and action). */
  readonly eventFilter: string;
  readonly paletteOpen: boolean;
  /** Commands run lately, most recent first: the palette lists them first. */
  readonly recentCommands: readonly CommandId[];
  readonly themePreference: ThemePreference;
  /** What the system asks for (`prefers-color-scheme`), kept current by the App. */
  readonly systemTheme: ColorTheme;
  /** Resizable panes by id: the first pane's share of the space; absent means its default. */
  readonly paneSizes: Readonly<Record<string, number>>;
  /** Unsaved changes recovered from the last session, waiting for Restore or Discard. */
  readonly draftOffer: DraftOffer | null;
  /** The latest request to move the focus; `seq` makes a repeated request a new one. */
  readonly focusRequest: { readonly target: FocusTarget; readonly seq: number } | null;

  /** Shows a dialog; a dialog already open is answered "cancel" first. */
  showDialog(dialog: Dialog): void;
  /** Replaces the open dialog's contents when it is still of the same kind (e.g. files loaded). */
  updateDialog(dialog: Dialog): void;
  closeDialog(): void;
  notify(tone: Notice['tone'], text: string): void;
  dismissNotice(id: number): void;
  setEventFilter(text: string): void;
  dismissAllNotices(): void;
  openPalette(): void;
  closePalette(): void;
  commandRan(id: CommandId): void;
  setThemePreference(preference: ThemePreference): void;
  setSystemTheme(theme: ColorTheme): void;
  setPaneSize(pane: string, fraction: number): void;
  resetPaneSizes(): void;
  offerDraft(offer: DraftOffer | null): void;
  requestFocus(target: FocusTarget): void;
}

export type UiStore = StoreApi<UiState>;

const MAX_NOTICES = 4;
const MAX_RECENT = 5;

export function createUiStore(): UiStore {
  let nextNoticeId = 1;
  return createStore<UiState>()((set, get) => ({
    dialog: null,
    notices: [],
    eventFilter: '',
    paletteOpen: false,
    recentCommands: [],
    themePreference: 'system',
    systemTheme: 'dark',
    paneSizes: {},
    draftOffer: null,
    focusRequest: null,

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
    dismissAllNotices() {
      set({ notices: [] });
    },
    openPalette() {
      set({ paletteOpen: true });
    },
    closePalette() {
      set({ paletteOpen: false });
    },
    commandRan(id) {
      const recent = [id, ...get().recentCommands.filter((r) => r !== id)];
      set({ recentCommands: recent.slice(0, MAX_RECENT) });
    },
    setThemePreference(themePreference) {
      set({ themePreference });
    },
    setSystemTheme(systemTheme) {
      if (systemTheme !== get().systemTheme) set({ systemTheme });
    },
    setPaneSize(pane, fraction) {
      if (!Number.isFinite(fraction) || get().paneSizes[pane] === fraction) return;
      set({ paneSizes: { ...get().paneSizes, [pane]: fraction } });
    },
    resetPaneSizes() {
      set({ paneSizes: {} });
    },
    offerDraft(draftOffer) {
      set({ draftOffer });
    },
    requestFocus(target) {
      set({ focusRequest: { target, seq: (get().focusRequest?.seq ?? 0) + 1 } });
    },
  }));
}

/** The theme in effect: the user's choice, or the system's when following it. */
export const selectColorTheme = (
  s: Pick<UiState, 'themePreference' | 'systemTheme'>,
): ColorTheme => (s.themePreference === 'system' ? s.systemTheme : s.themePreference);

/**
 * What "Switch Color Theme" moves to: from following the system to the other theme (so the first
 * switch always shows a change), then to the system's theme pinned, then back to following.
 */
export function nextThemePreference(
  s: Pick<UiState, 'themePreference' | 'systemTheme'>,
): ThemePreference {
  const other: ColorTheme = s.systemTheme === 'dark' ? 'light' : 'dark';
  if (s.themePreference === 'system') return other;
  if (s.themePreference === other) return s.systemTheme;
  return 'system';
}

/** Answers a dialog with its "cancel" value. */
export function cancel(dialog: Dialog): void {
  if (dialog.kind === 'confirm') dialog.resolve(false);
  else dialog.resolve(null);
}
