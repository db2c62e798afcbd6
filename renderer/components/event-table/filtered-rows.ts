import { int32Column } from '../../../app/trace/column';
import type { TraceEvent } from '../../../app/trace/events';
import {
  CATEGORY_TITLES,
  EMPTY_QUERY,
  QueryMatcher,
  isEmptyQuery,
  type EventQuery,
} from '../../../app/trace/event-query';
import type { TraceIndex } from '../../../app/trace/trace-index';
import { eventMatches } from './event-cells';

/**
 * The rows the event table shows for a filter: indices into the run's events. The trace only
 * grows, so each update examines just the events that arrived since the last one — through the
 * syscall's own event list when the filter names a syscall — and never the whole trace again.
 */
export class FilteredRows {
  readonly index: TraceIndex;
  readonly spec: EventQuery;
  readonly #matcher: QueryMatcher | null;
  readonly #matches = int32Column();
  /** Events examined so far (or, with a syscall filter, entries of its event list). */
  #scanned = 0;

  constructor(index: TraceIndex, query: EventQuery = EMPTY_QUERY) {
    this.index = index;
    this.spec = query;
    this.#matcher = isEmptyQuery(query)
      ? null
      : new QueryMatcher(index, query, (event, text) => eventMatches(event, text));
  }

  /** What the filter is, in words; '' when it shows every event. */
  get query(): string {
    return describeQuery(this.spec);
  }

  /** Catches up with the trace; returns the number of rows. */
  update(): number {
    const length = this.index.catchUp();
    const matcher = this.#matcher;
    if (!matcher) return length;
    if (this.spec.syscall !== '') this.#scanSyscall(matcher);
    else this.#scanAll(matcher, length);
    return this.#matches.length;
  }

  get count(): number {
    return this.#matcher ? this.#matches.length : this.index.length;
  }

  /** Index into the trace of the row-th shown row. */
  eventIndex(row: number): number | undefined {
    if (!Number.isInteger(row) || row < 0 || row >= this.count) return undefined;
    return this.#matcher ? this.#matches.get(row) : row;
  }

  event(row: number): TraceEvent | undefined {
    const index = this.eventIndex(row);
    return index === undefined ? undefined : this.index.source.at(index);
  }

  #scanAll(matcher: QueryMatcher, length: number): void {
    for (; this.#scanned < length; this.#scanned++) {
      if (matcher.matches(this.#scanned)) this.#matches.push(this.#scanned);
    }
  }

  #scanSyscall(matcher: QueryMatcher): void {
    const id = matcher.syscallId;
    if (id < 0) return; // not seen yet
    const events = this.index.eventsOfName(id);
    for (; this.#scanned < events.length; this.#scanned++) {
      const event = events[this.#scanned] as number;
      if (matcher.matches(event)) this.#matches.push(event);
    }
  }
}

/** `openat · pid 12 · denied · "etc"`: the filter in a few words. */
export function describeQuery(query: EventQuery): string {
  const parts = [
    query.syscall,
    query.pid === null ? '' : `pid ${query.pid}`,
    query.tid === null ? '' : `tid ${query.tid}`,
    query.category === 'all' ? '' : CATEGORY_TITLES[query.category].toLowerCase(),
    query.text.trim() === '' ? '' : JSON.stringify(query.text.trim()),
  ];
  return parts.filter((part) => part !== '').join(' · ');
}
