import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  exportFileName,
  exportPolicy,
  importPolicy,
  type ExportFormat,
  type ExportResult,
  type ImportFormat,
  type ImportInput,
  type ImportResult,
} from '../components/import-export/conversions';
import { selectAnalysisCurrent, type DocumentState, type DocumentStore } from './document-store';
import { openAsNewDocument } from './new-document';

/**
 * The Export and Import dialogs. Export shows the current document's policy in another format
 * (derived from the document on every render, see exportView); Import converts a file or pasted
 * text and can replace the editor's document with the result.
 */

export interface ImportDeps {
  readonly document: DocumentStore;
  /** Asks before replacing unsaved changes; true to go ahead. */
  readonly confirmDiscard: () => Promise<boolean>;
}

export interface ImportExportState {
  readonly exportOpen: boolean;
  readonly exportFormat: ExportFormat;
  readonly importOpen: boolean;
  readonly importFormat: ImportFormat;
  /** The file or pasted text to convert; null until the user gives one. */
  readonly importInput: ImportInput | null;
  /** The conversion of `importInput` as `importFormat`. */
  readonly importResult: ImportResult | null;

  showExport(): void;
  closeExport(): void;
  setExportFormat(format: ExportFormat): void;
  showImport(deps: ImportDeps): void;
  closeImport(): void;
  setImportFormat(format: ImportFormat): void;
  setImportInput(input: ImportInput | null): void;
  /** Replaces the editor's document with the imported policy (after confirming); true if done. */
  openAsPolicy(): Promise<boolean>;
}

export type ImportExportStore = StoreApi<ImportExportState>;

export const PASTED_TEXT = 'pasted text';

export function createImportExportStore(): ImportExportStore {
  let deps: ImportDeps | null = null;
  return createStore<ImportExportState>()((set, get) => {
    const converted = (format: ImportFormat, input: ImportInput | null) =>
      input === null ? null : importPolicy(format, input);
    return {
      exportOpen: false,
      exportFormat: 'oci',
      importOpen: false,
      importFormat: 'oci',
      importInput: null,
      importResult: null,

      showExport() {
        set({ exportOpen: true });
      },
      closeExport() {
        set({ exportOpen: false });
      },
      setExportFormat(exportFormat) {
        set({ exportFormat });
      },
      showImport(given) {
        deps = given;
        set({ importOpen: true });
      },
      closeImport() {
        set({ importOpen: false });
      },
      setImportFormat(importFormat) {
        set({ importFormat, importResult: converted(importFormat, get().importInput) });
      },
      setImportInput(importInput) {
        set({ importInput, importResult: converted(get().importFormat, importInput) });
      },
      async openAsPolicy() {
        const result = get().importResult;
        if (!deps || !result?.ok || !(await deps.confirmDiscard())) return false;
        openAsNewDocument(deps.document, result.policyText);
        set({ importOpen: false, importInput: null, importResult: null });
        return true;
      },
    };
  });
}

export type ExportView =
  | { readonly state: 'pending' }
  | { readonly state: 'blocked'; readonly reason: string }
  | { readonly state: 'done'; readonly result: ExportResult; readonly fileName: string };

/**
 * What the Export dialog shows for the document: its policy in `format`, or why there is none
 * (errors in the policy; an analysis not caught up with the text yet).
 */
export function exportView(
  document: Pick<DocumentState, 'text' | 'name' | 'analysis'>,
  format: ExportFormat,
): ExportView {
  if (!selectAnalysisCurrent(document)) return { state: 'pending' };
  const { policy, diagnostics } = document.analysis;
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const first = errors[0];
  if (first) {
    const count = errors.length === 1 ? 'an error' : `${errors.length} errors`;
    return {
      state: 'blocked',
      reason: `The policy has ${count}; fix it first (line ${first.range.start.line}: ${first.message}).`,
    };
  }
  if (!policy) return { state: 'blocked', reason: 'The policy could not be read.' };
  const source = document.name ?? 'untitled.sandbox.yaml';
  return {
    state: 'done',
    result: exportPolicy(format, policy, source),
    fileName: exportFileName(format, policy.name, document.name),
  };
}
