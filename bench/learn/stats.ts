/** The median of a non-empty list (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty list');
  const sorted = [...values].sort((x, y) => x - y);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Events per second for `count` events in `ms` milliseconds; undefined when not measurable. */
export function perSecond(count: number, ms: number): number | undefined {
  return ms > 0 && Number.isFinite(ms) ? (count * 1000) / ms : undefined;
}

/**
 * `numerator / denominator` of two durations; undefined when either is not a duration (negative,
 * as a difference of noisy medians can be) or the denominator is zero.
 */
export function ratio(numerator: number, denominator: number): number | undefined {
  const durations = Number.isFinite(numerator) && Number.isFinite(denominator);
  return durations && numerator >= 0 && denominator > 0 ? numerator / denominator : undefined;
}
