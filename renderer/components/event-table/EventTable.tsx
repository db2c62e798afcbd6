import { useLayoutEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { COLUMN_TITLES, EVENT_COLUMNS, eventCells } from './event-cells';
import type { FilteredRows } from './filtered-rows';
import { bottomScrollTop, isPinnedToBottom, visibleWindow } from './virtual-window';
import { WhatIfCell, WhatIfHeader } from '../whatif/WhatIfCell';

export const ROW_HEIGHT = 22;
const CONTENTS = { display: 'contents' } as const;
const OVERSCAN = 12;

/**
 * The run's events as a table that stays fast at hundreds of thousands of rows: rows have one
 * fixed height and only those in (or near) the viewport exist in the DOM. New rows keep the view
 * pinned to the bottom until the user scrolls up; "Jump to latest" pins it again.
 */
export function EventTable({ rows, count }: { rows: FilteredRows; count: number }) {
  const scroller = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewportHeight, setViewportHeight] = useState(0);
  const [showJump, setShowJump] = useState(false);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setViewportHeight(element.clientHeight));
    observer.observe(element);
    setViewportHeight(element.clientHeight);
    return () => observer.disconnect();
  }, []);

  // A new run or another filter: start at the newest rows again.
  useLayoutEffect(() => {
    pinned.current = true;
  }, [rows]);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    if (pinned.current) {
      element.scrollTop = bottomScrollTop(count * ROW_HEIGHT, element.clientHeight);
      setScrollTop(element.scrollTop);
    }
    setShowJump(!pinned.current && count * ROW_HEIGHT > element.clientHeight);
  }, [count, viewportHeight, rows]);

  const onScroll = (): void => {
    const element = scroller.current;
    if (!element) return;
    pinned.current = isPinnedToBottom(
      element.scrollTop,
      element.clientHeight,
      count * ROW_HEIGHT,
      ROW_HEIGHT / 2,
    );
    // Rendered now, not at React's next task: that runs after this frame painted, and a fast
    // scroll would paint blank rows past the overscan.
    flushSync(() => {
      setShowJump(!pinned.current);
      setScrollTop(element.scrollTop);
    });
  };

  const jumpToLatest = (): void => {
    const element = scroller.current;
    if (!element) return;
    pinned.current = true;
    element.scrollTop = bottomScrollTop(count * ROW_HEIGHT, element.clientHeight);
    setShowJump(false);
  };

  const view = visibleWindow({
    rowCount: count,
    rowHeight: ROW_HEIGHT,
    scrollTop,
    viewportHeight,
    overscan: OVERSCAN,
  });

  return (
    <div className="event-table" data-testid="event-table">
      {/* The table role sits on a layout-less wrapper: "Jump to latest" is no row (axe). */}
      <div role="table" aria-label="Run events" aria-rowcount={count + 1} style={CONTENTS}>
        <div role="rowgroup" className="event-head">
          <div role="row" aria-rowindex={1} className="event-row">
            {EVENT_COLUMNS.map((column) => (
              <div key={column} role="columnheader" className={`cell cell-${column}`}>
                {COLUMN_TITLES[column]}
              </div>
            ))}
            <WhatIfHeader />
          </div>
        </div>
        <div
          role="rowgroup"
          className="event-body"
          ref={scroller}
          onScroll={onScroll}
          tabIndex={0}
          aria-label="Events, scrollable"
        >
          <div className="event-spacer" style={{ height: view.totalHeight }}>
            <div className="event-window" style={{ transform: `translateY(${view.offsetTop}px)` }}>
              {rowsIn(view.start, view.end, rows)}
            </div>
          </div>
          {count === 0 ? <EmptyState filtered={rows.query !== ''} /> : null}
        </div>
      </div>
      {showJump ? (
        <button type="button" className="jump-latest" onClick={jumpToLatest}>
          Jump to latest ↓
        </button>
      ) : null}
    </div>
  );
}

function rowsIn(start: number, end: number, rows: FilteredRows) {
  const rendered = [];
  for (let row = start; row < end; row++) {
    const event = rows.event(row);
    if (!event) continue;
    const cells = eventCells(event);
    // Output lines, exec command lines and messages have no arguments: let them use that room.
    const wide = cells.args === '' && cells.action === '';
    const columns = wide ? EVENT_COLUMNS.slice(0, 5) : EVENT_COLUMNS;
    rendered.push(
      <div
        key={row}
        role="row"
        aria-rowindex={row + 2}
        className={`event-row type-${cells.type}${row % 2 ? ' odd' : ''}`}
      >
        {columns.map((column) => (
          <div
            key={column}
            role="cell"
            className={`cell cell-${column}${wide && column === 'name' ? ' cell-wide' : ''}`}
            aria-colspan={wide && column === 'name' ? 3 : undefined}
            title={
              column === 'args'
                ? (cells.argsDetail ?? cells.args)
                : column === 'name'
                  ? cells.name
                  : undefined
            }
          >
            {cells[column]}
          </div>
        ))}
        <WhatIfCell index={rows.eventIndex(row) ?? -1} event={event} />
      </div>,
    );
  }
  return rendered;
}

function EmptyState({ filtered }: { filtered: boolean }) {
  return (
    // A row, so that the table's body is never an empty rowgroup (axe: aria-required-children).
    <div className="event-empty" role="row">
      <span role="cell">
        {filtered
          ? 'No event matches the filter.'
          : 'Events of the run appear here: syscalls, denials, output and exits.'}
      </span>
    </div>
  );
}
