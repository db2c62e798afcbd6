import { useRef } from 'react';
import type { TraceEvent } from '../../../app/trace/events';
import { ProcessTreeBuilder, type ProcessNode } from '../../../app/trace/process-tree';
import type { ChunkedBuffer } from '../../state/event-buffer';
import { useRuns } from '../studio-context';

const TREE_EVENTS: ReadonlySet<TraceEvent['type']> = new Set(['process', 'thread', 'exec', 'exit']);

interface Cursor {
  buffer: ChunkedBuffer<TraceEvent> | null;
  builder: ProcessTreeBuilder;
  read: number;
  roots: readonly ProcessNode[];
}

/**
 * The current run's process tree, kept up to date incrementally: each render reads only the
 * events that arrived since the last one (a run may have a million) and rebuilds the snapshot
 * only when one of them changes the tree; a new run starts over.
 */
export function useProcessTree(): readonly ProcessNode[] {
  const events = useRuns((s) => s.events);
  useRuns((s) => s.eventsVersion); // re-render when events arrive
  const cursor = useRef<Cursor>({
    buffer: null,
    builder: new ProcessTreeBuilder(),
    read: 0,
    roots: [],
  });
  const c = cursor.current;
  if (c.buffer !== events) {
    c.buffer = events;
    c.builder = new ProcessTreeBuilder();
    c.read = 0;
    c.roots = [];
  }
  if (c.read < events.length) {
    let changed = false;
    for (const event of events.slice(c.read, events.length)) {
      if (!TREE_EVENTS.has(event.type)) continue;
      c.builder.add(event);
      changed = true;
    }
    c.read = events.length;
    if (changed) c.roots = c.builder.roots();
  }
  return c.roots;
}
