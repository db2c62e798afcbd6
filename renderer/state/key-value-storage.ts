/** The part of the Web Storage API the studio uses; `window.localStorage` is one. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * The page's localStorage (also there in Electron's renderer), or null where there is none or it
 * is refused (a sandboxed frame, storage disabled): the studio then runs without remembering.
 */
export function browserStorage(): KeyValueStorage | null {
  try {
    const storage = (globalThis as { localStorage?: KeyValueStorage }).localStorage;
    return storage ?? null;
  } catch {
    return null;
  }
}

/** A storage in memory, for tests and as a stand-in. */
export function memoryStorage(initial: Record<string, string> = {}): KeyValueStorage & {
  readonly entries: Map<string, string>;
} {
  const entries = new Map(Object.entries(initial));
  return {
    entries,
    getItem: (key) => entries.get(key) ?? null,
    setItem: (key, value) => void entries.set(key, String(value)),
    removeItem: (key) => void entries.delete(key),
  };
}

/** Reads a key; a storage that throws reads as empty. */
export function readItem(storage: KeyValueStorage, key: string): string | null {
  try {
    return storage.getItem(key);
  } catch {
    return null;
  }
}

/** Writes (or with null removes) a key; returns the error when the storage refused it (quota). */
export function writeItem(
  storage: KeyValueStorage,
  key: string,
  value: string | null,
): Error | null {
  try {
    if (value === null) storage.removeItem(key);
    else storage.setItem(key, value);
    return null;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
