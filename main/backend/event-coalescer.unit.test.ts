import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TraceEvent } from '../../app/trace/events';
import { EventCoalescer } from './event-coalescer';

const out = (i: number): TraceEvent => ({ type: 'stdout', t: i, data: String(i) });

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('EventCoalescer', () => {
  it('sends batches arriving within the delay as one message', () => {
    const sent: TraceEvent[][] = [];
    const c = new EventCoalescer({ delayMs: 30, maxEvents: 100, send: (b) => sent.push(b) });
    c.push([out(1)]);
    vi.advanceTimersByTime(10);
    c.push([out(2), out(3)]);
    vi.advanceTimersByTime(19);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([[out(1), out(2), out(3)]]);
    c.push([out(4)]);
    vi.advanceTimersByTime(30);
    expect(sent).toEqual([[out(1), out(2), out(3)], [out(4)]]);
  });

  it('sends at once when a batch reaches the size limit, in chunks', () => {
    const sent: TraceEvent[][] = [];
    const c = new EventCoalescer({ delayMs: 30, maxEvents: 2, send: (b) => sent.push(b) });
    c.push([out(1), out(2), out(3)]);
    expect(sent).toEqual([[out(1), out(2)], [out(3)]]);
  });

  it('holds events until released, and flushes on demand', () => {
    const sent: TraceEvent[][] = [];
    const c = new EventCoalescer({ delayMs: 30, maxEvents: 1, send: (b) => sent.push(b) });
    c.hold();
    c.push([out(1)]);
    c.flush();
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([]);
    c.release();
    c.push([out(2)]);
    expect(sent).toEqual([[out(1)], [out(2)]]);
  });

  it('drops pending events on dispose', () => {
    const send = vi.fn();
    const c = new EventCoalescer({ delayMs: 30, maxEvents: 100, send });
    c.push([out(1)]);
    c.dispose();
    vi.advanceTimersByTime(100);
    expect(send).not.toHaveBeenCalled();
  });
});
