import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

const NEWLINE = 0x0a;
/** A line longer than this is not one of ours (events are at most a few hundred kilobytes). */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** Opens a file for reading without following a symbolic link in its last component. */
export function openForReading(path: string): Promise<FileHandle> {
  return open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
}

export interface LineBlock {
  /** Complete lines (without their newline), in order. */
  readonly lines: readonly string[];
  /** Where the next block starts: just after the last line returned. */
  readonly next: number;
  /** Bytes after the last newline at the end of the file: a line cut short by a crash, or ''. */
  readonly tail: string;
}

/**
 * Reads whole lines from `offset`: at most `maxLines` of them and about `maxBytes` (more only
 * when one line is longer). A file that does not end with a newline has its last bytes in `tail`.
 */
export async function readLines(
  file: FileHandle,
  offset: number,
  size: number,
  limits: { readonly maxBytes: number; readonly maxLines: number },
): Promise<LineBlock> {
  let want = Math.min(limits.maxBytes, size - offset);
  for (;;) {
    const bytes = Buffer.alloc(want);
    const { bytesRead } = await file.read(bytes, 0, want, offset);
    const atEnd = offset + bytesRead >= size;
    const lastNewline = bytes.lastIndexOf(NEWLINE, bytesRead - 1);
    if (lastNewline < 0 && !atEnd) {
      if (want >= MAX_LINE_BYTES) {
        throw new Error(`the line at byte ${offset} is longer than ${MAX_LINE_BYTES} bytes`);
      }
      want = Math.min(want * 2, MAX_LINE_BYTES, size - offset);
      continue;
    }
    return splitLines(bytes, bytesRead, offset, atEnd, limits.maxLines);
  }
}

function splitLines(
  bytes: Buffer,
  length: number,
  offset: number,
  atEnd: boolean,
  maxLines: number,
): LineBlock {
  const lines: string[] = [];
  let start = 0;
  while (lines.length < maxLines) {
    const end = bytes.indexOf(NEWLINE, start);
    if (end < 0 || end >= length) break;
    lines.push(bytes.toString('utf8', start, end));
    start = end + 1;
  }
  const tailed = atEnd && lines.length < maxLines && start < length;
  const tail = tailed ? bytes.toString('utf8', start, length) : '';
  return { lines, next: offset + (tailed ? length : start), tail };
}

/** Whether `offset` is where a line starts (0, or just after a newline). */
export async function isLineStart(
  file: FileHandle,
  offset: number,
  size: number,
): Promise<boolean> {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > size) return false;
  if (offset === 0) return true;
  const byte = Buffer.alloc(1);
  await file.read(byte, 0, 1, offset - 1);
  return byte[0] === NEWLINE;
}

/** The file's first line (the run file header), up to MAX_LINE_BYTES. */
export async function readFirstLine(file: FileHandle, size: number): Promise<LineBlock> {
  return readLines(file, 0, size, { maxBytes: 64 * 1024, maxLines: 1 });
}

/** The file's last complete line, if it has one after `minOffset` (the end record). */
export async function readLastLine(
  file: FileHandle,
  minOffset: number,
  size: number,
): Promise<string | undefined> {
  if (size <= minOffset) return undefined;
  let want = Math.min(64 * 1024, size - minOffset);
  for (;;) {
    const start = size - want;
    const bytes = Buffer.alloc(want);
    const { bytesRead } = await file.read(bytes, 0, want, start);
    if (bytes[bytesRead - 1] !== NEWLINE) return undefined; // the last line was cut short
    const previous = bytes.lastIndexOf(NEWLINE, bytesRead - 2);
    if (previous >= 0) return bytes.toString('utf8', previous + 1, bytesRead - 1);
    if (start <= minOffset) return bytes.toString('utf8', 0, bytesRead - 1);
    if (want >= MAX_LINE_BYTES) return undefined;
    want = Math.min(want * 2, MAX_LINE_BYTES, size - minOffset);
  }
}
