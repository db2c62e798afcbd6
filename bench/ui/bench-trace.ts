import type { TraceEvent } from '../../app/trace/events';
import { syntheticTrace } from '../whatif/synthetic-trace';

const isCall = (e: TraceEvent): boolean => e.type === 'syscall' || e.type === 'denied';

/**
 * A run of exactly `count` events shaped like a recorded one: the recording's events before its
 * first syscall (exec, processes), its syscalls repeated in order with pointers moved (paths and
 * names kept), and the events after its last syscall (output, exits) at the end, later in time.
 */
export function benchTrace(recorded: readonly TraceEvent[], count: number): TraceEvent[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be >= 1: ${count}`);
  const first = recorded.findIndex(isCall);
  if (first < 0) throw new Error('the recorded trace has no syscall events to replicate');
  let last = recorded.length - 1;
  while (!isCall(recorded[last] as TraceEvent)) last--;
  const prefix = recorded.slice(0, first).filter((e) => !isCall(e));
  const suffix = recorded.slice(last + 1);
  const ends = Math.min(count - 1, prefix.length + suffix.length);
  const head = prefix.slice(0, ends);
  const tail = suffix.slice(0, ends - head.length);
  const calls = syntheticTrace(recorded, { count: count - head.length - tail.length });
  const lastT = calls.at(-1)?.t ?? 0;
  const shift = lastT - (recorded[last]?.t ?? 0);
  return [...head, ...calls, ...tail.map((e) => ({ ...e, t: e.t + Math.max(0, shift) }))];
}
