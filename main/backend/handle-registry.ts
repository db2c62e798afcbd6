import { randomBytes } from 'node:crypto';

export interface HandleEntry {
  readonly handle: string;
  readonly path: string;
  readonly name: string;
}

/**
 * The files the renderer may touch: opaque random handles issued by the backend for paths the
 * user chose (a dialog, or the workspace listing). The renderer never sends a path.
 */
export class HandleRegistry {
  readonly #byHandle = new Map<string, HandleEntry>();
  readonly #byPath = new Map<string, HandleEntry>();

  /** The handle of `path`, issuing one the first time (so listings are stable). */
  issue(path: string, name: string): HandleEntry {
    const known = this.#byPath.get(path);
    if (known && known.name === name) return known;
    const entry = { handle: known?.handle ?? randomBytes(16).toString('base64url'), path, name };
    this.#byHandle.set(entry.handle, entry);
    this.#byPath.set(path, entry);
    return entry;
  }

  /** Throws for handles this backend never issued. */
  resolve(handle: string): HandleEntry {
    const entry = this.#byHandle.get(handle);
    if (!entry) throw new Error('unknown file handle (choose the file again)');
    return entry;
  }

  handleOf(path: string): string | undefined {
    return this.#byPath.get(path)?.handle;
  }

  entries(): readonly HandleEntry[] {
    return [...this.#byHandle.values()];
  }
}
