import { Scalar } from 'yaml';
import type { Locate } from './condition-syntax';
import { nodeRange, offsetRange, type YamlSource } from './yaml-source';

/**
 * Where each character of a YAML string scalar's value comes from in the text. Quotes, escapes
 * (`\"`, `''`, `\x41`), line folding and block indentation all move characters, and a diagnostic
 * inside a condition must underline the characters the user typed.
 */

interface Piece {
  readonly text: string;
  readonly offset: number;
  /** How many source characters produced `text`: 2 for `''` or `\n`, 4 for `\x41`. */
  readonly length: number;
  /** Escaped whitespace is content: line folding never strips it. */
  readonly escaped?: boolean;
}

/** The source span of each character of a scalar's value. */
export interface ScalarSpans {
  readonly starts: readonly number[];
  readonly ends: readonly number[];
}

/**
 * The source span of each value character, or undefined when the scalar is not a string or the
 * decoding here disagrees with yaml's (then callers underline the whole scalar instead).
 */
export function scalarSpans(text: string, node: Scalar): ScalarSpans | undefined {
  if (typeof node.value !== 'string' || !node.range) return undefined;
  const [start, end] = node.range;
  const pieces = decode(text, start, end, node.type);
  if (!pieces) return undefined;
  const starts: number[] = [];
  const ends: number[] = [];
  let value = '';
  for (const piece of pieces) {
    value += piece.text;
    for (let i = 0; i < piece.text.length; i++) {
      starts.push(piece.offset);
      ends.push(piece.offset + piece.length);
    }
  }
  return value === node.value ? { starts, ends } : undefined;
}

/** A Locate for a condition written in `node`; falls back to the whole node when unmappable. */
export function locateInScalar(source: YamlSource, node: Scalar): Locate {
  const spans = scalarSpans(source.text, node);
  const whole = nodeRange(source, node);
  if (!spans || spans.starts.length === 0) return () => whole;
  const { starts, ends } = spans;
  const last = starts.length - 1;
  const startOf = (index: number) => (index > last ? ends[last]! : starts[Math.max(0, index)]!);
  return (start, end) => {
    const from = startOf(start);
    const to = end <= start ? from : ends[Math.min(end - 1, last)]!;
    return offsetRange(source, from, to);
  };
}

function decode(
  text: string,
  start: number,
  end: number,
  type: Scalar['type'],
): Piece[] | undefined {
  switch (type) {
    case Scalar.PLAIN:
      return fold(text, start, end, () => undefined);
    case Scalar.QUOTE_SINGLE:
      return fold(text, start + 1, end - 1, singleQuoteEscape);
    case Scalar.QUOTE_DOUBLE:
      return fold(text, start + 1, end - 1, doubleQuoteEscape);
    case Scalar.BLOCK_LITERAL:
    case Scalar.BLOCK_FOLDED:
      return block(text, start, end, type === Scalar.BLOCK_FOLDED);
    default:
      return undefined;
  }
}

/** An escape at `at`: the piece it decodes to, or `joinsLine` for `\` before a line break. */
type Escape = (
  text: string,
  at: number,
  end: number,
) => { readonly piece?: Piece; readonly joinsLine?: boolean } | undefined;

const singleQuoteEscape: Escape = (text, at, end) =>
  text[at] === "'" && at + 1 < end && text[at + 1] === "'"
    ? { piece: { text: "'", offset: at, length: 2 } }
    : undefined;

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};

const HEX_DIGITS: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

const doubleQuoteEscape: Escape = (text, at, end) => {
  if (text[at] !== '\\' || at + 1 >= end) return undefined;
  const kind = text[at + 1]!;
  if (kind === '\n' || kind === '\r') return { joinsLine: true };
  const simple = SIMPLE_ESCAPES[kind];
  if (simple !== undefined)
    return { piece: { text: simple, offset: at, length: 2, escaped: true } };
  const digits = HEX_DIGITS[kind];
  if (digits === undefined) return undefined;
  const hex = text.slice(at + 2, at + 2 + digits);
  if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex)) return undefined;
  const code = parseInt(hex, 16);
  if (code > 0x10ffff) return undefined;
  const char = String.fromCodePoint(code);
  return { piece: { text: char, offset: at, length: 2 + digits, escaped: true } };
};

function isBlank(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t';
}

function isBreak(ch: string | undefined): boolean {
  return ch === '\n' || ch === '\r';
}

/**
 * Flow scalar content with YAML's line folding: blanks before a line break are dropped, a single
 * break becomes a space, n empty lines become n line feeds, the next line's leading blanks go.
 */
