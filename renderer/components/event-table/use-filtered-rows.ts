import { useDeferredValue, useMemo } from 'react';
import { useRuns, useUi } from '../studio-context';
import { FilteredRows } from './filtered-rows';

/** The current run's events under the table's text filter, caught up with every new batch. */
export function useFilteredRows(): { rows: FilteredRows; count: number; filter: string } {
  const events = useRuns((s) => s.events);
  const version = useRuns((s) => s.eventsVersion);
  const filter = useDeferredValue(useUi((s) => s.eventFilter));
  const rows = useMemo(() => new FilteredRows(events, filter), [events, filter]);
  // The buffer grows in place; `version` says when, and update() scans only what is new.
  const count = useMemo(() => (version >= 0 ? rows.update() : 0), [rows, version]);
  return { rows, count, filter };
}
