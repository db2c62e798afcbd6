import type { IncludeReader } from '../../app/policy/parse';

/** An included file's text, or why the backend could not read it. */
export type IncludeResult = string | { readonly error: string };

/** Asks the backend for a file that the policy `handle` includes (files.readInclude). */
export type FetchInclude = (handle: string, path: string) => Promise<IncludeResult>;

/** What the reader answers while a file is on its way: include-diagnostics.ts shows it as info. */
export const INCLUDE_LOADING = 'loading…';

interface Entry {
  result?: IncludeResult;
  /** The file may have changed since `result` was read: read it again, showing `result` meanwhile. */
  stale: boolean;
  loading: boolean;
  /** Bumped by invalidate(), so that an answer requested before it counts as stale. */
  generation: number;
}

/**
 * The files included by the policies open in the editor, per document handle and include path.
 * The parser reads includes synchronously, the backend answers asynchronously: a read of a file
 * not here yet answers INCLUDE_LOADING and fetches it, and listeners hear when an answer changed
 * what a read would return, to parse again.
 */
export class IncludeCache {
  readonly #fetch: FetchInclude;
  readonly #byHandle = new Map<string, Map<string, Entry>>();
  readonly #listeners = new Set<(handle: string) => void>();

  constructor(fetch: FetchInclude) {
    this.#fetch = fetch;
  }

  /** The parser's reader for the policy `handle`. */
  reader(handle: string): IncludeReader {
    return (path) => {
      const entry = this.#entry(handle, path);
      if (entry.result === undefined || entry.stale) this.#load(handle, path, entry);
      return entry.result ?? { error: INCLUDE_LOADING };
    };
  }

  /**
   * The included files of `handle` may have changed (the policy was opened or saved again): the
   * next reads fetch them again, answering what was read before until the new answer is in.
   */
  invalidate(handle: string): void {
    for (const entry of this.#byHandle.get(handle)?.values() ?? []) {
      entry.stale = true;
      entry.generation++;
    }
  }

  /** Called with the handle whose includes changed; returns a function that unsubscribes. */
  subscribe(listener: (handle: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #entry(handle: string, path: string): Entry {
    let entries = this.#byHandle.get(handle);
    if (!entries) this.#byHandle.set(handle, (entries = new Map()));
    let entry = entries.get(path);
    if (!entry) entries.set(path, (entry = { stale: false, loading: false, generation: 0 }));
    return entry;
  }

  #load(handle: string, path: string, entry: Entry): void {
    if (entry.loading) return;
    entry.loading = true;
    entry.stale = false;
    const generation = entry.generation;
    const settle = (result: IncludeResult, retry: boolean): void => {
      entry.loading = false;
      entry.stale = retry || entry.generation !== generation;
      const changed = !sameResult(entry.result, result);
      entry.result = result;
      if (changed) this.#notify(handle);
    };
    this.#fetch(handle, path).then(
      (result) => settle(result, false),
      // Not an answer about the file: ask again at the next parse (no loop: same error, no news).
      (error: unknown) => settle({ error: `cannot reach the backend: ${messageOf(error)}` }, true),
    );
  }

  #notify(handle: string): void {
    for (const listener of this.#listeners) listener(handle);
  }
}

function sameResult(a: IncludeResult | undefined, b: IncludeResult): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a !== undefined && a.error === b.error;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
