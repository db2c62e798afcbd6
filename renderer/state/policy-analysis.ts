import type { Policy } from '../../app/policy/model';
import type { Diagnostic } from '../../app/policy/source-range';
import type { DocumentStore, PolicyAnalysis } from './document-store';

export type ParsePolicy = (text: string) => { policy?: Policy; diagnostics: Diagnostic[] };

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const ANALYSIS_DELAY_MS = 150;

/** parsePolicy as a total function: a parser bug becomes an error diagnostic, never a crash. */
export function analyzePolicy(parse: ParsePolicy, text: string): PolicyAnalysis {
  try {
    const { policy, diagnostics } = parse(text);
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

/**
 * Keeps the document's diagnostics up to date: parses the text once typing pauses for `delayMs`
 * (and right away for the first text). Returns a function that stops it.
 */
export function startPolicyAnalysis(
  store: DocumentStore,
  parse: ParsePolicy,
  timers: Timers = globalThis,
  delayMs = ANALYSIS_DELAY_MS,
): () => void {
  let timer: unknown;
  const analyze = (): void => {
    timer = undefined;
    const { text, analysis } = store.getState();
    if (analysis.text !== text) store.getState().setAnalysis(analyzePolicy(parse, text));
  };
  store.getState().setAnalysis(analyzePolicy(parse, store.getState().text));
  const unsubscribe = store.subscribe((state, previous) => {
    if (state.text === previous.text) return;
    if (timer !== undefined) timers.clearTimeout(timer);
    // A whole new text (a file opened, Allow observed) is analyzed at once: no typing to wait for.
    const external = state.external.revision !== previous.external.revision;
    timer = timers.setTimeout(analyze, external ? 0 : delayMs);
  });
  return () => {
    unsubscribe();
    if (timer !== undefined) timers.clearTimeout(timer);
  };
}
