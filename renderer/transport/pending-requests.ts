interface Pending {
  readonly method: string;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

/** Requests sent over the socket that wait for their response, by request id. */
export class PendingRequests {
  readonly #byId = new Map<number, Pending>();
  #nextId = 1;

  get size(): number {
    return this.#byId.size;
  }

  /** Allocates an id; the promise settles with settle() or failAll(). */
  open(method: string): { id: number; result: Promise<unknown> } {
    const id = this.#nextId++;
    const result = new Promise<unknown>((resolve, reject) => {
      this.#byId.set(id, { method, resolve, reject });
    });
    return { id, result };
  }

  /** Returns false for a response nobody waits for (unknown or already settled id). */
  settle(
    response: { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string },
  ): boolean {
    const pending = this.#byId.get(response.id);
    if (!pending) return false;
    this.#byId.delete(response.id);
    if (response.ok) pending.resolve(response.result);
    else pending.reject(new Error(response.error));
    return true;
  }

  failAll(reason: string): void {
    for (const [id, pending] of this.#byId) {
      this.#byId.delete(id);
      pending.reject(new Error(`${pending.method}: ${reason}`));
    }
  }
}
