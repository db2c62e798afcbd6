/**
 * An append-only list of run events stored in fixed-size chunks, so that appending a batch never
 * copies what is already there (a run can produce hundreds of thousands of events). Readers notice
 * growth through `length`; the stores publish a version number next to it for React.
 */
export class ChunkedBuffer<T> {
  readonly #chunkSize: number;
  readonly #chunks: T[][] = [];
  #length = 0;

  constructor(chunkSize = 4096) {
    if (!Number.isInteger(chunkSize) || chunkSize < 1) {
      throw new RangeError(`chunk size must be a positive integer, got ${chunkSize}`);
    }
    this.#chunkSize = chunkSize;
  }

  get length(): number {
    return this.#length;
  }

  append(items: readonly T[]): void {
    for (const item of items) {
      let last = this.#chunks.at(-1);
      if (!last || last.length === this.#chunkSize) {
        last = [];
        this.#chunks.push(last);
      }
      last.push(item);
    }
    this.#length += items.length;
  }

  /** The item at `index`, or undefined outside 0..length-1. */
  at(index: number): T | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.#length) return undefined;
    return this.#chunks[Math.floor(index / this.#chunkSize)]?.[index % this.#chunkSize];
  }

  /** Items start..end-1 (clamped), e.g. the rows in view. */
  slice(start: number, end: number): T[] {
    const from = Math.max(0, Math.floor(start));
    const to = Math.min(this.#length, Math.ceil(end));
    const items: T[] = [];
    for (let i = from; i < to; i++) items.push(this.at(i) as T);
    return items;
  }

  /** One flat copy, for whole-run computations done once (the verdict). */
  toArray(): T[] {
    return this.#chunks.flat();
  }
}
