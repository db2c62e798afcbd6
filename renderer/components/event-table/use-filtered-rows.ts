import { useDeferredValue, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { EventQuery } from '../../../app/trace/event-query';
import { traceIndexOf } from '../../state/trace-index-cache';
import { useRuns, useUi } from '../studio-context';
import { useTraceView } from '../trace-views/use-trace-stores';
import { FilteredRows } from './filtered-rows';

/** The current run's events under the table's filters, caught up with every new batch. */
export function useFilteredRows(): { rows: FilteredRows; count: number; filter: string } {
  const events = useRuns((s) => s.events);
  const version = useRuns((s) => s.eventsVersion);
  const text = useDeferredValue(useUi((s) => s.eventFilter));
  const { syscall, pid, tid, category } = useTraceView(
    useShallow((s) => ({ syscall: s.syscall, pid: s.pid, tid: s.tid, category: s.category })),
  );
  const query = useMemo<EventQuery>(
    () => ({ text, syscall, pid, tid, category }),
    [text, syscall, pid, tid, category],
  );
  const rows = useMemo(() => new FilteredRows(traceIndexOf(events), query), [events, query]);
  // The buffer grows in place; `version` says when, and update() scans only what is new.
  const count = useMemo(() => (version >= 0 ? rows.update() : 0), [rows, version]);
  return { rows, count, filter: text };
}
