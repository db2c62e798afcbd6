import { int32Column, type Column } from '../../../app/trace/column';
import { NO_ID } from '../../../app/trace/trace-index';
import type { FilteredRows } from './filtered-rows';

/** The shown events of one syscall (or of one other event type), as one row of the grouped view. */
export interface EventGroup {
  /** `syscall:openat`, `type:stdout`. */
  readonly key: string;
  readonly label: string;
  readonly kind: 'syscall' | 'other';
  readonly count: number;
  readonly denied: number;
  /** Distinct pids, ascending. */
  readonly pids: readonly number[];
  readonly first: number;
  readonly last: number;
}

interface MutableGroup {
  readonly key: string;
  readonly label: string;
  readonly kind: 'syscall' | 'other';
  count: number;
  denied: number;
  readonly pids: Set<number>;
  first: number;
  last: number;
  readonly events: Column<Int32Array>;
}

/**
 * The filtered rows grouped by syscall, kept up to date like the rows themselves: each update
 * reads only the rows added since the last one. Groups are listed most frequent first.
 */
export class GroupedRows {
  readonly rows: FilteredRows;
  readonly #groups = new Map<string, MutableGroup>();
  /** The same groups by syscall name id and by type code: no string per event. */
  readonly #bySyscall: (MutableGroup | undefined)[] = [];
  readonly #byType: (MutableGroup | undefined)[] = [];
  #seen = 0;
  #snapshot: readonly EventGroup[] | null = null;

  constructor(rows: FilteredRows) {
    this.rows = rows;
  }

  /** Reads rows that arrived since the last update; returns whether a group changed. */
  update(): boolean {
    const count = this.rows.count;
    if (this.#seen >= count) return false;
    const index = this.rows.index;
    for (; this.#seen < count; this.#seen++) {
      const event = this.rows.eventIndex(this.#seen);
      if (event === undefined) break;
      const group = this.#groupOf(event);
      const time = index.time(event);
      group.count++;
      if (index.type(event) === 'denied') group.denied++;
      const pid = index.pid(event);
      if (pid !== NO_ID) group.pids.add(pid);
      if (time < group.first) group.first = time;
      if (time > group.last) group.last = time;
      group.events.push(event);
    }
    this.#snapshot = null;
    return true;
  }

  /** Every group, most events first; syscalls before other event types at equal counts. */
  groups(): readonly EventGroup[] {
    this.#snapshot ??= [...this.#groups.values()]
      .map(({ key, label, kind, count, denied, pids, first, last }) => ({
        key,
        label,
        kind,
        count,
        denied,
        pids: [...pids].sort((a, b) => a - b),
        first,
        last,
      }))
      .sort(
        (a, b) =>
          b.count - a.count ||
          (a.kind === b.kind ? 0 : a.kind === 'syscall' ? -1 : 1) ||
          (a.label < b.label ? -1 : a.label > b.label ? 1 : 0),
      );
    return this.#snapshot;
  }

  /** Trace indices of a group's events, in order (a view; empty for an unknown key). */
  eventsOf(key: string): Int32Array {
    return this.#groups.get(key)?.events.view() ?? new Int32Array(0);
  }

  #groupOf(event: number): MutableGroup {
    const index = this.rows.index;
    const nameId = index.nameId(event);
    if (nameId !== NO_ID) {
      return (this.#bySyscall[nameId] ??= this.#group(
        `syscall:${index.name(nameId)}`,
        index.name(nameId),
        'syscall',
      ));
    }
    const code = index.typeCode(event);
    return (this.#byType[code] ??= this.#group(
      `type:${index.type(event)}`,
      index.type(event),
      'other',
    ));
  }

  #group(key: string, label: string, kind: 'syscall' | 'other'): MutableGroup {
    let group = this.#groups.get(key);
    if (!group) {
      group = {
        key,
        label,
        kind,
        count: 0,
        denied: 0,
        pids: new Set(),
        first: Infinity,
        last: -Infinity,
        events: int32Column(64),
      };
      this.#groups.set(key, group);
    }
    return group;
  }
}
