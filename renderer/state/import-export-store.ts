import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  DEFAULT_EXPORT_OPTIONS,
  DEFAULT_IMPORT_OPTIONS,
  type ExportOptions,
  type ImportOptions,
} from '../components/import-export/conversion-options';
import {
  exportFileName,
  exportPolicy,
  importPolicy,
  isStreamedImport,
  type ExportFormat,
  type ExportResult,
  type ImportFormat,
  type ImportInput,
  type ImportResult,
  type ConversionNote,
} from '../components/import-export/conversions';
import { importStreamed } from '../components/import-export/streamed-strace';
import {
  importStraceAsTrace,
  type TraceImportDeps,
  type TraceImportProgress,
} from '../components/import-export/trace-import';
import { selectAnalysisCurrent, type DocumentState, type DocumentStore } from './document-store';
import { openAsNewDocument } from './new-document';

/**
 * The Export and Import dialogs. Export shows the current document's policy in another format
 * (derived from the document on every render, see exportView); Import converts a file or pasted
 * text and can replace the editor's document with the result, or open an strace log as a trace.
 * An strace log too large to read at once is converted a slice at a time (`importReading` says
 * how far) and sent the same way (`traceImport`'s progress); both can be cancelled. Each
 * dialog's options (the CLI's) are kept while the studio runs.
 */

export interface ImportDeps {
  readonly document: DocumentStore;
  /** Asks before replacing unsaved changes; true to go ahead. */
  readonly confirmDiscard: () => Promise<boolean>;
  /** What "Open as trace" needs; without it an strace log opens as a policy only. */
  readonly trace?: TraceImportDeps;
}

/** "Open as trace" of an strace log: under way, saved but not shown, or failed. */
export type TraceImportState =
  | { readonly status: 'idle' }
  | { readonly status: 'importing'; readonly progress: TraceImportProgress }
  | { readonly status: 'saved'; readonly id: string; readonly message: string }
  | { readonly status: 'failed'; readonly error: ConversionNote };

const TRACE_IDLE: TraceImportState = { status: 'idle' };

export interface ImportExportState {
  readonly exportOpen: boolean;
  readonly exportFormat: ExportFormat;
  readonly exportOptions: ExportOptions;
  readonly importOpen: boolean;
  readonly importFormat: ImportFormat;
  /** The file or pasted text to convert; null until the user gives one. */
  readonly importInput: ImportInput | null;
  readonly importOptions: ImportOptions;
  /** The conversion of `importInput` as `importFormat` with `importOptions`. */
  readonly importResult: ImportResult | null;
  /** How much of a log read a slice at a time has been converted (0 to 1); null otherwise. */
  readonly importReading: number | null;
  /** Whether "Open as trace" is offered: an strace log, and a backend to save it. */
  readonly canOpenAsTrace: boolean;
  readonly traceImport: TraceImportState;

  showExport(): void;
  closeExport(): void;
  setExportFormat(format: ExportFormat): void;
  setExportOptions(options: Partial<ExportOptions>): void;
  showImport(deps: ImportDeps): void;
  closeImport(): void;
  setImportFormat(format: ImportFormat): void;
  setImportInput(input: ImportInput | null): void;
  setImportOptions(options: Partial<ImportOptions>): void;
  /** Replaces the editor's document with the imported policy (after confirming); true if done. */
  openAsPolicy(): Promise<boolean>;
  /** Saves the strace log as a run and opens it in the event table; true if shown. */
  openAsTrace(): Promise<boolean>;
  /** Stops "Open as trace" under way; the backend drops what it got. */
  cancelTrace(): void;
}

export type ImportExportStore = StoreApi<ImportExportState>;

export const PASTED_TEXT = 'pasted text';

