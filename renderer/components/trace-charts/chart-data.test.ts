import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../app/trace/events';
import { NO_ID, TraceIndex } from '../../../app/trace/trace-index';
import { testEvents as ev } from '../../test-helpers';
import { barsThatFit, histogramData } from './histogram-data';
import { intensity, timelineData } from './timeline-data';

function indexOf(events: TraceEvent[]): TraceIndex {
  const index = new TraceIndex({ length: events.length, at: (i) => events[i] });
  index.catchUp();
  return index;
}

describe('histogramData', () => {
  const totals = [
    { name: 'read', count: 50, denied: 0 },
    { name: 'openat', count: 20, denied: 5 },
    { name: 'close', count: 3, denied: 0 },
    { name: 'mmap', count: 2, denied: 2 },
  ];

  it('keeps the most frequent syscalls and sums up the rest', () => {
    expect(histogramData(totals, 2)).toEqual({
      names: ['read', 'openat'],
      counts: [50, 20],
      denied: [0, 5],
      hidden: { names: 2, events: 5 },
    });
    expect(histogramData(totals, 10).hidden).toEqual({ names: 0, events: 0 });
    expect(histogramData(totals, -1).names).toEqual([]);
  });

  it('fits bars to the height', () => {
    expect(barsThatFit(200, 20, 40)).toBe(10);
    expect(barsThatFit(5, 20, 40)).toBe(1);
    expect(barsThatFit(2000, 20, 40)).toBe(40);
  });
});

describe('timelineData', () => {
  const events: TraceEvent[] = [
    ev.exec(0, 10),
    ev.syscall('read', 1, 10),
    ev.stdout('x', 2),
    ev.syscall('read', 5, 11),
    ev.denied('openat', 'errno EACCES', 9, 11),
    ev.syscall('read', 10, 12),
  ];

  it('counts events and denials per process and time bucket', () => {
    const data = timelineData(indexOf(events), {
      buckets: 2,
      maxLanes: 10,
      programs: new Map([[10, 'ls']]),
    });
    expect(data.lanes).toEqual([
      { pid: 10, label: '10 ls' },
      { pid: 11, label: '11' },
      { pid: 12, label: '12' },
    ]);
    expect([data.from, data.to, data.bucketMs]).toEqual([0, 10, 5]);
    expect([...data.times]).toEqual([2.5, 7.5]);
    expect(data.counts.map((c) => [...c])).toEqual([
      [2, 0],
      [0, 2],
      [0, 1],
    ]);
    expect(data.denials.map((c) => [...c])).toEqual([
      [0, 0],
      [0, 1],
      [0, 0],
    ]);
    expect(data.maxCount).toBe(2);
    expect(data.totalDenials).toBe(1);
  });

  it('puts processes beyond the lane limit into one lane', () => {
    const data = timelineData(indexOf(events), { buckets: 1, maxLanes: 2 });
    expect(data.lanes).toEqual([
      { pid: 10, label: '10' },
      { pid: NO_ID, label: '2 other processes' },
    ]);
    expect(data.counts.map((c) => [...c])).toEqual([[2], [3]]);
  });

  it('looks at a time range only', () => {
    const data = timelineData(indexOf(events), {
      buckets: 4,
      maxLanes: 10,
      range: { from: 4, to: 10 },
    });
    expect(data.counts.reduce((sum, lane) => sum + lane.reduce((a, b) => a + b, 0), 0)).toBe(3);
    expect(data.from).toBe(4);
  });

  it('copes with an empty trace', () => {
    const data = timelineData(indexOf([]), { buckets: 3, maxLanes: 5 });
    expect(data.lanes).toEqual([]);
    expect(data.maxCount).toBe(0);
  });

  it('draws a few events lighter than many, never invisible', () => {
    expect(intensity(0, 10)).toBe(0);
    expect(intensity(1, 1000)).toBeGreaterThanOrEqual(0.15);
    expect(intensity(1000, 1000)).toBeCloseTo(1);
    expect(intensity(10, 1000)).toBeLessThan(intensity(100, 1000));
  });
});
