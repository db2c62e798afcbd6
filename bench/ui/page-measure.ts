/// <reference lib="dom" />
// The function below runs in the browser: the DOM types are its.
/** What the page recorded while it scrolled one phase. */
export interface PageMeasurement {
  /** requestAnimationFrame timestamps, one per frame. */
  readonly timestamps: number[];
  /** Frames painted with part of the viewport not covered by rendered rows (blank rows). */
  readonly blankFrames: number;
  /** Long tasks (> 50 ms on the main thread), as the Long Tasks API reported them. */
  readonly longTasks: number[];
  /** Long animation frames' blocking time, where the Long Animation Frames API exists. */
  readonly longAnimationFrames: number[] | null;
}

export interface PageScrollInput {
  /** CSS selector of the scrolled element (the table's body). */
  readonly scroller: string;
  readonly rowHeight: number;
  /** scrollTop to set at each animation frame. */
  readonly positions: readonly number[];
}

/**
 * Runs IN THE PAGE (page.evaluate serializes it: it may use nothing from outside its body). Sets
 * the table's scrollTop once per animation frame, as a wheel or a dragged scrollbar would, and
 * records each frame's timestamp and whether the rows rendered cover what that frame shows.
 */
export function scrollInPage(input: PageScrollInput): Promise<PageMeasurement> {
  const element = document.querySelector(input.scroller);
  if (!(element instanceof HTMLElement)) {
    return Promise.reject(new Error(`no scrollable element ${input.scroller} in the page`));
  }
  const scroller = element;
  const rowWindow = scroller.querySelector('.event-window');
  const viewport = scroller.clientHeight;
  const longTasks: number[] = [];
  const frames: number[] | null = PerformanceObserver.supportedEntryTypes.includes(
    'long-animation-frame',
  )
    ? []
    : null;
  const observers: PerformanceObserver[] = [];
  const observe = (type: string, into: number[], value: (e: PerformanceEntry) => number) => {
    if (!PerformanceObserver.supportedEntryTypes.includes(type)) return;
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) into.push(value(entry));
    });
    observer.observe({ type, buffered: false });
    observers.push(observer);
  };
  observe('longtask', longTasks, (e) => e.duration);
  if (frames) {
    observe('long-animation-frame', frames, (e) => {
      return (e as PerformanceEntry & { blockingDuration?: number }).blockingDuration ?? 0;
    });
  }

  /** Rows [first, last] in the DOM, by their aria-rowindex (row r has r + 2: 1 is the header). */
  const renderedRows = (): [number, number] | null => {
    const children = rowWindow?.children;
    if (!children || children.length === 0) return null;
    const first = Number(children[0]?.getAttribute('aria-rowindex')) - 2;
    const last = Number(children[children.length - 1]?.getAttribute('aria-rowindex')) - 2;
    return Number.isFinite(first) && Number.isFinite(last) ? [first, last] : null;
  };
  const rowCount = Math.round(scroller.scrollHeight / input.rowHeight);

  return new Promise((resolve) => {
    const timestamps: number[] = [];
    let blankFrames = 0;
    let frame = 0;
    const step = (now: number): void => {
      timestamps.push(now);
      if (frame === input.positions.length) {
        // Let the observers deliver what the last frames produced.
        setTimeout(() => {
          for (const observer of observers) observer.disconnect();
          resolve({ timestamps, blankFrames, longTasks, longAnimationFrames: frames });
        }, 100);
        return;
      }
      const top = input.positions[frame] as number;
      scroller.scrollTop = top;
      // This frame paints `top` with the rows React rendered so far: are they enough?
      const rows = renderedRows();
      const firstShown = Math.floor(top / input.rowHeight);
      const lastShown = Math.min(rowCount - 1, Math.ceil((top + viewport) / input.rowHeight) - 1);
      if (!rows || rows[0] > firstShown || rows[1] < lastShown) blankFrames++;
      frame++;
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });
}
