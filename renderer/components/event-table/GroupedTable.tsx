import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { eventCells, formatTime } from './event-cells';
import type { FilteredRows } from './filtered-rows';
import { GroupedRows, type EventGroup } from './grouped-rows';
import { ROW_HEIGHT } from './EventTable';
import { visibleWindow } from './virtual-window';
import { useTraceView } from '../trace-views/use-trace-stores';
import { useStudio } from '../studio-context';

const OVERSCAN = 12;
const SHOWN_PIDS = 4;

type Line =
  | { readonly kind: 'group'; readonly group: EventGroup; readonly expanded: boolean }
  | { readonly kind: 'event'; readonly event: number; readonly nth: number };

/**
 * The filtered events grouped by syscall: one row per syscall (and per other event type) with
 * its count, denials, pids and first and last time. Enter or a click on a group lists its events
 * under it. Virtualized like the event table: only the rows in view exist in the DOM.
 */
export function GroupedTable({ rows, count }: { rows: FilteredRows; count: number }) {
  const { stores } = useStudio();
  const expanded = useTraceView((s) => s.expandedGroup);
  const grouped = useMemo(() => new GroupedRows(rows), [rows]);
  // `count` changes when rows arrive: catch up, then read the groups again.
  const groups = useMemo(() => {
    if (count >= 0) grouped.update();
    return grouped.groups();
  }, [grouped, count]);
  const expandedEvents = useMemo(
    () => (expanded && count >= 0 ? grouped.eventsOf(expanded) : new Int32Array(0)),
    [grouped, expanded, count],
  );
  const lines = useLines(groups, expanded, expandedEvents);
  const { scroller, view, onScroll } = useVirtualScroll(lines.count);

  const rendered = [];
  for (let i = view.start; i < view.end; i++) {
    const line = lines.at(i);
    if (!line) continue;
    rendered.push(
      line.kind === 'group' ? (
        <GroupRow
          key={line.group.key}
          line={i}
          group={line.group}
          expanded={line.expanded}
          onToggle={() => stores.traceView.getState().toggleGroup(line.group.key)}
        />
      ) : (
        <EventLine key={`e${line.event}`} line={i} rows={rows} event={line.event} nth={line.nth} />
      ),
    );
  }

  return (
    <div
      className="event-table grouped-table"
      role="treegrid"
      aria-label="Events grouped by syscall"
      aria-rowcount={lines.count + 1}
      data-testid="grouped-table"
    >
      <div role="rowgroup" className="event-head">
        <div role="row" aria-rowindex={1} className="event-row group-row">
          {['syscall', 'count', 'denied', 'pids', 'first (ms)', 'last (ms)'].map((title) => (
            <div key={title} role="columnheader" className="cell">
              {title}
            </div>
          ))}
        </div>
      </div>
      <div
        role="rowgroup"
        className="event-body"
        ref={scroller}
        onScroll={onScroll}
        tabIndex={0}
        aria-label="Groups, scrollable"
      >
        <div className="event-spacer" style={{ height: view.totalHeight }}>
          <div className="event-window" style={{ transform: `translateY(${view.offsetTop}px)` }}>
            {rendered}
          </div>
        </div>
        {groups.length === 0 ? (
          <div className="event-empty" role="row">
            <span role="cell">
              {rows.query !== '' ? 'No event matches the filter.' : 'No events to group yet.'}
            </span>
          </div>
        ) : null}
      </div>
    </div>
  );
}

function GroupRow(props: {
  line: number;
  group: EventGroup;
  expanded: boolean;
  onToggle: () => void;
}) {
  const { group } = props;
  const more = group.pids.length - SHOWN_PIDS;
  const pids = group.pids.slice(0, SHOWN_PIDS).join(', ') + (more > 0 ? ` +${more}` : '');
  return (
    <div
      role="row"
      aria-rowindex={props.line + 2}
      aria-level={1}
      aria-expanded={props.expanded}
      tabIndex={0}
      className={`event-row group-row${group.denied > 0 ? ' has-denied' : ''}${group.kind === 'other' ? ' other-type' : ''}`}
      onClick={props.onToggle}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          props.onToggle();
        }
      }}
    >
      <div role="gridcell" className="cell cell-name">
        <span className="group-caret" aria-hidden="true">
          {props.expanded ? '▾' : '▸'}
        </span>{' '}
        {group.label}
      </div>
      <div role="gridcell" className="cell cell-count">
        {group.count.toLocaleString('en-US')}
      </div>
      <div role="gridcell" className="cell cell-denied">
        {group.denied > 0 ? group.denied.toLocaleString('en-US') : ''}
      </div>
      <div role="gridcell" className="cell cell-pids" title={group.pids.join(', ')}>
        {pids}
      </div>
      <div role="gridcell" className="cell cell-time">
        {formatTime(group.first)}
      </div>
      <div role="gridcell" className="cell cell-time">
        {formatTime(group.last)}
      </div>
    </div>
  );
}

function EventLine(props: { line: number; rows: FilteredRows; event: number; nth: number }) {
  const event = props.rows.index.source.at(props.event);
  if (!event) return null;
  const cells = eventCells(event);
  return (
    <div
      role="row"
      aria-rowindex={props.line + 2}
      aria-level={2}
      className={`event-row group-event type-${cells.type}${props.nth % 2 ? ' odd' : ''}`}
    >
      <div role="gridcell" className="cell cell-time">
        {cells.time}
      </div>
      <div role="gridcell" className="cell cell-pid">
        {cells.pid}
      </div>
      <div role="gridcell" className="cell cell-tid">
        {cells.tid}
      </div>
      <div role="gridcell" className="cell cell-args" title={cells.argsDetail ?? cells.args}>
        {cells.args || cells.name}
      </div>
      <div role="gridcell" className="cell cell-action">
        {cells.action}
      </div>
    </div>
  );
}

/** The groups with the expanded group's events after it, addressable by line number. */
function useLines(
  groups: readonly EventGroup[],
  expanded: string | null,
  events: Int32Array,
): { count: number; at: (line: number) => Line | undefined } {
  return useMemo(() => {
    const position = expanded === null ? -1 : groups.findIndex((g) => g.key === expanded);
    const extra = position < 0 ? 0 : events.length;
    return {
      count: groups.length + extra,
      at(line: number): Line | undefined {
        if (position < 0 || line <= position) {
          const group = groups[line];
          return group && { kind: 'group', group, expanded: line === position };
        }
        if (line <= position + extra) {
          const nth = line - position - 1;
          return { kind: 'event', event: events[nth] as number, nth };
        }
        const group = groups[line - extra];
        return group && { kind: 'group', group, expanded: false };
      },
    };
  }, [groups, expanded, events]);
}

function useVirtualScroll(rowCount: number) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewportHeight, setViewportHeight] = useState(0);
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setViewportHeight(element.clientHeight));
    observer.observe(element);
    setViewportHeight(element.clientHeight);
    return () => observer.disconnect();
  }, []);
  const view = visibleWindow({
    rowCount,
    rowHeight: ROW_HEIGHT,
    scrollTop,
    viewportHeight,
    overscan: OVERSCAN,
  });
  // Rendered now, not after this frame painted (blank rows past the overscan); see EventTable.
  const onScroll = (): void => flushSync(() => setScrollTop(scroller.current?.scrollTop ?? 0));
  return { scroller, view, onScroll };
}
