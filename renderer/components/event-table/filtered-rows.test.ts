import { describe, expect, it, vi } from 'vitest';
import type { TraceEvent } from '../../../app/trace/events';
import { ChunkedBuffer } from '../../state/event-buffer';
import { testEvents as ev } from '../../test-helpers';
import * as cells from './event-cells';
import { FilteredRows } from './filtered-rows';

function bufferOf(events: TraceEvent[]): ChunkedBuffer<TraceEvent> {
  const buffer = new ChunkedBuffer<TraceEvent>(2);
  buffer.append(events);
  return buffer;
}

describe('FilteredRows', () => {
  it('shows every event without a filter', () => {
    const buffer = bufferOf([ev.exec(), ev.syscall('read')]);
    const rows = new FilteredRows(buffer, ' ');
    expect(rows.update()).toBe(2);
    expect(rows.event(1)).toEqual(ev.syscall('read'));
    expect(rows.eventIndex(2)).toBeUndefined();
  });

  it('maps rows to the matching events', () => {
    const buffer = bufferOf([ev.syscall('openat'), ev.syscall('read'), ev.syscall('openat')]);
    const rows = new FilteredRows(buffer, 'open');
    expect(rows.update()).toBe(2);
    expect([rows.eventIndex(0), rows.eventIndex(1)]).toEqual([0, 2]);
    expect(rows.count).toBe(2);
  });

  it('scans only events that arrived since the last update', () => {
    const buffer = bufferOf([ev.syscall('openat'), ev.syscall('read')]);
    const rows = new FilteredRows(buffer, 'read');
    rows.update();
    const spy = vi.spyOn(cells, 'eventMatches');
    buffer.append([ev.syscall('read'), ev.syscall('write')]);
    expect(rows.update()).toBe(2);
    expect(spy).toHaveBeenCalledTimes(2);
    expect(rows.update()).toBe(2);
    expect(spy).toHaveBeenCalledTimes(2);
    spy.mockRestore();
  });
});
