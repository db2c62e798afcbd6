import { NO_ID, type TraceIndex } from '../../../app/trace/trace-index';

/** One row of the timeline: a process, or all processes beyond the shown ones. */
export interface TimelineLane {
  /** The pid, or NO_ID for the "other processes" lane. */
  readonly pid: number;
  readonly label: string;
}

/**
 * Events over time by process: the time range cut into equal buckets, and per lane how many
 * events and denials fell into each. Built from the trace index's columns in one pass.
 */
export interface TimelineData {
  readonly lanes: readonly TimelineLane[];
  readonly from: number;
  readonly to: number;
  readonly bucketMs: number;
  /** Bucket centers, in ms since the run started. */
  readonly times: Float64Array;
  /** counts[lane][bucket] */
  readonly counts: readonly Uint32Array[];
  readonly denials: readonly Uint32Array[];
  /** The largest count of one bucket in one lane. */
  readonly maxCount: number;
  readonly totalDenials: number;
}

export interface TimelineOptions {
  readonly buckets: number;
  readonly maxLanes: number;
  /** Only events in this time range; the whole run when absent. */
  readonly range?: { readonly from: number; readonly to: number };
  /** What each process ran, for the lane labels. */
  readonly programs?: ReadonlyMap<number, string>;
}

export function timelineData(index: TraceIndex, options: TimelineOptions): TimelineData {
  const length = index.length;
  const lanePids = lanesByFirstSight(index, length);
  const shownPids = lanePids.slice(
    0,
    Math.max(1, options.maxLanes - (lanePids.length > options.maxLanes ? 1 : 0)),
  );
  const laneOf = new Map(shownPids.map((pid, lane) => [pid, lane]));
  const hasOther = shownPids.length < lanePids.length;
  const lanes: TimelineLane[] = shownPids.map((pid) => ({
    pid,
    label: laneLabel(pid, options.programs),
  }));
  if (hasOther)
    lanes.push({ pid: NO_ID, label: `${lanePids.length - shownPids.length} other processes` });

  // The whole run starts at its first process event: the studio's own start-up is not shown.
  const from = options.range?.from ?? firstTime(index, length);
  const to = Math.max(options.range?.to ?? index.lastTime, from + 1e-3);
  const buckets = Math.max(1, Math.floor(options.buckets));
  const bucketMs = (to - from) / buckets;
  const counts = lanes.map(() => new Uint32Array(buckets));
  const denials = lanes.map(() => new Uint32Array(buckets));
  let maxCount = 0;
  let totalDenials = 0;
  for (let i = 0; i < length; i++) {
    const pid = index.pid(i);
    if (pid === NO_ID) continue;
    const time = index.time(i);
    if (time < from || time > to) continue;
    const lane = laneOf.get(pid) ?? (hasOther ? lanes.length - 1 : -1);
    if (lane < 0) continue;
    const bucket = Math.min(buckets - 1, Math.floor((time - from) / bucketMs));
    const laneCounts = counts[lane] as Uint32Array;
    const count = (laneCounts[bucket] ?? 0) + 1;
    laneCounts[bucket] = count;
    if (count > maxCount) maxCount = count;
    if (index.type(i) === 'denied') {
      const laneDenials = denials[lane] as Uint32Array;
      laneDenials[bucket] = (laneDenials[bucket] ?? 0) + 1;
      totalDenials++;
    }
  }
  const times = new Float64Array(buckets);
  for (let b = 0; b < buckets; b++) times[b] = from + (b + 0.5) * bucketMs;
  return { lanes, from, to, bucketMs, times, counts, denials, maxCount, totalDenials };
}

function firstTime(index: TraceIndex, length: number): number {
  let first = Infinity;
  for (let i = 0; i < length; i++) {
    if (index.pid(i) !== NO_ID && index.time(i) < first) first = index.time(i);
  }
  return Number.isFinite(first) ? first : 0;
}

/** Pids in the order they first appear in the trace. */
function lanesByFirstSight(index: TraceIndex, length: number): number[] {
  const seen = new Set<number>();
  const order: number[] = [];
  for (let i = 0; i < length; i++) {
    const pid = index.pid(i);
    if (pid === NO_ID || seen.has(pid)) continue;
    seen.add(pid);
    order.push(pid);
  }
  return order;
}

function laneLabel(pid: number, programs: ReadonlyMap<number, string> | undefined): string {
  const program = programs?.get(pid);
  return program ? `${pid} ${program}` : String(pid);
}

/** 0.15 .. 1: how dark a bucket is drawn; logarithmic so that a few events still show. */
export function intensity(count: number, maxCount: number): number {
  if (count <= 0 || maxCount <= 0) return 0;
  return 0.15 + 0.85 * (Math.log1p(count) / Math.log1p(maxCount));
}
