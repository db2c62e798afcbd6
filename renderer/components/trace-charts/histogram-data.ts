import type { SyscallTotals } from '../../../app/trace/trace-index';

/** The bars of the per-syscall histogram: the most frequent syscalls, most frequent first. */
export interface HistogramData {
  readonly names: readonly string[];
  readonly counts: readonly number[];
  readonly denied: readonly number[];
  /** Syscalls beyond the shown ones, and their events. */
  readonly hidden: { readonly names: number; readonly events: number };
}

/** At most `limit` bars; what does not fit is summed up in `hidden`. */
export function histogramData(totals: readonly SyscallTotals[], limit: number): HistogramData {
  const shown = totals.slice(0, Math.max(0, Math.floor(limit)));
  const rest = totals.slice(shown.length);
  return {
    names: shown.map((t) => t.name),
    counts: shown.map((t) => t.count),
    denied: shown.map((t) => t.denied),
    hidden: { names: rest.length, events: rest.reduce((sum, t) => sum + t.count, 0) },
  };
}

/** How many bars fit in `height` pixels at `barPixels` each (at least one, at most `max`). */
export function barsThatFit(height: number, barPixels: number, max: number): number {
  return Math.max(1, Math.min(max, Math.floor(height / barPixels)));
}
