import '../../styles/trace-views.css';
import type { KeyboardEvent, ReactNode } from 'react';
import { useId } from 'react';
import { TRACE_TABS, TRACE_TAB_TITLES, type TraceTab } from '../../state/trace-view-store';
import type { FilteredRows } from '../event-table/filtered-rows';
import { GroupedTable } from '../event-table/GroupedTable';
import { SavedRunsView } from '../saved-runs/SavedRunsView';
import { OpenedRunBanner } from '../saved-runs/OpenedRunBanner';
import { Histogram } from '../trace-charts/Histogram';
import { Timeline } from '../trace-charts/Timeline';
import { useStudio } from '../studio-context';
import { useTraceView } from './use-trace-stores';

/**
 * The run's trace as tabs: the event table (its filter bar and table are `children`, grouped by
 * syscall on demand), a per-syscall histogram, a timeline by process, and the saved runs (open,
 * export, compare). The event table stays mounted behind the other tabs, keeping its scroll.
 */
export function TraceViews(props: { rows: FilteredRows; count: number; children: ReactNode }) {
  const { stores } = useStudio();
  const tab = useTraceView((s) => s.tab);
  const grouped = useTraceView((s) => s.grouped);
  const base = useId();
  const tabId = (t: TraceTab) => `${base}-tab-${t}`;
  const panelId = (t: TraceTab) => `${base}-panel-${t}`;

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next =
      TRACE_TABS[(TRACE_TABS.indexOf(tab) + step + TRACE_TABS.length) % TRACE_TABS.length];
    if (!next) return;
    stores.traceView.getState().setTab(next);
    document.getElementById(tabId(next))?.focus();
  };

  return (
    <div className="trace-views">
      <OpenedRunBanner />
      <div className="trace-tabs" role="tablist" aria-label="Trace views" onKeyDown={onKeyDown}>
        {TRACE_TABS.map((t) => (
          <button
            key={t}
            id={tabId(t)}
            type="button"
            role="tab"
            aria-selected={t === tab}
            aria-controls={panelId(t)}
            tabIndex={t === tab ? 0 : -1}
            className={`trace-tab${t === tab ? ' active' : ''}`}
            onClick={() => stores.traceView.getState().setTab(t)}
          >
            {TRACE_TAB_TITLES[t]}
          </button>
        ))}
      </div>
      <div
        id={panelId('events')}
        role="tabpanel"
        aria-labelledby={tabId('events')}
        className={`trace-panel trace-events${grouped ? ' grouped' : ''}`}
        hidden={tab !== 'events'}
      >
        {props.children}
        {grouped && tab === 'events' ? (
          <GroupedTable rows={props.rows} count={props.count} />
        ) : null}
      </div>
      {tab !== 'events' ? (
        <div
          id={panelId(tab)}
          role="tabpanel"
          aria-labelledby={tabId(tab)}
          className={`trace-panel trace-${tab}`}
        >
          {tab === 'histogram' ? <Histogram /> : null}
          {tab === 'timeline' ? <Timeline /> : null}
          {tab === 'runs' ? <SavedRunsView /> : null}
        </div>
      ) : null}
    </div>
  );
}
