import type { SyscallRule } from './model';
import type { Diagnostic, Severity, SourceRange } from './source-range';

/**
 * A diagnostic about a rule. For a rule from an included file it is shown at the include entry
 * (the editor has only this file), and says where in the included file the problem is.
 */
export function ruleDiagnostic(
  rule: SyscallRule,
  severity: Severity,
  code: string,
  message: string,
  range: SourceRange,
): Diagnostic {
  if (!rule.origin) return { severity, code, message, range };
  const where = `${rule.origin.file}:${range.start.line}:${range.start.column}`;
  return { severity, code, message: `${where}: ${message}`, range: rule.origin.includedAt };
}

/** How messages refer to a rule: `line 5`, or `base.sandbox.yaml:5` for an included one. */
export function ruleLocation(rule: SyscallRule): string {
  const line = rule.range.start.line;
  return rule.origin ? `${rule.origin.file}:${line}` : `line ${line}`;
}
