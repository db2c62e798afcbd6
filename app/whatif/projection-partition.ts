import { ARG_WORDS } from './event-data';
import { growInt32 } from './growable';

/** Nested maps keyed by one argument word per level; the last level holds class numbers. */
type Trie = Map<number, Trie | number>;

/** What a partition reads from the trace index. */
export interface PartitionSource {
  /** The group's tuple ids, in the order they were first seen (it only grows). */
  readonly tuples: readonly number[];
  /** Argument words of every tuple, tuple `t` at `t * ARG_WORDS`. */
  words(): Uint32Array;
  /** Tuples without arguments (kernel audit records) belong to no class. */
  hasArgs(tuple: number): boolean;
}

/** A partition's class for a tuple that has no arguments. */
export const NO_CLASS = -1;

/**
 * The tuples of one syscall split into classes that agree on the given argument words (indices
 * 0..11 into a tuple's words): the filter can tell tuples of one class apart by nothing it reads,
 * so it runs once per class. Partitions depend on the words only, not on the filter, so one built
 * for a keystroke serves every later one that reads the same words; they grow with the trace.
 */
export class ProjectionPartition {
  readonly argWords: readonly number[];
  readonly #source: PartitionSource;
  readonly #classOf = growInt32();
  readonly #representatives: number[] = [];
  readonly #trie: Trie = new Map();

  constructor(source: PartitionSource, argWords: readonly number[]) {
    if (argWords.length === 0) throw new RangeError('a projection needs at least one word');
    this.#source = source;
    this.argWords = argWords;
  }

  /** Class of the tuple at `position` in the group's list (after `update`), or NO_CLASS. */
  classAt(position: number): number {
    return this.#classOf.at(position) ?? NO_CLASS;
  }

  /** Class per position (raw storage, valid up to `size` until the next `update`). */
  get classes(): Int32Array {
    return this.#classOf.data;
  }

  /** How many of the group's tuples are classified. */
  get size(): number {
    return this.#classOf.length;
  }

  /** One tuple id per class. */
  get representatives(): readonly number[] {
    return this.#representatives;
  }

  /** Classifies the tuples the group gained since the last call. */
  update(): void {
    const { tuples } = this.#source;
    const words = this.#source.words();
    for (let p = this.#classOf.length; p < tuples.length; p++) {
      const tuple = tuples[p] ?? -1;
      this.#classOf.push(this.#source.hasArgs(tuple) ? this.#classify(tuple, words) : NO_CLASS);
    }
  }

  #classify(tuple: number, words: Uint32Array): number {
    const at = tuple * ARG_WORDS;
    const last = this.argWords.length - 1;
    let node = this.#trie;
    for (let i = 0; i < last; i++) {
      const w = words[at + (this.argWords[i] ?? 0)] ?? 0;
      let next = node.get(w);
      if (next === undefined) node.set(w, (next = new Map()));
      node = next as Trie;
    }
    const w = words[at + (this.argWords[last] ?? 0)] ?? 0;
    const known = node.get(w);
    if (known !== undefined) return known as number;
    const id = this.#representatives.length;
    this.#representatives.push(tuple);
    node.set(w, id);
    return id;
  }
}
