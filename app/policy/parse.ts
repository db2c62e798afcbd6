import { checkPolicy } from './check-policy';
import { normalizePath } from './include-path';
import { documentError, loadDocument, type IncludeReader } from './load-document';
import type { Policy } from './model';
import type { Diagnostic } from './source-range';

export type { IncludeReader } from './load-document';

export interface ParseResult {
  /** Set exactly when no diagnostic is an error. */
  readonly policy?: Policy;
  readonly diagnostics: Diagnostic[];
}

export interface ParseOptions {
  /**
   * Reads files named by `include:` (paths already resolved against `path`'s directory). The
   * parser itself touches no file system; without a reader an include is an error.
   */
  readonly readInclude?: IncludeReader;
  /** Where the text comes from, to resolve relative includes and detect include cycles. */
  readonly path?: string;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/**
 * Policy text → model + diagnostics, every diagnostic with the range of the text at fault.
 * Never throws: the editor calls this on every keystroke with whatever is in the buffer.
 */
export function parsePolicy(text: string, options: ParseOptions = {}): ParseResult {
  try {
    return parseChecked(text, options);
  } catch (e) {
    // A bug must not take the editor down; fail closed with a diagnostic instead.
    const message = `internal error while checking the policy: ${e instanceof Error ? e.message : String(e)}`;
    return { diagnostics: [documentError('internal-error', message)] };
  }
}

function parseChecked(text: string, options: ParseOptions): ParseResult {
  const loaded = loadDocument(text, options.path, {
    ...(options.readInclude && { readInclude: options.readInclude }),
    stack: options.path === undefined ? [] : [normalizePath(options.path)],
    seen: new Set(),
  });
  if (!loaded.policy) return { diagnostics: sorted(loaded.diagnostics) };
  const diagnostics = sorted([...loaded.diagnostics, ...checkPolicy(loaded.policy)]);
  return hasErrors(diagnostics) ? { diagnostics } : { policy: loaded.policy, diagnostics };
}

function sorted(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => a.range.start.offset - b.range.start.offset);
}
