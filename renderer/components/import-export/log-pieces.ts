import { FormatError } from '../../../app/formats/format-result';

/*
 * An input to import (pasted text, a file's bytes, or a file not read into memory) as pieces of
 * text, a few at a time: a 100 MB strace log is read with Blob.slice, never as one string. Bytes
 * are decoded as UTF-8 across slices (a character split between two slices is joined), and a
 * piece never splits a UTF-16 surrogate pair.
 */

/** What the user gave to import, as far as reading it goes (see conversions.ts ImportInput). */
export interface PieceSource {
  readonly name: string;
  readonly content: Uint8Array | string;
  /** A file too large to read at once: read a slice at a time. */
  readonly file?: Blob;
}

export interface LogPiece {
  readonly text: string;
  /** How much of the input has been read with this piece, 0 to 1. */
  readonly fraction: number;
}

/** Bytes read from a file at a time. */
export const FILE_SLICE_BYTES = 1024 * 1024;

/** The input's text in pieces of at most `maxChars` characters. FormatError when not UTF-8. */
export async function* logPieces(source: PieceSource, maxChars: number): AsyncGenerator<LogPiece> {
  if (source.file) {
    yield* filePieces(source.name, source.file, maxChars);
    return;
  }
  const text = typeof source.content === 'string' ? source.content : decode(source);
  let from = 0;
  for (const piece of split(text, maxChars)) {
    from += piece.length;
    yield { text: piece, fraction: text.length === 0 ? 1 : from / text.length };
  }
}

async function* filePieces(name: string, file: Blob, maxChars: number): AsyncGenerator<LogPiece> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let start = 0; start < file.size; start += FILE_SLICE_BYTES) {
    const end = Math.min(file.size, start + FILE_SLICE_BYTES);
    const bytes = new Uint8Array(await file.slice(start, end).arrayBuffer());
    const text = decodeOrFail(name, () => decoder.decode(bytes, { stream: end < file.size }));
    const pieces = split(text, maxChars);
    for (const [i, piece] of pieces.entries()) {
      // A slice's pieces share its progress: the last one says the slice was read.
      const read = i === pieces.length - 1 ? end : start;
      yield { text: piece, fraction: read / file.size };
    }
  }
}

function decode(source: PieceSource): string {
  return decodeOrFail(source.name, () =>
    new TextDecoder('utf-8', { fatal: true }).decode(source.content as Uint8Array),
  );
}

function decodeOrFail(name: string, decode: () => string): string {
  try {
    return decode();
  } catch {
    throw new FormatError(`${name} is not UTF-8 text`);
  }
}

/** `text` in pieces of at most `maxChars` UTF-16 units, never between the two of a pair. */
export function split(text: string, maxChars: number): string[] {
  const pieces: string[] = [];
  for (let from = 0; from < text.length;) {
    let end = Math.min(text.length, from + maxChars);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff && end - 1 > from) end -= 1;
    pieces.push(text.slice(from, end));
    from = end;
  }
  return pieces;
}
