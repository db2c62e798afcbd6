import type { SourceRange } from '../policy/source-range';

/*
 * What every importer and exporter returns. An import gives policy text (checked to parse without
 * errors) plus what it could not carry over exactly; an export gives the other format's text plus
 * what that format cannot express, each with the range of the policy text at fault.
 */

/** Something a conversion could not carry over exactly; `range` is in the input text. */
export interface FormatWarning {
  readonly message: string;
  readonly range?: SourceRange;
}

export interface PolicyImport {
  /** A `*.sandbox.yaml` document, with comments; parsePolicy accepts it without errors. */
  readonly policyText: string;
  readonly warnings: readonly FormatWarning[];
}

export interface FormatExport {
  readonly text: string;
  readonly warnings: readonly FormatWarning[];
}

/** The input is malformed or means nothing the studio can represent; `range` says where. */
export class FormatError extends Error {
  override readonly name = 'FormatError';
  constructor(
    message: string,
    readonly range?: SourceRange,
    /** The file `range` is in, when not the one being converted (an included file). */
    readonly file?: string,
  ) {
    super(message);
  }
}

export const DOCUMENT_START: SourceRange = {
  start: { line: 1, column: 1, offset: 0 },
  end: { line: 1, column: 1, offset: 0 },
};

/** The range of `line` (1-based) of `text`, columns `from`..`to` (1-based, end exclusive). */
export function lineRange(text: string, line: number, from = 1, to?: number): SourceRange {
  const lines = text.split('\n');
  const offset = lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0);
  const length = lines[line - 1]?.length ?? 0;
  const end = Math.max(from, Math.min(to ?? length + 1, length + 1));
  return {
    start: { line, column: from, offset: offset + from - 1 },
    end: { line, column: end, offset: offset + end - 1 },
  };
}

/** `FILE:LINE:COL: warning: message` (no position when the warning has none). */
export function formatWarningLine(file: string, warning: FormatWarning): string {
  const at = warning.range ? `:${warning.range.start.line}:${warning.range.start.column}` : '';
  return `${file}${at}: warning: ${warning.message}`;
}

/** `FILE:LINE:COL: error: message`. */
export function formatErrorLine(file: string, error: FormatError): string {
  if (error.file !== undefined) file = error.file;
  const at = error.range ? `:${error.range.start.line}:${error.range.start.column}` : '';
  return `${file}${at}: error: ${error.message}`;
}
