type TypedArray = Int32Array | Uint32Array | Uint8Array;

/**
 * An append-only typed array that doubles its storage when full: a trace index holds one entry
 * per event, and a run may bring a million of them in batches.
 */
export class Growable<T extends TypedArray> {
  #data: T;
  #length = 0;
  readonly #make: (capacity: number) => T;

  constructor(make: (capacity: number) => T, initialCapacity = 1024) {
    this.#make = make;
    this.#data = make(Math.max(1, initialCapacity));
  }

  get length(): number {
    return this.#length;
  }

  /** The storage; entries from `length` on are unused. Valid until the next `push`/`reserve`. */
  get data(): T {
    return this.#data;
  }

  /** Makes room for `more` entries beyond `length`, so pushes do not reallocate. */
  reserve(more: number): void {
    const needed = this.#length + more;
    if (needed <= this.#data.length) return;
    let capacity = this.#data.length;
    while (capacity < needed) capacity *= 2;
    const next = this.#make(capacity);
    next.set(this.#data.subarray(0, this.#length));
    this.#data = next;
  }

  push(value: number): void {
    if (this.#length === this.#data.length) this.reserve(1);
    this.#data[this.#length] = value;
    this.#length += 1;
  }

  /** Appends `count` zero entries; returns where they start (write them through `data`). */
  extend(count: number): number {
    this.reserve(count);
    const start = this.#length;
    this.#data.fill(0, start, start + count);
    this.#length += count;
    return start;
  }

  at(index: number): number | undefined {
    return index >= 0 && index < this.#length ? this.#data[index] : undefined;
  }
}

export const growInt32 = (capacity?: number) => new Growable((n) => new Int32Array(n), capacity);
export const growUint32 = (capacity?: number) => new Growable((n) => new Uint32Array(n), capacity);
export const growUint8 = (capacity?: number) => new Growable((n) => new Uint8Array(n), capacity);
