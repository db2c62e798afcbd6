import { float64Column, int32Column, uint8Column, type Column } from './column';
import type { TraceEvent, TraceEventType } from './events';

/** Where the events come from: the renderer's chunked buffer, or a plain array. */
export interface EventSource {
  readonly length: number;
  at(index: number): TraceEvent | undefined;
}

export const EVENT_TYPES: readonly TraceEventType[] = [
  'exec',
  'syscall',
  'denied',
  'signal',
  'exit',
  'stdout',
  'stderr',
  'error',
  'process',
  'thread',
  'self-sandbox',
  'sandbox-state',
];
const TYPE_CODES: ReadonlyMap<TraceEventType, number> = new Map(
  EVENT_TYPES.map((type, code) => [type, code]),
);

export const NO_ID = -1;

/** Totals of one syscall name over the whole trace. */
export interface SyscallTotals {
  readonly name: string;
  readonly count: number;
  readonly denied: number;
}

interface NameEntry {
  readonly id: number;
  readonly name: string;
  /** Label of its `syscall` events, and of its `denied` events by action (NO_ID: none yet). */
  syscallLabel: number;
  readonly deniedLabels: Map<string, number>;
  count: number;
  denied: number;
  /** Event indices of this syscall, ascending. */
  readonly events: Column<Int32Array>;
}

/**
 * Per-event columns of a trace (type, pid, tid, time, syscall name, label) kept in typed arrays,
 * plus each syscall's event list, built incrementally: the trace only grows, and `catchUp()` reads
 * only what arrived since. Filters, groups and charts work from these columns instead of the
 * event objects, so a million-event trace is scanned in milliseconds.
 *
 * A label is one distinct (type, name, action) of the syscall and denied events: what the text
 * filter looks at, so a text query is evaluated once per label rather than once per event.
 */
export class TraceIndex {
  readonly source: EventSource;
  readonly #types = uint8Column();
  readonly #pids = int32Column();
  readonly #tids = int32Column();
  readonly #times = float64Column();
  readonly #names = int32Column();
  readonly #labels = int32Column();
  readonly #nameEntries: NameEntry[] = [];
  readonly #nameIds = new Map<string, number>();
  /** An event of each label: all events of a label look alike to the text filter. */
  readonly #labelExamples = int32Column();
  readonly #pidCounts = new Map<number, number>();
  readonly #tidSet = new Set<number>();
  #lastTime = 0;

  constructor(source: EventSource) {
    this.source = source;
  }

  get length(): number {
    return this.#types.length;
  }

  /** Indexes the events that arrived since the last call; returns the new length. */
  catchUp(): number {
    for (let i = this.#types.length; i < this.source.length; i++) {
      const event = this.source.at(i);
      if (!event) break;
      this.#add(event, i);
    }
    return this.#types.length;
  }

  typeCode(index: number): number {
    return this.#types.get(index);
  }

  type(index: number): TraceEventType {
    return EVENT_TYPES[this.#types.get(index)] as TraceEventType;
  }

  /** The event's pid, or NO_ID when it has none (output, errors). */
  pid(index: number): number {
    return this.#pids.get(index);
  }

  /** The event's tid, or NO_ID when it has none. */
  tid(index: number): number {
    return this.#tids.get(index);
  }

  time(index: number): number {
    return this.#times.get(index);
  }

  /** Id of the event's syscall name (syscall and denied events), or NO_ID. */
  nameId(index: number): number {
    return this.#names.get(index);
  }

  labelId(index: number): number {
    return this.#labels.get(index);
  }

  get labelCount(): number {
    return this.#labelExamples.length;
  }

  labelExample(labelId: number): number {
    return this.#labelExamples.get(labelId);
  }

  get nameCount(): number {
    return this.#nameEntries.length;
  }

  name(nameId: number): string {
    return this.#nameEntries[nameId]?.name ?? '';
  }

  /** Id of a syscall name seen in the trace, or NO_ID. */
  idOfName(name: string): number {
    return this.#nameIds.get(name) ?? NO_ID;
  }

  /** Indices of the events of one syscall name, ascending (a view: copy it to keep it). */
  eventsOfName(nameId: number): Int32Array {
    return this.#nameEntries[nameId]?.events.view() ?? new Int32Array(0);
  }

  /** Every syscall name of the trace with its counts, most frequent first. */
  syscallTotals(): SyscallTotals[] {
    return this.#nameEntries
      .map(({ name, count, denied }) => ({ name, count, denied }))
      .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1));
  }

  /** Distinct pids seen, ascending. */
  pids(): number[] {
    return [...this.#pidCounts.keys()].sort((a, b) => a - b);
  }

  /** Distinct tids seen, ascending. */
  tids(): number[] {
    return [...this.#tidSet].sort((a, b) => a - b);
  }

  /** The largest event time so far (events arrive nearly, not strictly, in time order). */
  get lastTime(): number {
    return this.#lastTime;
  }

  #add(event: TraceEvent, index: number): void {
    this.#types.push(TYPE_CODES.get(event.type) ?? 0);
    const pid = 'pid' in event ? event.pid : NO_ID;
    const tid = 'tid' in event ? event.tid : NO_ID;
    this.#pids.push(pid);
    this.#tids.push(tid);
    this.#times.push(event.t);
    if (event.t > this.#lastTime) this.#lastTime = event.t;
    if (pid !== NO_ID) this.#pidCounts.set(pid, (this.#pidCounts.get(pid) ?? 0) + 1);
    if (tid !== NO_ID) this.#tidSet.add(tid);
    if (event.type === 'syscall' || event.type === 'denied') {
      const entry = this.#nameEntry(event.name);
      entry.count++;
      if (event.type === 'denied') entry.denied++;
      entry.events.push(index);
      this.#names.push(entry.id);
      this.#labels.push(this.#labelOf(entry, event.type === 'denied' ? event.action : null, index));
    } else {
      this.#names.push(NO_ID);
      this.#labels.push(NO_ID);
    }
  }

  #nameEntry(name: string): NameEntry {
    const id = this.#nameIds.get(name);
    if (id !== undefined) return this.#nameEntries[id] as NameEntry;
    const entry: NameEntry = {
      id: this.#nameEntries.length,
      name,
      syscallLabel: NO_ID,
      deniedLabels: new Map(),
      count: 0,
      denied: 0,
      events: int32Column(64),
    };
    this.#nameIds.set(name, entry.id);
    this.#nameEntries.push(entry);
    return entry;
  }

  /** The label of a syscall event (`action` null) or of a denial with its action. */
  #labelOf(entry: NameEntry, action: string | null, index: number): number {
    if (action === null) {
      if (entry.syscallLabel === NO_ID) entry.syscallLabel = this.#newLabel(index);
      return entry.syscallLabel;
    }
    let label = entry.deniedLabels.get(action);
    if (label === undefined) {
      label = this.#newLabel(index);
      entry.deniedLabels.set(action, label);
    }
    return label;
  }

  #newLabel(example: number): number {
    this.#labelExamples.push(example);
    return this.#labelExamples.length - 1;
  }
}
