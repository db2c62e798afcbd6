import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bottomScrollTop, isPinnedToBottom, visibleWindow } from './virtual-window';

describe('visibleWindow', () => {
  const base = { rowHeight: 20, viewportHeight: 100, overscan: 0 };

  it('renders the rows in view at the top', () => {
    expect(visibleWindow({ ...base, rowCount: 1000, scrollTop: 0 })).toEqual({
      start: 0,
      end: 5,
      offsetTop: 0,
      totalHeight: 20_000,
    });
  });

  it('includes partly visible rows and the overscan on both sides', () => {
    const w = visibleWindow({ ...base, rowCount: 1000, scrollTop: 210, overscan: 3 });
    // rows 10 (partly) .. 15 (partly) are visible
    expect(w).toEqual({ start: 7, end: 19, offsetTop: 140, totalHeight: 20_000 });
  });

  it('clamps at the end of the list and when scrolled past it', () => {
    const w = visibleWindow({ ...base, rowCount: 50, scrollTop: 99_999, overscan: 2 });
    expect(w.end).toBe(50);
    expect(w.start).toBe(43);
  });

  it('is empty for no rows and tolerates a zero viewport', () => {
    expect(visibleWindow({ ...base, rowCount: 0, scrollTop: 0 })).toEqual({
      start: 0,
      end: 0,
      offsetTop: 0,
      totalHeight: 0,
    });
    const w = visibleWindow({ ...base, rowCount: 10, scrollTop: 0, viewportHeight: 0 });
    expect(w.start).toBe(0);
    expect(w.end).toBe(0);
  });

  it('renders a bounded number of rows for 100,000 events', () => {
    const w = visibleWindow({
      rowCount: 100_000,
      rowHeight: 22,
      scrollTop: 1_000_000,
      viewportHeight: 600,
      overscan: 12,
    });
    expect(w.end - w.start).toBeLessThanOrEqual(Math.ceil(600 / 22) + 1 + 24);
    expect(w.totalHeight).toBe(2_200_000);
  });

  it('rejects a non-positive row height', () => {
    expect(() => visibleWindow({ ...base, rowHeight: 0, rowCount: 1, scrollTop: 0 })).toThrow();
  });

  it('always covers the viewport and stays inside the list', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200_000 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 5_000_000 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 30 }),
        (rowCount, rowHeight, scrollTop, viewportHeight, overscan) => {
          const w = visibleWindow({ rowCount, rowHeight, scrollTop, viewportHeight, overscan });
          expect(0 <= w.start && w.start <= w.end && w.end <= rowCount).toBe(true);
          expect(w.offsetTop).toBe(w.start * rowHeight);
          const maxScroll = Math.max(0, rowCount * rowHeight - viewportHeight);
          const top = Math.min(scrollTop, maxScroll);
          const firstVisible = Math.floor(top / rowHeight);
          const lastVisible = Math.min(rowCount, Math.ceil((top + viewportHeight) / rowHeight));
          if (lastVisible > firstVisible) {
            expect(w.start).toBeLessThanOrEqual(firstVisible);
            expect(w.end).toBeGreaterThanOrEqual(lastVisible);
          }
          expect(w.end - w.start).toBeLessThanOrEqual(
            Math.ceil(viewportHeight / rowHeight) + 1 + 2 * overscan,
          );
        },
      ),
    );
  });
});

describe('sticky bottom', () => {
  it('is pinned at the bottom, within a tolerance', () => {
    expect(isPinnedToBottom(900, 100, 1000)).toBe(true);
    expect(isPinnedToBottom(897, 100, 1000)).toBe(true);
    expect(isPinnedToBottom(850, 100, 1000)).toBe(false);
    expect(isPinnedToBottom(0, 100, 50)).toBe(true); // content shorter than the viewport
  });

  it('scrolls to the last row', () => {
    expect(bottomScrollTop(1000, 100)).toBe(900);
    expect(bottomScrollTop(50, 100)).toBe(0);
  });
});
