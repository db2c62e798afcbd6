import { buildPolicy } from './build-model';
import { issueDiagnostics } from './issue-diagnostics';
import type { Policy } from './model';
import { ruleWarnings } from './rule-warnings';
import { PolicyDocumentSchema } from './schema';
import type { Diagnostic, SourceRange } from './source-range';
import { isEmptyDocument, parseYaml } from './yaml-source';

export interface ParseResult {
  /** Set exactly when no diagnostic is an error. */
  readonly policy?: Policy;
  readonly diagnostics: Diagnostic[];
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/**
 * Policy text → model + diagnostics, every diagnostic with the range of the YAML node at fault.
 * Never throws: the editor calls this on every keystroke with whatever is in the buffer.
 */
export function parsePolicy(text: string): ParseResult {
  try {
    return parseChecked(text);
  } catch (e) {
    // A bug must not take the editor down; fail closed with a diagnostic instead.
    const message = `internal error while checking the policy: ${e instanceof Error ? e.message : String(e)}`;
    return { diagnostics: [documentError('internal-error', message)] };
  }
}

function parseChecked(text: string): ParseResult {
  if (text.trim() === '') return { diagnostics: [documentError('empty-policy', 'empty policy')] };
  const { source, diagnostics: yamlDiagnostics } = parseYaml(text);
  if (!source) return { diagnostics: sorted(yamlDiagnostics) };
  if (isEmptyDocument(source)) {
    return { diagnostics: [documentError('empty-policy', 'empty policy'), ...yamlDiagnostics] };
  }
  let data: unknown;
  try {
    data = source.doc.toJS();
  } catch (e) {
    // e.g. too many alias expansions (a "billion laughs" document).
    const message = e instanceof Error ? e.message : String(e);
    return { diagnostics: [documentError('yaml-syntax', message), ...yamlDiagnostics] };
  }
  const result = PolicyDocumentSchema.safeParse(data);
  if (!result.success) {
    const issues = issueDiagnostics(source, PolicyDocumentSchema, result.error.issues);
    return { diagnostics: sorted([...yamlDiagnostics, ...issues]) };
  }
  const policy = buildPolicy(result.data, source);
  const warnings = ruleWarnings(policy.linux.seccomp?.rules ?? []);
  return { policy, diagnostics: sorted([...yamlDiagnostics, ...warnings]) };
}

const DOCUMENT_START: SourceRange = {
  start: { line: 1, column: 1, offset: 0 },
  end: { line: 1, column: 1, offset: 0 },
};

function documentError(code: string, message: string): Diagnostic {
  return { severity: 'error', code, message, range: DOCUMENT_START };
}

function sorted(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => a.range.start.offset - b.range.start.offset);
}
