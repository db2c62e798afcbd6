import type { SourceRange } from '../policy/source-range';
import { FormatError, lineRange } from './format-result';

/*
 * The syntax of systemd unit files and drop-ins (systemd.syntax(7)): `[Section]` headers,
 * `Key=Value` assignments, `#` and `;` comment lines, a trailing backslash continuing a line
 * (comment lines inside a continuation are skipped). Each assignment keeps the range of its value.
 */

export interface UnitAssignment {
  readonly section: string;
  readonly key: string;
  /** The value with continuations joined by a space, outer whitespace trimmed. */
  readonly value: string;
  /** The whole assignment (first line, from the key). */
  readonly range: SourceRange;
  /** Just the value on its first line, for messages about it. */
  readonly valueRange: SourceRange;
}

const SECTION = /^\[([^[\]]+)\]\s*$/;
const KEY = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

function isComment(line: string): boolean {
  const trimmed = line.trimStart();
  return trimmed.startsWith('#') || trimmed.startsWith(';');
}

/** Joins backslash continuations; returns the logical line and the index of its last line. */
function logicalLine(lines: readonly string[], start: number): { text: string; end: number } {
  let text = lines[start] ?? '';
  let index = start;
  while (text.endsWith('\\') && index + 1 < lines.length) {
    text = text.slice(0, -1);
    index++;
    const next = lines[index] ?? '';
    if (isComment(next)) continue;
    text += ` ${next.trim()}`;
  }
  if (text.endsWith('\\')) text = text.slice(0, -1);
  return { text, end: index };
}

/** Every assignment of the unit text, in order. Throws FormatError at the first bad line. */
export function parseUnitFile(text: string): UnitAssignment[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const out: UnitAssignment[] = [];
  let section: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const lineNo = i + 1;
    if (raw.trim() === '' || isComment(raw)) continue;
    const header = SECTION.exec(raw.trim());
    if (header) {
      section = header[1]!;
      continue;
    }
    if (raw.trimStart().startsWith('[')) {
      throw new FormatError(`malformed section header "${raw.trim()}"`, lineRange(text, lineNo));
    }
    const { text: logical, end } = logicalLine(lines, i);
    const eq = logical.indexOf('=');
    if (eq < 0) {
      throw new FormatError(
        `expected Key=Value, got "${raw.trim()}"`,
        lineRange(text, lineNo, raw.length - raw.trimStart().length + 1),
      );
    }
    const key = logical.slice(0, eq).trim();
    const keyColumn = raw.length - raw.trimStart().length + 1;
    if (!KEY.test(key)) {
      throw new FormatError(`"${key}" is not a valid key name`, lineRange(text, lineNo, keyColumn));
    }
    if (section === undefined) {
      throw new FormatError(
        `${key}= comes before any [Section] header`,
        lineRange(text, lineNo, keyColumn),
      );
    }
    const valueStart = raw.indexOf('=') + 2;
    const value = logical.slice(eq + 1).trim();
    const leading = raw.slice(valueStart - 1).length - raw.slice(valueStart - 1).trimStart().length;
    out.push({
      section,
      key,
      value,
      range: lineRange(text, lineNo, keyColumn),
      valueRange: lineRange(text, lineNo, valueStart + leading),
    });
    i = end;
  }
  return out;
}

/** systemd's boolean words (parse_boolean). */
export function parseUnitBoolean(value: string): boolean | undefined {
  const word = value.toLowerCase();
  if (['1', 'yes', 'y', 'true', 't', 'on'].includes(word)) return true;
  if (['0', 'no', 'n', 'false', 'f', 'off'].includes(word)) return false;
  return undefined;
}
