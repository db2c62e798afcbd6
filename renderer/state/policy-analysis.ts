import type { Policy } from '../../app/policy/model';
import type { ParseOptions } from '../../app/policy/parse';
import type { Diagnostic } from '../../app/policy/source-range';
import type { DocumentState, DocumentStore, PolicyAnalysis } from './document-store';
import type { IncludeCache } from './include-cache';
import { explainIncludeDiagnostics, unsavedIncludeReader } from './include-diagnostics';

export type ParsePolicy = (
  text: string,
  options?: ParseOptions,
) => { policy?: Policy; diagnostics: Diagnostic[] };

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const ANALYSIS_DELAY_MS = 150;

export interface AnalysisOptions {
  readonly timers?: Timers;
  /** How long typing must pause before the text is parsed again. */
  readonly delayMs?: number;
  /** Where saved policies' includes come from; without it every include is unavailable. */
  readonly includes?: IncludeCache;
}

/** parsePolicy as a total function: a parser bug becomes an error diagnostic, never a crash. */
export function analyzePolicy(
  parse: ParsePolicy,
  text: string,
  options: ParseOptions = {},
): PolicyAnalysis {
  try {
    const { policy, diagnostics } = parse(text, options);
    return { text, policy, diagnostics };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = { line: 1, column: 1, offset: 0 };
    return {
      text,
      policy: undefined,
      diagnostics: [
        {
          severity: 'error',
          message: `the policy could not be analyzed: ${message}`,
          range: { start: at, end: at },
          code: 'internal-error',
        },
      ],
    };
  }
}

type DocumentFile = Pick<DocumentState, 'handle' | 'name'>;

/**
 * The parser's options for the document: a saved one reads its includes through the cache, by
 * paths relative to its own name (the backend resolves them against the file's real folder).
 */
export function documentParseOptions(doc: DocumentFile, includes?: IncludeCache): ParseOptions {
  if (!includes) return {};
  if (doc.handle === null) return { readInclude: unsavedIncludeReader };
  const name = doc.name ?? 'policy.sandbox.yaml';
  return { path: name.slice(name.lastIndexOf('/') + 1), readInclude: includes.reader(doc.handle) };
}

/** analyzePolicy of the document, with its includes and the editor's words for them. */
export function analyzeDocument(
  parse: ParsePolicy,
  doc: DocumentFile & Pick<DocumentState, 'text'>,
  includes?: IncludeCache,
): PolicyAnalysis {
  const analysis = analyzePolicy(parse, doc.text, documentParseOptions(doc, includes));
  return { ...analysis, diagnostics: explainIncludeDiagnostics(analysis.diagnostics) };
}

/** A different file, or the same file written or read again: its includes may have changed. */
function fileChanged(state: DocumentState, previous: DocumentState): boolean {
  return (
    state.handle !== previous.handle ||
    state.name !== previous.name ||
    state.savedText !== previous.savedText ||
    (state.external.revision !== previous.external.revision && state.external.resetUndo)
  );
}

/**
 * Keeps the document's diagnostics up to date: parses the text once typing pauses for `delayMs`
 * (and right away for the first text, a file opened or saved, and an included file arriving).
 * Returns a function that stops it.
 */
export function startPolicyAnalysis(
  store: DocumentStore,
  parse: ParsePolicy,
  options: AnalysisOptions = {},
): () => void {
  const { delayMs = ANALYSIS_DELAY_MS, includes } = options;
  const timers: Timers = options.timers ?? globalThis;
  let timer: unknown;
  /** The next analysis runs even when the text is unchanged (its includes changed). */
  let force = false;
  const analyze = (): void => {
    timer = undefined;
    const state = store.getState();
    if (!force && state.analysis.text === state.text) return;
    force = false;
    state.setAnalysis(analyzeDocument(parse, state, includes));
  };
  const schedule = (ms: number, forced: boolean): void => {
    force ||= forced;
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = timers.setTimeout(analyze, ms);
  };

  store.getState().setAnalysis(analyzeDocument(parse, store.getState(), includes));
  const unsubscribeDocument = store.subscribe((state, previous) => {
    if (fileChanged(state, previous)) {
      if (state.handle !== null) includes?.invalidate(state.handle);
      schedule(0, true);
    } else if (state.text !== previous.text) {
      // A whole new text (Allow observed) is analyzed at once: no typing to wait for.
      const external = state.external.revision !== previous.external.revision;
      schedule(external ? 0 : delayMs, false);
    }
  });
  const unsubscribeIncludes = includes?.subscribe((handle) => {
    if (handle === store.getState().handle) schedule(0, true);
  });
  return () => {
    unsubscribeDocument();
    unsubscribeIncludes?.();
    if (timer !== undefined) timers.clearTimeout(timer);
  };
}
