import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Policy } from '../../app/policy/model';
import type { Diagnostic } from '../../app/policy/source-range';

/** What parsePolicy said about one version of the text. */
export interface PolicyAnalysis {
  /** The text that was analyzed: when it differs from `text`, the analysis is pending. */
  readonly text: string;
  readonly policy: Policy | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

/** Why the text changed: the editor reports typing; anything else must be pushed into the editor. */
export type TextOrigin = 'editor' | 'external';

export interface DocumentState {
  readonly text: string;
  /** The text as last opened or saved; the document is dirty when `text` differs. */
  readonly savedText: string;
  /** The backend's handle of the file, null for a document never saved. */
  readonly handle: string | null;
  readonly name: string | null;
  readonly analysis: PolicyAnalysis;
  /**
   * Bumped on every change the editor did not make itself (open, Allow observed); `resetUndo`
   * says whether the editor should start a fresh undo history (a different file).
   */
  readonly external: { readonly revision: number; readonly resetUndo: boolean };

  setText(text: string, origin?: TextOrigin): void;
  /** A file was opened: it becomes the document, clean. */
  opened(file: { handle: string; name: string; text: string }): void;
  /** `text` was written to the file `handle`/`name`. Edits made meanwhile stay dirty. */
  saved(file: { handle: string; name: string }, text: string): void;
  setAnalysis(analysis: PolicyAnalysis): void;
}

export type DocumentStore = StoreApi<DocumentState>;

export function createDocumentStore(initialText: string): DocumentStore {
  return createStore<DocumentState>()((set, get) => ({
    text: initialText,
    savedText: initialText,
    handle: null,
    name: null,
    analysis: { text: '', policy: undefined, diagnostics: [] },
    external: { revision: 0, resetUndo: true },

    setText(text, origin = 'editor') {
      if (text === get().text) return;
      set(origin === 'editor' ? { text } : { text, external: bump(get().external, false) });
    },
    opened(file) {
      set({
        text: file.text,
        savedText: file.text,
        handle: file.handle,
        name: file.name,
        external: bump(get().external, true),
      });
    },
    saved(file, text) {
      set({ savedText: text, handle: file.handle, name: file.name });
    },
    setAnalysis(analysis) {
      set({ analysis });
    },
  }));
}

function bump(external: DocumentState['external'], resetUndo: boolean): DocumentState['external'] {
  return { revision: external.revision + 1, resetUndo };
}

export const selectDirty = (s: Pick<DocumentState, 'text' | 'savedText'>): boolean =>
  s.text !== s.savedText;

export const selectAnalysisCurrent = (s: Pick<DocumentState, 'text' | 'analysis'>): boolean =>
  s.analysis.text === s.text;

/** Errors block runs; a pending analysis counts as "unknown", never as clean. */
export const selectHasErrors = (s: Pick<DocumentState, 'text' | 'analysis'>): boolean =>
  s.analysis.diagnostics.some((d) => d.severity === 'error') ||
  (s.analysis.text === s.text && s.analysis.policy === undefined);

export function countDiagnostics(diagnostics: readonly Diagnostic[]): {
  errors: number;
  warnings: number;
  infos: number;
} {
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
    else infos++;
  }
  return { errors, warnings, infos };
}
