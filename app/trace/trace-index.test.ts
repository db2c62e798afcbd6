import { describe, expect, it } from 'vitest';
import type { TraceEvent } from './events';
import { EMPTY_QUERY, QueryMatcher, isEmptyQuery, sameQuery, type EventQuery } from './event-query';
import { NO_ID, TraceIndex } from './trace-index';
import { te } from './trace-test-events';

function indexOf(events: TraceEvent[]): { index: TraceIndex; events: TraceEvent[] } {
  const index = new TraceIndex({
    get length() {
      return events.length;
    },
    at: (i) => events[i],
  });
  index.catchUp();
  return { index, events };
}

const TRACE: TraceEvent[] = [
  te.exec(0, 10),
  te.syscall('openat', 1, 10),
  te.syscall('read', 2, 10, 11),
  te.denied('openat', 'errno EACCES', 3, 12),
  te.stdout('hello openat\n', 4),
  te.process(5, 12, 10),
  te.exit(6, 12, 0),
  te.error('landlock unavailable', 7, 'warning'),
];

/** The plain definition the index must agree with. */
function naive(
  events: TraceEvent[],
  query: EventQuery,
  text: (e: TraceEvent, t: string) => boolean,
): number[] {
  const out: number[] = [];
  events.forEach((e, i) => {
    const types: Record<string, string[] | null> = {
      all: null,
      syscalls: ['syscall', 'denied'],
      denied: ['denied'],
      observed: ['syscall'],
      processes: ['exec', 'exit', 'signal', 'process', 'thread'],
      output: ['stdout', 'stderr'],
      errors: ['error'],
      sandbox: ['self-sandbox', 'sandbox-state'],
    };
    const allowed = types[query.category];
    if (allowed && !allowed.includes(e.type)) return;
    if (query.pid !== null && (!('pid' in e) || e.pid !== query.pid)) return;
    if (query.tid !== null && (!('tid' in e) || e.tid !== query.tid)) return;
    if (
      query.syscall !== '' &&
      !((e.type === 'syscall' || e.type === 'denied') && e.name === query.syscall)
    )
      return;
    if (query.text.trim() !== '' && !text(e, query.text.trim())) return;
    out.push(i);
  });
  return out;
}

const textOf = (e: TraceEvent, t: string): boolean =>
  JSON.stringify({
    type: e.type,
    name: 'name' in e ? e.name : '',
    action: 'action' in e ? e.action : '',
    data: 'data' in e ? e.data : '',
  })
    .toLowerCase()
    .includes(t.toLowerCase());

describe('TraceIndex', () => {
  it('keeps type, pid, tid, time and syscall of every event', () => {
    const { index } = indexOf(TRACE);
    expect(index.length).toBe(TRACE.length);
    expect(index.type(3)).toBe('denied');
    expect([index.pid(2), index.tid(2)]).toEqual([10, 11]);
    expect([index.pid(4), index.tid(4)]).toEqual([NO_ID, NO_ID]);
    expect(index.time(6)).toBe(6);
    expect(index.name(index.nameId(1))).toBe('openat');
    expect(index.nameId(0)).toBe(NO_ID);
    expect([...index.eventsOfName(index.idOfName('openat'))]).toEqual([1, 3]);
    expect(index.syscallTotals()).toEqual([
      { name: 'openat', count: 2, denied: 1 },
      { name: 'read', count: 1, denied: 0 },
    ]);
    expect(index.pids()).toEqual([10, 12]);
    expect(index.tids()).toEqual([10, 11, 12]);
    expect(index.lastTime).toBe(7);
  });

  it('gives events of one type, name and action one label', () => {
    const { index } = indexOf([
      te.syscall('read', 0, 1),
      te.syscall('read', 1, 2),
      te.denied('read', 'kill-process', 2, 1),
    ]);
    expect(index.labelId(0)).toBe(index.labelId(1));
    expect(index.labelId(2)).not.toBe(index.labelId(0));
    expect(index.labelCount).toBe(2);
    expect(index.labelExample(index.labelId(1))).toBe(0);
  });

  it('reads only what arrived since the last catch-up', () => {
    const events: TraceEvent[] = [te.syscall('read', 0, 1)];
    let reads = 0;
    const index = new TraceIndex({
      get length() {
        return events.length;
      },
      at: (i) => (reads++, events[i]),
    });
    expect(index.catchUp()).toBe(1);
    events.push(te.syscall('write', 1, 1), te.syscall('read', 2, 1));
    expect(index.catchUp()).toBe(3);
    expect(reads).toBe(3);
    expect(index.catchUp()).toBe(3);
    expect(reads).toBe(3);
  });

  it('grows its columns past their first capacity', () => {
    const events = Array.from({ length: 5000 }, (_, i) => te.syscall(`call${i % 7}`, i, i % 13));
    const { index } = indexOf(events);
    expect(index.length).toBe(5000);
    expect(index.time(4999)).toBe(4999);
    expect(index.eventsOfName(index.idOfName('call3')).length).toBe(714);
  });
});

