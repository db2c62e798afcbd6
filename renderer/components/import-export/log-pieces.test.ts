import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../../app/formats/format-result';
import { FILE_SLICE_BYTES, logPieces, split, type LogPiece } from './log-pieces';

async function all(pieces: AsyncIterable<LogPiece>): Promise<LogPiece[]> {
  const out: LogPiece[] = [];
  for await (const piece of pieces) out.push(piece);
  return out;
}

describe('split', () => {
  it('cuts text into pieces of at most maxChars, never inside a surrogate pair', () => {
    expect(split('abcdefg', 3)).toEqual(['abc', 'def', 'g']);
    expect(split('ab😀cd', 3)).toEqual(['ab', '😀c', 'd']);
    expect(split('', 3)).toEqual([]);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.integer({ min: 2, max: 9 }), (text, max) => {
        const pieces = split(text, max);
        expect(pieces.join('')).toBe(text);
        for (const piece of pieces) {
          expect(piece.length).toBeLessThanOrEqual(max);
          expect(piece.length).toBeGreaterThan(0);
          expect(/^[\udc00-\udfff]/.test(piece)).toBe(false);
        }
      }),
    );
  });
});

describe('logPieces', () => {
  it('gives pasted text and bytes in pieces, with how far it got', async () => {
    expect(await all(logPieces({ name: 'p', content: 'abcdef' }, 4))).toEqual([
      { text: 'abcd', fraction: 4 / 6 },
      { text: 'ef', fraction: 1 },
    ]);
    const bytes = new TextEncoder().encode('héllo');
    expect((await all(logPieces({ name: 'b', content: bytes }, 10))).map((p) => p.text)).toEqual([
      'héllo',
    ]);
    expect(await all(logPieces({ name: 'e', content: '' }, 4))).toEqual([]);
  });

  it('reads a file a slice at a time, joining characters split between slices', async () => {
    // A three-byte character across the first slice boundary.
    const text = `${'a'.repeat(FILE_SLICE_BYTES - 1)}€${'b'.repeat(FILE_SLICE_BYTES)}`;
    const file = new Blob([text]);
    const pieces = await all(logPieces({ name: 'f', content: '', file }, 256 * 1024));
    expect(pieces.map((p) => p.text).join('')).toBe(text);
    expect(pieces.every((p) => p.text.length <= 256 * 1024)).toBe(true);
    const fractions = pieces.map((p) => p.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBe(1);
  });

  it('refuses what is not UTF-8, in a file too', async () => {
    const bad = new Uint8Array([0x61, 0xff]);
    await expect(all(logPieces({ name: 'x.bin', content: bad }, 4))).rejects.toThrow(FormatError);
    const cut = new Blob([new Uint8Array([0x61, 0xe2, 0x82])]);
    await expect(all(logPieces({ name: 'cut.log', content: '', file: cut }, 4))).rejects.toThrow(
      'cut.log is not UTF-8 text',
    );
  });
});
