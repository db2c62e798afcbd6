import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../trace/events';
import { inStartOrder, StartOrder } from './strace-order';

const at = (t: number, pid: number): TraceEvent => ({ type: 'signal', t, pid, signal: 'SIGCHLD' });

describe('StartOrder', () => {
  it('passes events on in order and holds the ones that started earlier', () => {
    const order = new StartOrder<TraceEvent>();
    expect([at(1, 1), at(2, 2), at(2, 3), at(1.5, 4), at(3, 5)].map((e) => order.add(e))).toEqual([
      true,
      true,
      true,
      false,
      true,
    ]);
    expect(order.lateCount).toBe(1);
    const late = order.takeLate();
    expect(late.before(1)).toEqual([]);
    expect(late.before(2)).toEqual([at(1.5, 4)]);
    expect(late.rest()).toEqual([]);
    late.rewind();
    expect(late.rest()).toEqual([at(1.5, 4)]);
  });

  it('gives what a stable sort by time gives, holding only the late events', () => {
    const event = fc
      .tuple(fc.integer({ min: 0, max: 20 }), fc.nat(1000))
      .map(([t, pid]) => at(t, pid));
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) => {
        const sorted = [...events].sort((a, b) => a.t - b.t);
        expect(inStartOrder(events)).toEqual(sorted);
      }),
      { numRuns: 500 },
    );
  });

  it('holds nothing for a log already in order', () => {
    const order = new StartOrder<TraceEvent>();
    for (let i = 0; i < 100; i++) order.add(at(Math.floor(i / 3), i));
    expect(order.lateCount).toBe(0);
  });
});