function fold(text: string, start: number, end: number, escape: Escape): Piece[] {
  const pieces: Piece[] = [];
  let at = start;
  while (at < end) {
    const esc = escape(text, at, end);
    if (esc?.joinsLine) {
      at = skipBlanks(text, skipBreak(text, at + 1), end);
    } else if (esc?.piece) {
      pieces.push(esc.piece);
      at += esc.piece.length;
    } else if (isBreak(text[at])) {
      at = foldBreak(text, at, end, pieces);
    } else {
      pieces.push({ text: text[at]!, offset: at, length: 1 });
      at++;
    }
  }
  return pieces;
}

/** Folds the line break at `at` (and any empty lines after it); returns where content resumes. */
function foldBreak(text: string, at: number, end: number, pieces: Piece[]): number {
  dropTrailingBlanks(pieces);
  const breakAt = at;
  let next = skipBreak(text, at);
  let empty = 0;
  for (;;) {
    const lineStart = skipBlanks(text, next, end);
    if (lineStart >= end || !isBreak(text[lineStart])) {
      pieces.push({ text: empty === 0 ? ' ' : '\n'.repeat(empty), offset: breakAt, length: 1 });
      return lineStart;
    }
    empty++;
    next = skipBreak(text, lineStart);
  }
}

function dropTrailingBlanks(pieces: Piece[]): void {
  while (pieces.length > 0) {
    const last = pieces[pieces.length - 1]!;
    if (last.escaped || !isBlank(last.text)) return;
    pieces.pop();
  }
}

function skipBreak(text: string, at: number): number {
  return text[at] === '\r' && text[at + 1] === '\n' ? at + 2 : at + 1;
}

function skipBlanks(text: string, at: number, end: number): number {
  while (at < end && isBlank(text[at])) at++;
  return at;
}

interface Line {
  readonly start: number;
  readonly end: number;
}

/**
 * `|` and `>` scalars with auto-detected indentation (an explicit indentation indicator is left
 * to the whole-scalar fallback). Folding in `>`: a break between two normal lines is a space,
 * empty lines give line feeds, more-indented lines keep their breaks.
 */
function block(text: string, start: number, end: number, folded: boolean): Piece[] | undefined {
  const headerEnd = text.indexOf('\n', start);
  const header = /^[|>]([-+]?)(?:[ \t]|#|$)/.exec(
    text.slice(start, headerEnd === -1 ? end : headerEnd),
  );
  if (!header) return undefined;
  if (headerEnd === -1 || headerEnd >= end) return [];
  const chomp = header[1] ?? '';
  const lines = splitLines(text, headerEnd + 1, end);
  const first = lines.find((l) => text.slice(l.start, l.end).trim() !== '');
  const indent = first ? skipSpaces(text, first.start, first.end) - first.start : 0;
  const content = first
    ? lines.map((l) => ({ start: Math.min(l.start + indent, l.end), end: l.end }))
    : [];
  while (content.length > 0 && isEmpty(content[content.length - 1]!)) content.pop();
  const pieces: Piece[] = [];
  content.forEach((line, i) => {
    if (i > 0) pieces.push(...lineJoin(text, content, i, folded));
    for (let at = line.start; at < line.end; at++) {
      pieces.push({ text: text[at]!, offset: at, length: 1 });
    }
  });
  const tail = content[content.length - 1]?.end ?? headerEnd + 1;
  const breaks = text.slice(tail, end).split('\n').length - 1;
  const kept =
    chomp === '+' ? breaks : chomp === '' && content.length > 0 ? Math.min(1, breaks) : 0;
  if (kept > 0) pieces.push({ text: '\n'.repeat(kept), offset: tail, length: 1 });
  return pieces;
}

function splitLines(text: string, start: number, end: number): Line[] {
  const lines: Line[] = [];
  for (let at = start; at < end;) {
    const found = text.indexOf('\n', at);
    const lineEnd = found === -1 || found > end ? end : found;
    lines.push({ start: at, end: text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd });
    at = lineEnd + 1;
  }
  return lines;
}

function skipSpaces(text: string, at: number, end: number): number {
  while (at < end && text[at] === ' ') at++;
  return at;
}

function isEmpty(line: Line): boolean {
  return line.start >= line.end;
}

/** What joins line i to the line before it. */
function lineJoin(text: string, lines: readonly Line[], i: number, folded: boolean): Piece[] {
  const previous = lines[i - 1]!;
  const line = lines[i]!;
  const newline: Piece = { text: '\n', offset: previous.end, length: 1 };
  if (!folded) return [newline];
  const normal = (l: Line) => !isEmpty(l) && !isBlank(text[l.start]);
  if (normal(previous) && normal(line)) return [{ ...newline, text: ' ' }];
  // The break after a normal line that empty lines follow is folded away; they carry the feeds.
  if (normal(previous) && isEmpty(line)) {
    let next = i;
    while (next < lines.length && isEmpty(lines[next]!)) next++;
    if (next < lines.length && normal(lines[next]!)) return [];
  }
  return [newline];
}
