type NumberArray = Int32Array | Float64Array | Uint8Array;

/**
 * A growable typed array: one number per event, a few bytes each, so that indexes over a
 * million-event trace stay compact and are scanned at memory speed.
 */
export class Column<A extends NumberArray> {
  readonly #make: (capacity: number) => A;
  #data: A;
  #length = 0;

  constructor(make: (capacity: number) => A, capacity = 1024) {
    this.#make = make;
    this.#data = make(Math.max(1, capacity));
  }

  get length(): number {
    return this.#length;
  }

  push(value: number): void {
    if (this.#length === this.#data.length) {
      const grown = this.#make(this.#data.length * 2);
      grown.set(this.#data);
      this.#data = grown;
    }
    this.#data[this.#length++] = value;
  }

  /** The value at `index`; callers keep index within 0..length-1. */
  get(index: number): number {
    return this.#data[index] as number;
  }

  /** The values so far, without copying (valid until the next push). */
  view(): A {
    return this.#data.subarray(0, this.#length) as A;
  }
}

export const int32Column = (capacity?: number): Column<Int32Array> =>
  new Column((n) => new Int32Array(n), capacity);
export const float64Column = (capacity?: number): Column<Float64Array> =>
  new Column((n) => new Float64Array(n), capacity);
export const uint8Column = (capacity?: number): Column<Uint8Array> =>
  new Column((n) => new Uint8Array(n), capacity);
