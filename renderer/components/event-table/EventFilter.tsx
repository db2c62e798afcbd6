import '../../styles/trace-views.css';
import { useId, useMemo, useState } from 'react';
import {
  CATEGORY_TITLES,
  EVENT_CATEGORIES,
  type EventCategory,
} from '../../../app/trace/event-query';
import { traceIndexOf } from '../../state/trace-index-cache';
import { useRuns, useStudio, useUi } from '../studio-context';
import { useTraceView } from '../trace-views/use-trace-stores';

/**
 * The event table's filters — free text, syscall, pid, tid, verdict or event type — the
 * group-by-syscall switch, and how many events there are.
 */
export function EventFilter({ shown }: { shown: number }) {
  const { stores } = useStudio();
  const text = useUi((s) => s.eventFilter);
  const total = useRuns((s) => s.eventCount);
  const observed = useRuns((s) => s.observed.size);
  const view = stores.traceView.getState();
  const syscall = useTraceView((s) => s.syscall);
  const pid = useTraceView((s) => s.pid);
  const tid = useTraceView((s) => s.tid);
  const category = useTraceView((s) => s.category);
  const grouped = useTraceView((s) => s.grouped);
  const choices = useFilterChoices();
  const ids = { syscalls: useId(), pids: useId(), tids: useId() };
  const filtered =
    text.trim() !== '' || syscall !== '' || pid !== null || tid !== null || category !== 'all';

  return (
    <div className="event-filter trace-filter" role="search" aria-label="Event filters">
      <input
        type="search"
        className="filter-text"
        value={text}
        placeholder="Filter by type, name, action or output"
        aria-label="Filter events"
        spellCheck={false}
        onChange={(e) => stores.ui.getState().setEventFilter(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') stores.ui.getState().setEventFilter('');
        }}
      />
      <input
        className="filter-syscall"
        value={syscall}
        list={ids.syscalls}
        placeholder="syscall"
        aria-label="Only this syscall"
        spellCheck={false}
        onChange={(e) => view.setSyscall(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') view.setSyscall('');
        }}
      />
      <datalist id={ids.syscalls}>
        {choices.syscalls.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      <IdInput
        label="Only this pid"
        placeholder="pid"
        value={pid}
        list={ids.pids}
        onChange={view.setPid}
      />
      <datalist id={ids.pids}>
        {choices.pids.map((value) => (
          <option key={value} value={value} />
        ))}
      </datalist>
      <IdInput
        label="Only this tid"
        placeholder="tid"
        value={tid}
        list={ids.tids}
        onChange={view.setTid}
      />
      <datalist id={ids.tids}>
        {choices.tids.map((value) => (
          <option key={value} value={value} />
        ))}
      </datalist>
      <select
        className="filter-category"
        value={category}
        aria-label="Verdict or event type"
        onChange={(e) => view.setCategory(e.target.value as EventCategory)}
      >
        {EVENT_CATEGORIES.map((value) => (
          <option key={value} value={value}>
            {CATEGORY_TITLES[value]}
          </option>
        ))}
      </select>
      <button
        type="button"
        className={`button filter-group${grouped ? ' active' : ''}`}
        aria-pressed={grouped}
        onClick={() => view.setGrouped(!grouped)}
        title="One row per syscall with its count, pids and first and last time"
      >
        Group by syscall
      </button>
      {filtered ? (
        <button
          type="button"
          className="button filter-clear"
          onClick={() => {
            view.clearFilters();
            stores.ui.getState().setEventFilter('');
          }}
        >
          Clear filters
        </button>
      ) : null}
      <span className="event-counts" aria-live="polite">
        {filtered && shown !== total ? `${shown.toLocaleString('en-US')} of ` : ''}
        {total.toLocaleString('en-US')} {total === 1 ? 'event' : 'events'}
        {observed > 0 ? ` · ${observed} distinct syscalls observed` : ''}
      </span>
    </div>
  );
}

/** A pid or tid box: empty for any; what is not a number is marked and not applied. */
function IdInput(props: {
  label: string;
  placeholder: string;
  value: number | null;
  list: string;
  onChange: (value: number | null) => void;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  const shown = draft ?? (props.value === null ? '' : String(props.value));
  const invalid = draft !== null && draft.trim() !== '' && parseId(draft) === null;
  return (
    <input
      className="filter-id"
      inputMode="numeric"
      value={shown}
      list={props.list}
      placeholder={props.placeholder}
      aria-label={props.label}
      aria-invalid={invalid}
      title={invalid ? 'a process or thread id is a whole number' : undefined}
      onChange={(e) => {
        const next = e.target.value;
        const id = parseId(next);
        if (next.trim() === '' || id !== null) {
          props.onChange(id);
          setDraft(null);
        } else {
          setDraft(next);
        }
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          setDraft(null);
          props.onChange(null);
        }
      }}
    />
  );
}

function parseId(text: string): number | null {
  const trimmed = text.trim();
  if (!/^-?\d{1,10}$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) ? value : null;
}

/** The syscalls, pids and tids of the run, for the boxes' suggestions (refreshed as they grow). */
function useFilterChoices(): { syscalls: string[]; pids: number[]; tids: number[] } {
  const events = useRuns((s) => s.events);
  const version = useRuns((s) => s.eventsVersion);
  const index = traceIndexOf(events);
  index.catchUp();
  const names = index.nameCount;
  const pids = index.pids().length;
  const tids = index.tids().length;
  return useMemo(
    () => ({
      syscalls: index
        .syscallTotals()
        .map((t) => t.name)
        .sort(),
      pids: index.pids(),
      tids: index.tids(),
    }),
    // Recomputed only when a new name, pid or tid appeared, not for every batch.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [index, names, pids, tids, version >= 0],
  );
}
