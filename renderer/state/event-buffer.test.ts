import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkedBuffer } from './event-buffer';

describe('ChunkedBuffer', () => {
  it('starts empty', () => {
    const buffer = new ChunkedBuffer<number>(4);
    expect(buffer.length).toBe(0);
    expect(buffer.at(0)).toBeUndefined();
    expect(buffer.toArray()).toEqual([]);
  });

  it('appends across chunk boundaries and reads every index back', () => {
    const buffer = new ChunkedBuffer<number>(3);
    buffer.append([0, 1]);
    buffer.append([2, 3, 4, 5, 6]);
    buffer.append([]);
    buffer.append([7]);
    expect(buffer.length).toBe(8);
    expect(Array.from({ length: 8 }, (_, i) => buffer.at(i))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(buffer.toArray()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('answers undefined outside the range and for non-integer indices', () => {
    const buffer = new ChunkedBuffer<string>(2);
    buffer.append(['a', 'b', 'c']);
    expect(buffer.at(-1)).toBeUndefined();
    expect(buffer.at(3)).toBeUndefined();
    expect(buffer.at(1.5)).toBeUndefined();
    expect(buffer.at(Number.NaN)).toBeUndefined();
  });

  it('slices with clamping', () => {
    const buffer = new ChunkedBuffer<number>(2);
    buffer.append([0, 1, 2, 3, 4]);
    expect(buffer.slice(1, 4)).toEqual([1, 2, 3]);
    expect(buffer.slice(-5, 2)).toEqual([0, 1]);
    expect(buffer.slice(3, 99)).toEqual([3, 4]);
    expect(buffer.slice(4, 2)).toEqual([]);
  });

  it('never copies earlier chunks when appending (items keep their identity)', () => {
    const buffer = new ChunkedBuffer<{ n: number }>(2);
    const first = { n: 1 };
    buffer.append([first]);
    buffer.append(Array.from({ length: 10 }, (_, n) => ({ n })));
    expect(buffer.at(0)).toBe(first);
  });

  it('takes 100,000 items in batches quickly', () => {
    const buffer = new ChunkedBuffer<number>();
    const batch = Array.from({ length: 5000 }, (_, i) => i);
    const started = performance.now();
    for (let i = 0; i < 20; i++) buffer.append(batch);
    expect(buffer.length).toBe(100_000);
    expect(buffer.at(99_999)).toBe(4999);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('rejects a chunk size that is not a positive integer', () => {
    expect(() => new ChunkedBuffer(0)).toThrow(RangeError);
    expect(() => new ChunkedBuffer(2.5)).toThrow(RangeError);
  });

  it('behaves like one flat array for any batches and chunk size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.array(fc.array(fc.integer(), { maxLength: 12 }), { maxLength: 10 }),
        (chunkSize, batches) => {
          const buffer = new ChunkedBuffer<number>(chunkSize);
          for (const batch of batches) buffer.append(batch);
          const flat = batches.flat();
          expect(buffer.length).toBe(flat.length);
          expect(buffer.toArray()).toEqual(flat);
          flat.forEach((value, i) => expect(buffer.at(i)).toBe(value));
        },
      ),
    );
  });
});
