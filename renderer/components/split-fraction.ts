export const MIN_FRACTION = 0.2;
export const MAX_FRACTION = 0.8;

/** The editor's share of the width, kept where both panes stay usable. */
export function clampFraction(fraction: number): number {
  if (!Number.isFinite(fraction)) return 0.5;
  return Math.min(MAX_FRACTION, Math.max(MIN_FRACTION, fraction));
}

const KEY_STEP = 0.02;

/**
 * Where a key moves a splitter: arrows along its axis by 2 %, Home/End to the limits; null for
 * other keys (they are left to the page).
 */
export function splitterKeyTarget(
  key: string,
  fraction: number,
  horizontal: boolean,
): number | null {
  const back = horizontal ? 'ArrowLeft' : 'ArrowUp';
  const forward = horizontal ? 'ArrowRight' : 'ArrowDown';
  if (key === back) return clampFraction(fraction - KEY_STEP);
  if (key === forward) return clampFraction(fraction + KEY_STEP);
  if (key === 'Home') return MIN_FRACTION;
  if (key === 'End') return MAX_FRACTION;
  return null;
}
