import type { IncludeReader } from '../../app/policy/parse';
import type { Diagnostic } from '../../app/policy/source-range';
import { INCLUDE_LOADING } from './include-cache';

/** Why an unsaved policy cannot include: there is no folder to resolve the path against. */
export const UNSAVED_INCLUDE =
  'save the policy to a file first: includes are read relative to its folder';

/** The reader of a policy that was never saved: every include is unavailable. */
export const unsavedIncludeReader: IncludeReader = () => ({ error: UNSAVED_INCLUDE });

const LOADING = new RegExp(`cannot include (.+): ${INCLUDE_LOADING}$`);

/**
 * The parser reports every unreadable include as `include-error`; two of the editor's reasons are
 * not errors of the file: a file still on its way from the backend (an info, "reading …"), and a
 * policy that was never saved (`include-unavailable`, with what to do about it).
 */
export function explainIncludeDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.map((d) => {
    if (d.code !== 'include-error') return d;
    const loading = LOADING.exec(d.message);
    if (loading) {
      const message = `${d.message.slice(0, loading.index)}reading ${loading[1]}…`;
      return { ...d, severity: 'info', code: 'include-loading', message };
    }
    if (d.message.endsWith(`: ${UNSAVED_INCLUDE}`)) return { ...d, code: 'include-unavailable' };
    return d;
  });
}
