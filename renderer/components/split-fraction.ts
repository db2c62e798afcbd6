export const MIN_FRACTION = 0.2;
export const MAX_FRACTION = 0.8;

/** The editor's share of the width, kept where both panes stay usable. */
export function clampFraction(fraction: number): number {
  if (!Number.isFinite(fraction)) return 0.5;
  return Math.min(MAX_FRACTION, Math.max(MIN_FRACTION, fraction));
}
