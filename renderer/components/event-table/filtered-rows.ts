import type { TraceEvent } from '../../../app/trace/events';
import type { ChunkedBuffer } from '../../state/event-buffer';
import { eventMatches } from './event-cells';

/**
 * The rows the event table shows for a filter: indices into the run's event buffer. The buffer
 * only grows, so each update scans just the events that arrived since the last one.
 */
export class FilteredRows {
  readonly #buffer: ChunkedBuffer<TraceEvent>;
  readonly #query: string;
  readonly #matches: number[] = [];
  #scanned = 0;

  constructor(buffer: ChunkedBuffer<TraceEvent>, query: string) {
    this.#buffer = buffer;
    this.#query = query.trim();
  }

  get query(): string {
    return this.#query;
  }

  /** Catches up with the buffer; returns the number of rows. */
  update(): number {
    if (this.#query === '') return this.#buffer.length;
    for (; this.#scanned < this.#buffer.length; this.#scanned++) {
      const event = this.#buffer.at(this.#scanned);
      if (event && eventMatches(event, this.#query)) this.#matches.push(this.#scanned);
    }
    return this.#matches.length;
  }

  get count(): number {
    return this.#query === '' ? this.#buffer.length : this.#matches.length;
  }

  /** Index into the buffer of the row-th shown row. */
  eventIndex(row: number): number | undefined {
    if (this.#query === '') return row >= 0 && row < this.#buffer.length ? row : undefined;
    return this.#matches[row];
  }

  event(row: number): TraceEvent | undefined {
    const index = this.eventIndex(row);
    return index === undefined ? undefined : this.#buffer.at(index);
  }
}
