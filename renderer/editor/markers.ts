import type { Diagnostic, Severity } from '../../app/policy/source-range';

/** Owner of our markers in Monaco; monaco-yaml's schema validation uses its own. */
export const MARKER_OWNER = 'sandbox-studio';

/** A diagnostic in Monaco's marker shape, with the severity still by name. */
export interface MarkerSpec {
  readonly severity: Severity;
  readonly message: string;
  readonly code: string;
  readonly source: string;
  readonly startLineNumber: number;
  readonly startColumn: number;
  readonly endLineNumber: number;
  readonly endColumn: number;
}

/** Both use 1-based lines and columns, so a diagnostic's range maps over exactly. */
export function diagnosticToMarker(d: Diagnostic): MarkerSpec {
  return {
    severity: d.severity,
    message: d.message,
    code: d.code,
    source: MARKER_OWNER,
    startLineNumber: d.range.start.line,
    startColumn: d.range.start.column,
    endLineNumber: d.range.end.line,
    endColumn: d.range.end.column,
  };
}
