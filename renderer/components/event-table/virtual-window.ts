/** Which rows of a fixed-row-height list to render for the current scroll position. */
export interface VirtualWindow {
  /** First rendered row (inclusive). */
  readonly start: number;
  /** One past the last rendered row. */
  readonly end: number;
  /** Offset in pixels of row `start` from the top of the scrolled content. */
  readonly offsetTop: number;
  /** Height of all rows together: the scrolled content's height. */
  readonly totalHeight: number;
}

export interface WindowInput {
  readonly rowCount: number;
  readonly rowHeight: number;
  readonly scrollTop: number;
  readonly viewportHeight: number;
  /** Extra rows rendered above and below the viewport so fast scrolling shows no gaps. */
  readonly overscan: number;
}

export function visibleWindow(input: WindowInput): VirtualWindow {
  const { rowCount, rowHeight, overscan } = input;
  if (rowHeight <= 0) throw new RangeError(`row height must be positive, got ${rowHeight}`);
  const count = Math.max(0, Math.floor(rowCount));
  const totalHeight = count * rowHeight;
  const viewport = Math.max(0, input.viewportHeight);
  const maxScroll = Math.max(0, totalHeight - viewport);
  const scrollTop = Math.min(Math.max(0, input.scrollTop), maxScroll);
  const firstVisible = Math.floor(scrollTop / rowHeight);
  const lastVisible = Math.ceil((scrollTop + viewport) / rowHeight);
  const start = clamp(firstVisible - overscan, 0, count);
  const end = clamp(lastVisible + overscan, start, count);
  return { start, end, offsetTop: start * rowHeight, totalHeight };
}

/**
 * Whether the list is scrolled to (within `tolerance` pixels of) its bottom: new rows keep it
 * pinned there; once the user scrolls up, it stays where they left it.
 */
export function isPinnedToBottom(
  scrollTop: number,
  viewportHeight: number,
  contentHeight: number,
  tolerance = 4,
): boolean {
  return scrollTop + viewportHeight >= contentHeight - tolerance;
}

/** The scrollTop that shows the last row at the bottom of the viewport. */
export function bottomScrollTop(contentHeight: number, viewportHeight: number): number {
  return Math.max(0, contentHeight - viewportHeight);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