export function createImportExportStore(): ImportExportStore {
  let deps: ImportDeps | null = null;
  /** Bumped to abandon an "Open as trace" whose input the user has replaced. */
  let traceToken = 0;
  let traceAbort: AbortController | null = null;
  let readAbort: AbortController | null = null;
  return createStore<ImportExportState>()((set, get) => {
    const abandonTrace = (): void => {
      traceToken++;
      traceAbort?.abort();
      traceAbort = null;
    };
    const stopReading = (): void => {
      readAbort?.abort();
      readAbort = null;
    };
    /** Reads a log too large to read at once, a slice at a time, into `importResult`. */
    const readStreamed = async (input: ImportInput, options: ImportOptions): Promise<void> => {
      const controller = new AbortController();
      readAbort = controller;
      const { signal } = controller;
      let result: ImportResult | null;
      try {
        result = await importStreamed(input, options, {
          signal,
          onProgress: (fraction) => {
            if (!signal.aborted) set({ importReading: fraction });
          },
        });
      } catch (error) {
        result = {
          ok: false,
          error: { message: `Cannot read ${input.name}: ${messageOf(error)}` },
        };
      }
      if (signal.aborted || result === null) return;
      readAbort = null;
      set({ importResult: result, importReading: null });
    };
    /** The import of the current input, format and options: a new one of any of them. */
    const reconvert = (change: Partial<ImportExportState>): void => {
      const next = { ...get(), ...change };
      abandonTrace();
      stopReading();
      const input = next.importInput;
      const streamed = input !== null && isStreamedImport(next.importFormat, input);
      set({
        ...change,
        importResult:
          input === null || streamed
            ? null
            : importPolicy(next.importFormat, input, next.importOptions),
        importReading: streamed ? 0 : null,
        canOpenAsTrace: next.importFormat === 'strace' && deps?.trace !== undefined,
        traceImport: TRACE_IDLE,
      });
      if (streamed) void readStreamed(input, next.importOptions);
    };
    const cleared = {
      importOpen: false,
      importInput: null,
      importResult: null,
      importReading: null,
    } as const;
    return {
      exportOpen: false,
      exportFormat: 'oci',
      exportOptions: DEFAULT_EXPORT_OPTIONS,
      importOpen: false,
      importFormat: 'oci',
      importInput: null,
      importOptions: DEFAULT_IMPORT_OPTIONS,
      importResult: null,
      importReading: null,
      canOpenAsTrace: false,
      traceImport: TRACE_IDLE,

      showExport() {
        set({ exportOpen: true });
      },
      closeExport() {
        set({ exportOpen: false });
      },
      setExportFormat(exportFormat) {
        set({ exportFormat });
      },
      setExportOptions(options) {
        set({ exportOptions: { ...get().exportOptions, ...options } });
      },
      showImport(given) {
        deps = given;
        reconvert({ importOpen: true });
      },
      closeImport() {
        abandonTrace();
        stopReading();
        set({ importOpen: false, traceImport: TRACE_IDLE, importReading: null });
      },
      setImportFormat(importFormat) {
        reconvert({ importFormat });
      },
      setImportInput(importInput) {
        reconvert({ importInput });
      },
      setImportOptions(options) {
        reconvert({ importOptions: { ...get().importOptions, ...options } });
      },
      async openAsPolicy() {
        const result = get().importResult;
        if (!deps || !result?.ok || !(await deps.confirmDiscard())) return false;
        openAsNewDocument(deps.document, result.policyText);
        set(cleared);
        return true;
      },
      async openAsTrace() {
        const { importInput, importResult, canOpenAsTrace, traceImport } = get();
        const trace = deps?.trace;
        if (!trace || !canOpenAsTrace || !importInput || !importResult?.ok) return false;
        if (traceImport.status === 'importing') return false;
        const token = ++traceToken;
        const controller = new AbortController();
        traceAbort = controller;
        const importing = (progress: TraceImportProgress) => {
          if (token === traceToken) set({ traceImport: { status: 'importing', progress } });
        };
        importing({ phase: 'sending', fraction: 0 });
        const outcome = await importStraceAsTrace(trace, importInput, {
          signal: controller.signal,
          onProgress: importing,
        });
        if (token !== traceToken) return outcome.kind === 'opened';
        traceAbort = null;
        switch (outcome.kind) {
          case 'opened':
            set({ ...cleared, traceImport: TRACE_IDLE });
            return true;
          case 'saved':
            set({ traceImport: { status: 'saved', id: outcome.id, message: outcome.message } });
            return false;
          case 'failed':
            set({ traceImport: { status: 'failed', error: outcome.error } });
            return false;
          case 'cancelled':
            set({ traceImport: TRACE_IDLE });
            return false;
        }
      },
      cancelTrace() {
        if (get().traceImport.status !== 'importing') return;
        abandonTrace();
        set({ traceImport: TRACE_IDLE });
      },
    };
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
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
  options: ExportOptions = DEFAULT_EXPORT_OPTIONS,
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
    result: exportPolicy(format, policy, source, options),
    fileName: exportFileName(format, policy.name, document.name),
  };
}
