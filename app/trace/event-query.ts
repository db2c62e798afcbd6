import type { TraceEvent, TraceEventType } from './events';
import { EVENT_TYPES, NO_ID, type TraceIndex } from './trace-index';

/** Which kinds of events to show: the verdict (denied, not yet allowed) or the event type. */
export const EVENT_CATEGORIES = [
  'all',
  'syscalls',
  'denied',
  'observed',
  'processes',
  'output',
  'errors',
  'sandbox',
] as const;
export type EventCategory = (typeof EVENT_CATEGORIES)[number];

export const CATEGORY_TITLES: Readonly<Record<EventCategory, string>> = {
  all: 'All events',
  syscalls: 'Syscalls (any verdict)',
  denied: 'Denied',
  observed: 'Not allowed yet (learn)',
  processes: 'Processes: exec, exit, signals',
  output: 'Output',
  errors: 'Errors and warnings',
  sandbox: 'The target’s own sandbox',
};

const CATEGORY_TYPES: Readonly<Record<EventCategory, readonly TraceEventType[] | null>> = {
  all: null,
  syscalls: ['syscall', 'denied'],
  denied: ['denied'],
  observed: ['syscall'],
  processes: ['exec', 'exit', 'signal', 'process', 'thread'],
  output: ['stdout', 'stderr'],
  errors: ['error'],
  sandbox: ['self-sandbox', 'sandbox-state'],
};

/** The event table's filter: every part that is set must match. */
export interface EventQuery {
  /** Case-insensitive text, matched as the table's text filter defines it. */
  readonly text: string;
  /** A syscall name, exactly; empty for any. */
  readonly syscall: string;
  readonly pid: number | null;
  readonly tid: number | null;
  readonly category: EventCategory;
}

export const EMPTY_QUERY: EventQuery = {
  text: '',
  syscall: '',
  pid: null,
  tid: null,
  category: 'all',
};

export function isEmptyQuery(query: EventQuery): boolean {
  return (
    query.text.trim() === '' &&
    query.syscall === '' &&
    query.pid === null &&
    query.tid === null &&
    query.category === 'all'
  );
}

export function sameQuery(a: EventQuery, b: EventQuery): boolean {
  return (
    a.text.trim() === b.text.trim() &&
    a.syscall === b.syscall &&
    a.pid === b.pid &&
    a.tid === b.tid &&
    a.category === b.category
  );
}

/** Whether one event matches a text; the renderer's table decides what text an event shows. */
export type TextMatcher = (event: TraceEvent, text: string) => boolean;

const UNKNOWN = 0;
const YES = 1;
const NO = 2;

/**
 * A query evaluated against a trace's index. The cheap tests (type, pid, tid, syscall name) read
 * the index's columns; the text test runs once per distinct syscall label and only for the other
 * events (output, exec, errors) on the event itself.
 */
export class QueryMatcher {
  readonly index: TraceIndex;
  readonly query: EventQuery;
  readonly #text: string;
  readonly #textMatches: TextMatcher;
  readonly #types: Uint8Array | null;
  #labelVerdicts = new Uint8Array(64);
  #syscallId = NO_ID;

  constructor(index: TraceIndex, query: EventQuery, textMatches: TextMatcher) {
    this.index = index;
    this.query = query;
    this.#text = query.text.trim();
    this.#textMatches = textMatches;
    this.#types = typeMask(query.category);
  }

  /** The syscall name's id when the query names one that the trace has (or NO_ID). */
  get syscallId(): number {
    // A live trace may see the name later: look it up again until it is there.
    if (this.#syscallId === NO_ID && this.query.syscall !== '')
      this.#syscallId = this.index.idOfName(this.query.syscall);
    return this.#syscallId;
  }

  /** The query names a syscall the trace has not seen (yet): nothing can match. */
  get matchesNothing(): boolean {
    return this.query.syscall !== '' && this.syscallId === NO_ID;
  }

  matches(i: number): boolean {
    const index = this.index;
    if (this.#types && this.#types[index.typeCode(i)] === 0) return false;
    if (this.query.pid !== null && index.pid(i) !== this.query.pid) return false;
    if (this.query.tid !== null && index.tid(i) !== this.query.tid) return false;
    if (this.query.syscall !== '') {
      const id = this.syscallId;
      if (id === NO_ID || index.nameId(i) !== id) return false;
    }
    return this.#text === '' || this.#textMatch(i);
  }

  #textMatch(i: number): boolean {
    const label = this.index.labelId(i);
    if (label === NO_ID) {
      const event = this.index.source.at(i);
      return event !== undefined && this.#textMatches(event, this.#text);
    }
    if (label >= this.#labelVerdicts.length) {
      const grown = new Uint8Array(Math.max(label + 1, this.#labelVerdicts.length * 2));
      grown.set(this.#labelVerdicts);
      this.#labelVerdicts = grown;
    }
    if (this.#labelVerdicts[label] === UNKNOWN) {
      const example = this.index.source.at(this.index.labelExample(label));
      const yes = example !== undefined && this.#textMatches(example, this.#text);
      this.#labelVerdicts[label] = yes ? YES : NO;
    }
    return this.#labelVerdicts[label] === YES;
  }
}

function typeMask(category: EventCategory): Uint8Array | null {
  const types = CATEGORY_TYPES[category];
  if (!types) return null;
  const mask = new Uint8Array(EVENT_TYPES.length);
  types.forEach((type) => (mask[EVENT_TYPES.indexOf(type)] = 1));
  return mask;
}
