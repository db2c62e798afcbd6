import { describe, expect, it, vi } from 'vitest';
import { EMPTY_QUERY, type EventQuery } from '../../../app/trace/event-query';
import type { TraceEvent } from '../../../app/trace/events';
import { TraceIndex } from '../../../app/trace/trace-index';
import { ChunkedBuffer } from '../../state/event-buffer';
import { testEvents as ev } from '../../test-helpers';
import * as cells from './event-cells';
import { FilteredRows, describeQuery } from './filtered-rows';
import { GroupedRows } from './grouped-rows';

function bufferOf(events: TraceEvent[]): ChunkedBuffer<TraceEvent> {
  const buffer = new ChunkedBuffer<TraceEvent>(2);
  buffer.append(events);
  return buffer;
}

function rowsOf(buffer: ChunkedBuffer<TraceEvent>, query: Partial<EventQuery> = {}): FilteredRows {
  return new FilteredRows(new TraceIndex(buffer), { ...EMPTY_QUERY, ...query });
}

const rowIndices = (rows: FilteredRows): number[] =>
  Array.from({ length: rows.count }, (_, row) => rows.eventIndex(row) as number);

describe('FilteredRows', () => {
  it('shows every event without a filter', () => {
    const buffer = bufferOf([ev.exec(), ev.syscall('read')]);
    const rows = rowsOf(buffer, { text: ' ' });
    expect(rows.update()).toBe(2);
    expect(rows.event(1)).toEqual(ev.syscall('read'));
    expect(rows.eventIndex(2)).toBeUndefined();
    expect(rows.query).toBe('');
  });

  it('maps rows to the events matching the text', () => {
    const buffer = bufferOf([ev.syscall('openat'), ev.syscall('read'), ev.syscall('openat')]);
    const rows = rowsOf(buffer, { text: 'open' });
    expect(rows.update()).toBe(2);
    expect(rowIndices(rows)).toEqual([0, 2]);
    expect(rows.count).toBe(2);
  });

  it('filters by syscall, pid, tid and verdict together', () => {
    const buffer = bufferOf([
      ev.syscall('openat', 1, 10),
      ev.denied('openat', 'errno EACCES', 2, 11),
      ev.syscall('read', 3, 11),
      ev.denied('openat', 'kill-process', 4, 10),
      ev.stdout('openat\n', 5),
      ev.exit(0, null, 6, 10),
    ]);
    expect(rowIndices(withUpdate(rowsOf(buffer, { syscall: 'openat' })))).toEqual([0, 1, 3]);
    expect(
      rowIndices(withUpdate(rowsOf(buffer, { syscall: 'openat', category: 'denied' }))),
    ).toEqual([1, 3]);
    expect(rowIndices(withUpdate(rowsOf(buffer, { pid: 10 })))).toEqual([0, 3, 5]);
    expect(rowIndices(withUpdate(rowsOf(buffer, { tid: 11 })))).toEqual([1, 2]);
    expect(rowIndices(withUpdate(rowsOf(buffer, { category: 'output' })))).toEqual([4]);
    expect(rowIndices(withUpdate(rowsOf(buffer, { text: 'kill' })))).toEqual([3]);
    expect(rowIndices(withUpdate(rowsOf(buffer, { syscall: 'ptrace' })))).toEqual([]);
  });

  it('scans only events that arrived since the last update', () => {
    const buffer = bufferOf([ev.stdout('a'), ev.stdout('read this')]);
    const rows = rowsOf(buffer, { text: 'read' });
    rows.update();
    const spy = vi.spyOn(cells, 'eventMatches');
    buffer.append([ev.stdout('read'), ev.stdout('write')]);
    expect(rows.update()).toBe(2);
    expect(spy).toHaveBeenCalledTimes(2);
    expect(rows.update()).toBe(2);
    expect(spy).toHaveBeenCalledTimes(2);
    spy.mockRestore();
  });

  it('tests the text once per distinct syscall and action, not once per event', () => {
    const events = Array.from({ length: 300 }, (_, i) => ev.syscall(i % 2 ? 'read' : 'write', i));
    const rows = rowsOf(bufferOf(events), { text: 'read' });
    const spy = vi.spyOn(cells, 'eventMatches');
    expect(rows.update()).toBe(150);
    expect(spy).toHaveBeenCalledTimes(2);
    spy.mockRestore();
  });

  it('follows a syscall filter through that syscall’s events only', () => {
    const buffer = bufferOf([ev.syscall('read', 1), ev.syscall('write', 2)]);
    const rows = rowsOf(buffer, { syscall: 'mmap' });
    expect(rows.update()).toBe(0);
    buffer.append([ev.syscall('mmap', 3), ev.syscall('read', 4), ev.syscall('mmap', 5)]);
    expect(rows.update()).toBe(2);
    expect(rowIndices(rows)).toEqual([2, 4]);
  });

  it('describes its filter in a few words', () => {
    expect(
      describeQuery({
        ...EMPTY_QUERY,
        syscall: 'openat',
        pid: 3,
        category: 'denied',
        text: ' etc ',
      }),
    ).toBe('openat · pid 3 · denied · "etc"');
    expect(describeQuery(EMPTY_QUERY)).toBe('');
  });
});

describe('GroupedRows', () => {
  it('groups the shown rows by syscall with counts, pids and times', () => {
    const buffer = bufferOf([
      ev.exec(0, 10),
      ev.syscall('openat', 1, 10),
      ev.denied('openat', 'errno EACCES', 2, 11),
      ev.syscall('read', 3, 11),
      ev.syscall('openat', 4, 12),
      ev.stdout('hi', 5),
    ]);
    const rows = rowsOf(buffer);
    rows.update();
    const grouped = new GroupedRows(rows);
    expect(grouped.update()).toBe(true);
    expect(grouped.groups()).toEqual([
      {
        key: 'syscall:openat',
        label: 'openat',
        kind: 'syscall',
        count: 3,
        denied: 1,
        pids: [10, 11, 12],
        first: 1,
        last: 4,
      },
      {
        key: 'syscall:read',
        label: 'read',
        kind: 'syscall',
        count: 1,
        denied: 0,
        pids: [11],
        first: 3,
        last: 3,
      },
      {
        key: 'type:exec',
        label: 'exec',
        kind: 'other',
        count: 1,
        denied: 0,
        pids: [10],
        first: 0,
        last: 0,
      },
      {
        key: 'type:stdout',
        label: 'stdout',
        kind: 'other',
        count: 1,
        denied: 0,
        pids: [],
        first: 5,
        last: 5,
      },
    ]);
    expect([...grouped.eventsOf('syscall:openat')]).toEqual([1, 2, 4]);
    expect(grouped.eventsOf('syscall:nope').length).toBe(0);
  });

  it('groups only what the filter shows, and catches up incrementally', () => {
    const buffer = bufferOf([ev.syscall('openat', 1, 10), ev.syscall('read', 2, 11)]);
    const rows = rowsOf(buffer, { pid: 10 });
    rows.update();
    const grouped = new GroupedRows(rows);
    grouped.update();
    expect(grouped.groups().map((g) => [g.label, g.count])).toEqual([['openat', 1]]);
    expect(grouped.update()).toBe(false);
    buffer.append([ev.syscall('openat', 3, 10), ev.syscall('close', 4, 10)]);
    rows.update();
    expect(grouped.update()).toBe(true);
    expect(grouped.groups().map((g) => [g.label, g.count])).toEqual([
      ['openat', 2],
      ['close', 1],
    ]);
  });
});

function withUpdate(rows: FilteredRows): FilteredRows {
  rows.update();
  return rows;
}
