import type { TraceEvent } from '../../app/trace/events';
import { TraceIndex } from '../../app/trace/trace-index';
import type { ChunkedBuffer } from './event-buffer';

const indexes = new WeakMap<ChunkedBuffer<TraceEvent>, TraceIndex>();

/**
 * The one index of a run's events, shared by the table's filters, the groups and the charts so
 * that a million-event run is indexed once; it lives as long as the run's buffer.
 */
export function traceIndexOf(events: ChunkedBuffer<TraceEvent>): TraceIndex {
  let index = indexes.get(events);
  if (!index) {
    index = new TraceIndex(events);
    indexes.set(events, index);
  }
  return index;
}
