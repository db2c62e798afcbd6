/** What the frame intervals of one scroll say, as the browser painted it. */
export interface FrameStats {
  /** Frame intervals measured (one fewer than frames). */
  readonly frames: number;
  /** Frames per second at the median interval. */
  readonly medianFps: number;
  /** Frames per second at the 95th percentile interval: the slowest 5 % of frames are slower. */
  readonly p5Fps: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  /** Intervals longer than LONG_FRAME_MS: a stutter anyone sees. */
  readonly longFrames: number;
  /** Intervals longer than one frame at 60 fps (with a little slack for timer jitter). */
  readonly droppedFrames: number;
}

export const LONG_FRAME_MS = 50;
export const TARGET_FPS = 60;
/** A 60 Hz frame is 16.7 ms; rAF timestamps jitter by a millisecond or two. */
const DROPPED_FRAME_MS = (1000 / TARGET_FPS) * 1.5;

/** The q-quantile (0..1) of sorted values, by linear interpolation between neighbours. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of no values');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in 0..1, got ${q}`);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  const a = sorted[low] as number;
  const b = sorted[high] as number;
  return a + (b - a) * (at - low);
}

/** Intervals between consecutive requestAnimationFrame timestamps. */
export function frameIntervals(timestamps: readonly number[]): number[] {
  const intervals: number[] = [];
  for (let i = 1; i < timestamps.length; i++) {
    const interval = (timestamps[i] as number) - (timestamps[i - 1] as number);
    if (!Number.isFinite(interval) || interval < 0) {
      throw new RangeError(`frame timestamps must not go back (frame ${i}: ${interval} ms)`);
    }
    intervals.push(interval);
  }
  return intervals;
}

export function frameStats(intervals: readonly number[]): FrameStats {
  if (intervals.length === 0) throw new RangeError('no frame intervals to summarize');
  const sorted = [...intervals].sort((a, b) => a - b);
  const medianMs = quantile(sorted, 0.5);
  const p95Ms = quantile(sorted, 0.95);
  return {
    frames: intervals.length,
    medianFps: fps(medianMs),
    p5Fps: fps(p95Ms),
    medianMs,
    p95Ms,
    maxMs: sorted.at(-1) as number,
    longFrames: intervals.filter((ms) => ms > LONG_FRAME_MS).length,
    droppedFrames: intervals.filter((ms) => ms > DROPPED_FRAME_MS).length,
  };
}

/** Frames per second for one interval; a zero interval (two callbacks in one frame) counts as 1000. */
export function fps(intervalMs: number): number {
  return 1000 / Math.max(1, intervalMs);
}
