/** Small helpers for editing YAML text by offsets, so everything not edited stays byte-identical. */

export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly insert: string;
}

export function applyEdit(text: string, edit: TextEdit): string {
  return text.slice(0, edit.start) + edit.insert + text.slice(edit.end);
}

export function newlineOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset of the line break ending the line that contains `offset` (before a `\r\n`). */
export function lineEnd(text: string, offset: number): number {
  const lf = text.indexOf('\n', offset);
  if (lf === -1) return text.length;
  return lf > 0 && text[lf - 1] === '\r' ? lf - 1 : lf;
}

/** 0-based column of an offset. */
export function columnOf(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

export function lineOf(text: string, offset: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** End of the meaningful text in [start, end): trailing spaces and line breaks dropped. */
export function contentEnd(text: string, start: number, end: number): number {
  return start + text.slice(start, end).trimEnd().length;
}

/**
 * Start of the comment lines directly above `offset`'s line (no blank line between): comments
 * that describe an entry move with it when something is inserted before that entry.
 */
export function commentBlockStart(text: string, offset: number): number {
  let start = lineStart(text, offset);
  while (start > 0) {
    const previous = lineStart(text, start - 1);
    if (!text.slice(previous, start).trimStart().startsWith('#')) break;
    start = previous;
  }
  return start;
}

const MAX_LINE = 100;

/**
 * Flow-sequence items appended after a line position, wrapped before `MAX_LINE` with continuation
 * lines aligned at `alignColumn`. `first` says whether no item precedes them on the list.
 */
export function flowItems(
  names: readonly string[],
  startColumn: number,
  alignColumn: number,
  first: boolean,
  newline: string,
): string {
  let out = '';
  let column = startColumn;
  names.forEach((name, index) => {
    const separator = first && index === 0 ? '' : ', ';
    if (column + separator.length + name.length + 1 > MAX_LINE && column > alignColumn) {
      const wrap = `${separator.trimEnd()}${newline}${' '.repeat(alignColumn)}`;
      out += wrap + name;
      column = alignColumn + name.length;
    } else {
      out += separator + name;
      column += separator.length + name.length;
    }
  });
  return out;
}

/**
 * Where a map entry starts given where its key starts: a tag or anchor before the key
 * (`!!str key:`, `&k key:`) belongs to the entry and sets the mapping's indentation.
 */
export function entryStart(text: string, keyStart: number): number {
  let start = keyStart;
  for (;;) {
    let end = start;
    while (end > 0 && text[end - 1] === ' ') end--;
    let begin = end;
    while (begin > 0 && !/\s/.test(text[begin - 1]!)) begin--;
    const token = text.slice(begin, end);
    if (begin === end || !(token.startsWith('!') || token.startsWith('&'))) return start;
    start = begin;
  }
}
