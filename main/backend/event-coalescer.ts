import type { TraceEvent } from '../../app/trace/events';

export interface EventCoalescerOptions {
  /** How long the first event of a batch may wait for company. */
  readonly delayMs: number;
  /** A batch this large is sent at once (keeps single messages bounded). */
  readonly maxEvents: number;
  readonly send: (events: TraceEvent[]) => void;
}

/**
 * Joins event batches that arrive close together into one message: a busy run produces thousands
 * of events per second, and one message (and one render) per event would drown the UI.
 */
export class EventCoalescer {
  #pending: TraceEvent[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #held = false;

  constructor(private readonly options: EventCoalescerOptions) {}

  /** While held, events only accumulate (the run's first state message has not been sent yet). */
  hold(): void {
    this.#held = true;
  }

  release(): void {
    this.#held = false;
    if (this.#pending.length > 0) this.#schedule();
  }

  push(events: readonly TraceEvent[]): void {
    if (events.length === 0) return;
    this.#pending.push(...events);
    if (this.#held) return;
    if (this.#pending.length >= this.options.maxEvents) this.flush();
    else this.#schedule();
  }

  /** Sends whatever is pending now (before a state change, so order is kept). */
  flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#held || this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    for (let i = 0; i < batch.length; i += this.options.maxEvents) {
      this.options.send(batch.slice(i, i + this.options.maxEvents));
    }
  }

  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = [];
  }

  #schedule(): void {
    this.#timer ??= setTimeout(() => this.flush(), this.options.delayMs);
  }
}
