import { ARG_WORDS } from './event-data';

/** Fields of a tuple besides its argument words that tell tuples apart. */
export interface TupleHead {
  readonly audit: number;
  readonly nr: number;
  readonly observed: number;
  readonly flags: number;
}

/** What the table compares candidates against: the stored tuples. */
export interface TupleStore {
  headEquals(tuple: number, head: TupleHead): boolean;
  /** Argument words of every tuple, tuple `t` at `t * ARG_WORDS`. */
  readonly words: Uint32Array;
}

const EMPTY = -1;

function mix(h: number, value: number): number {
  return Math.imul(h ^ value, 0x01000193) >>> 0;
}

/** FNV-1a over 32-bit words, then a final avalanche so that the low bits index well. */
export function hashTuple(head: TupleHead, words: Uint32Array, at: number): number {
  let h = 0x811c9dc5;
  h = mix(h, head.audit);
  h = mix(h, head.nr);
  h = mix(h, head.observed);
  h = mix(h, head.flags);
  for (let i = 0; i < ARG_WORDS; i++) h = mix(h, words[at + i] ?? 0);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  return (h ^ (h >>> 13)) >>> 0;
}

/**
 * Open-addressing hash set of tuple ids, keyed by their fields and argument words: finding an
 * event's tuple allocates nothing, which matters at a million events (string keys made the
 * garbage collector the main cost).
 */
export class TupleTable {
  #slots = new Int32Array(1 << 12).fill(EMPTY);
  #hashes = new Uint32Array(1 << 12);
  #size = 0;

  /** The tuple equal to (head, words at `at` in `scratch`), or -1. */
  find(store: TupleStore, head: TupleHead, scratch: Uint32Array, at: number, hash: number): number {
    const mask = this.#slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const tuple = this.#slots[slot] ?? EMPTY;
      if (tuple === EMPTY) return -1;
      if (this.#hashes[slot] === hash && store.headEquals(tuple, head)) {
        if (sameWords(store.words, tuple * ARG_WORDS, scratch, at)) return tuple;
      }
    }
  }

  insert(tuple: number, hash: number): void {
    if ((this.#size + 1) * 2 > this.#slots.length) this.#grow();
    this.#place(tuple, hash);
    this.#size += 1;
  }

  #place(tuple: number, hash: number): void {
    const mask = this.#slots.length - 1;
    let slot = hash & mask;
    while (this.#slots[slot] !== EMPTY) slot = (slot + 1) & mask;
    this.#slots[slot] = tuple;
    this.#hashes[slot] = hash;
  }

  #grow(): void {
    const slots = this.#slots;
    const hashes = this.#hashes;
    this.#slots = new Int32Array(slots.length * 2).fill(EMPTY);
    this.#hashes = new Uint32Array(slots.length * 2);
    for (let i = 0; i < slots.length; i++) {
      const tuple = slots[i] ?? EMPTY;
      if (tuple !== EMPTY) this.#place(tuple, hashes[i] ?? 0);
    }
  }
}

function sameWords(a: Uint32Array, at: number, b: Uint32Array, bt: number): boolean {
  for (let i = 0; i < ARG_WORDS; i++) if (a[at + i] !== b[bt + i]) return false;
  return true;
}
