import type { EventName, EventPayload } from '../../app/api/contract';

type Listener = (payload: never) => void;

/** A listener's exception, reported apart so it cannot cut the stream off for the others. */
export type ListenerErrorHandler = (error: unknown) => void;

/** Rethrows later, outside the dispatch loop: the browser reports it as an uncaught error. */
const rethrowLater: ListenerErrorHandler = (error) => {
  setTimeout(() => {
    throw error;
  }, 0);
};

/** Listeners per backend event name; a throwing listener does not stop the others. */
export class EventListeners {
  readonly #byName = new Map<EventName, Set<Listener>>();
  readonly #onError: ListenerErrorHandler;

  constructor(onError: ListenerErrorHandler = rethrowLater) {
    this.#onError = onError;
  }

  add<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
    const set = this.#byName.get(name) ?? new Set<Listener>();
    set.add(listener as Listener);
    this.#byName.set(name, set);
    return () => void set.delete(listener as Listener);
  }

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const listener of this.#byName.get(name) ?? []) {
      try {
        (listener as (payload: EventPayload<E>) => void)(payload);
      } catch (error) {
        this.#onError(error);
      }
    }
  }
}
