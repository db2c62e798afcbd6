/*
 * An strace log's events in the order their calls started, put in order while they stream by.
 * The reader gives most events in that order already; a call strace wrote split (`<unfinished
 * ...>`, later `<... resumed>`) arrives when it resumed, with the earlier time it started.
 *
 * StartOrder passes an event on at once when it is no earlier than every event passed on before
 * it ("in order") and holds the others ("late"). Writing the in-order events again with the late
 * ones merged in (LateQueue) gives exactly what a stable sort by time gives — an in-order event
 * and a late one with the same time are in log order already, the in-order one first — while
 * only the late events are held. What is held is up to the caller (an event, or its line of a
 * run file): anything with the time its call started.
 */

export interface Timed {
  /** When the call started, ms. */
  readonly t: number;
}

export class StartOrder<T extends Timed> {
  #latest = -Infinity;
  readonly #late: T[] = [];

  /** true: the event is in order, pass it on; false: it is held until takeLate. */
  add(event: T): boolean {
    if (event.t >= this.#latest) {
      this.#latest = event.t;
      return true;
    }
    this.#late.push(event);
    return false;
  }

  /** Events held so far. */
  get lateCount(): number {
    return this.#late.length;
  }

  /** The held events, by time (log order among equal times), to merge in. */
  takeLate(): LateQueue<T> {
    // Array.prototype.sort is stable: equal times keep the order strace wrote them in.
    const late = [...this.#late].sort((a, b) => a.t - b.t);
    this.#late.length = 0;
    return new LateQueue(late);
  }
}

/** The late events, handed out where they go among the in-order events. */
export class LateQueue<T extends Timed> {
  #next = 0;
  constructor(private readonly late: readonly T[]) {}

  /** The late events that go before an in-order event at time `t`: those that started earlier. */
  before(t: number): T[] {
    const from = this.#next;
    while (this.#next < this.late.length && this.late[this.#next]!.t < t) this.#next++;
    return this.late.slice(from, this.#next);
  }

  /** The late events after the last in-order one. */
  rest(): T[] {
    const rest = this.late.slice(this.#next);
    this.#next = this.late.length;
    return rest;
  }

  /** Starts handing out from the first late event again (to write the events once more). */
  rewind(): void {
    this.#next = 0;
  }
}

/** `events` in the order their calls started (a stable sort by time), as StartOrder gives it. */
export function inStartOrder<T extends Timed>(events: Iterable<T>): T[] {
  const order = new StartOrder<T>();
  const inOrder: T[] = [];
  for (const event of events) if (order.add(event)) inOrder.push(event);
  const late = order.takeLate();
  const merged: T[] = [];
  for (const event of inOrder) {
    for (const earlier of late.before(event.t)) merged.push(earlier);
    merged.push(event);
  }
  for (const after of late.rest()) merged.push(after);
  return merged;
}