describe('QueryMatcher', () => {
  const queries: EventQuery[] = [
    EMPTY_QUERY,
    { ...EMPTY_QUERY, syscall: 'openat' },
    { ...EMPTY_QUERY, pid: 12 },
    { ...EMPTY_QUERY, tid: 11 },
    { ...EMPTY_QUERY, category: 'denied' },
    { ...EMPTY_QUERY, category: 'processes' },
    { ...EMPTY_QUERY, category: 'output' },
    { ...EMPTY_QUERY, category: 'errors' },
    { ...EMPTY_QUERY, text: 'OPENAT' },
    { ...EMPTY_QUERY, text: 'openat', category: 'syscalls', pid: 10 },
    { ...EMPTY_QUERY, syscall: 'nosuch' },
  ];

  it.each(queries.map((q) => [JSON.stringify(q), q] as const))(
    'agrees with the plain definition: %s',
    (_, query) => {
      const { index, events } = indexOf(TRACE);
      const matcher = new QueryMatcher(index, query, textOf);
      const matched = events.map((_, i) => i).filter((i) => matcher.matches(i));
      expect(matched).toEqual(naive(events, query, textOf));
    },
  );

  it('tests the text once per label for syscall events', () => {
    const events = Array.from({ length: 1000 }, (_, i) =>
      te.syscall(i % 2 ? 'read' : 'write', i, 1),
    );
    const { index } = indexOf(events);
    let calls = 0;
    const matcher = new QueryMatcher(
      index,
      { ...EMPTY_QUERY, text: 'read' },
      (e, t) => (calls++, textOf(e, t)),
    );
    expect(events.filter((_, i) => matcher.matches(i)).length).toBe(500);
    expect(calls).toBe(2);
  });

  it('knows when a named syscall is not in the trace', () => {
    const { index } = indexOf(TRACE);
    expect(
      new QueryMatcher(index, { ...EMPTY_QUERY, syscall: 'nosuch' }, textOf).matchesNothing,
    ).toBe(true);
    expect(new QueryMatcher(index, { ...EMPTY_QUERY, syscall: 'read' }, textOf).syscallId).toBe(
      index.idOfName('read'),
    );
  });

  it('compares and recognizes empty queries', () => {
    expect(isEmptyQuery({ ...EMPTY_QUERY, text: '  ' })).toBe(true);
    expect(isEmptyQuery({ ...EMPTY_QUERY, pid: 0 })).toBe(false);
    expect(sameQuery({ ...EMPTY_QUERY, text: ' a' }, { ...EMPTY_QUERY, text: 'a ' })).toBe(true);
    expect(sameQuery(EMPTY_QUERY, { ...EMPTY_QUERY, category: 'denied' })).toBe(false);
  });
});
