import { useRuns, useStudio, useUi } from '../studio-context';

/** The text filter over the event table, and how many events there are. */
export function EventFilter({ shown }: { shown: number }) {
  const { stores } = useStudio();
  const filter = useUi((s) => s.eventFilter);
  const total = useRuns((s) => s.eventCount);
  const observed = useRuns((s) => s.observed.size);
  return (
    <div className="event-filter">
      <input
        type="search"
        value={filter}
        placeholder="Filter events by type, name or action"
        aria-label="Filter events"
        spellCheck={false}
        onChange={(e) => stores.ui.getState().setEventFilter(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') stores.ui.getState().setEventFilter('');
        }}
      />
      <span className="event-counts">
        {filter.trim() && shown !== total ? `${shown.toLocaleString('en-US')} of ` : ''}
        {total.toLocaleString('en-US')} {total === 1 ? 'event' : 'events'}
        {observed > 0 ? ` · ${observed} distinct syscalls observed` : ''}
      </span>
    </div>
  );
}
