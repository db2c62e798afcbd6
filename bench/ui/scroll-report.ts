import { groupDigits } from '../learn/learn-report';
import { LONG_FRAME_MS, TARGET_FPS, frameStats, type FrameStats } from './frame-stats';

/** One scroll of one view of one run, as the page measured it. */
export interface ViewMeasurement {
  /** `flat`, `filtered "openat"`, `grouped, read expanded`. */
  readonly view: string;
  /** Rows the view scrolled through. */
  readonly rows: number;
  readonly intervals: readonly number[];
  readonly blankFrames: number;
  readonly longTasks: number;
  /** Long animation frames (null: the browser has no such API). */
  readonly longAnimationFrames: number | null;
}

export interface RunMeasurement {
  readonly events: number;
  /** From the click on Open to every event in the table. */
  readonly openMs: number;
  /** The page's used JS heap once the run is open (null: not exposed). */
  readonly heapBytes: number | null;
  /** From typing the text filter to its row count shown. */
  readonly filterMs: number;
  readonly views: readonly ViewMeasurement[];
}

export interface ScrollBenchResult {
  readonly trace: string;
  readonly browser: string;
  readonly frames: number;
  readonly step: number;
  readonly large: RunMeasurement;
  readonly reference: RunMeasurement;
}

export interface ViewFigures {
  readonly view: string;
  readonly large: FrameStats & { readonly rows: number; readonly blankFrames: number };
  readonly reference: FrameStats & { readonly rows: number; readonly blankFrames: number };
  /** Large run's median fps over the reference's: 1 means the trace's size costs nothing. */
  readonly ratio: number;
  readonly targetMet: boolean;
  readonly longTasks: number;
}

/** Pairs each view of the large run with the same view of the reference. */
export function viewFigures(result: ScrollBenchResult): ViewFigures[] {
  return result.large.views.map((view, i) => {
    const reference = result.reference.views[i];
    if (!reference) throw new Error(`the reference has no ${view.view} measurement`);
    const large = { ...frameStats(view.intervals), rows: view.rows, blankFrames: view.blankFrames };
    const ref = {
      ...frameStats(reference.intervals),
      rows: reference.rows,
      blankFrames: reference.blankFrames,
    };
    return {
      view: view.view,
      large,
      reference: ref,
      ratio: large.medianFps / ref.medianFps,
      targetMet: meetsTarget(large),
      longTasks: view.longTasks,
    };
  });
}

/** 60 fps: the median frame within a 60 Hz frame (5 % slack for timer jitter), no long frame. */
export function meetsTarget(stats: FrameStats): boolean {
  return stats.medianFps >= TARGET_FPS * 0.95 && stats.longFrames === 0;
}

const fps = (n: number): string => n.toFixed(1).padStart(5);

function line(label: string, s: ViewFigures['large']): string {
  return (
    `    ${label.padEnd(10)} ${fps(s.medianFps)} fps median, ${fps(s.p5Fps)} fps 5th pct ` +
    `(${s.medianMs.toFixed(1)} / ${s.p95Ms.toFixed(1)} ms), max ${s.maxMs.toFixed(0)} ms, ` +
    `${s.longFrames} frames > ${LONG_FRAME_MS} ms, ${s.droppedFrames} dropped, ` +
    `${s.blankFrames} with blank rows; ${groupDigits(s.rows)} rows`
  );
}

export function formatScrollReport(result: ScrollBenchResult): string {
  const figures = viewFigures(result);
  const lines = [
    `Event table scrolling in ${result.browser}: ${groupDigits(result.large.events)} events vs a ` +
      `${groupDigits(result.reference.events)}-event reference in the same browser`,
    `  trace: ${result.trace}`,
    `  each view: ${result.frames} frames down and ${result.frames} up at ${result.step} px/frame, ` +
      `then jumps end/top/middle; scrollTop set once per animation frame`,
    `  opening the saved run through the Saved runs tab: ${seconds(result.large.openMs)} ` +
      `(reference ${seconds(result.reference.openMs)}); text filter applied in ` +
      `${seconds(result.large.filterMs)}`,
    `  page JS heap with the run open: ${megabytes(result.large.heapBytes)} ` +
      `(reference ${megabytes(result.reference.heapBytes)})`,
  ];
  for (const f of figures) {
    lines.push(
      `  ${f.view}: target ${TARGET_FPS} fps ${f.targetMet ? 'met' : 'NOT MET'}, ` +
        `${(f.ratio * 100).toFixed(0)} % of the reference's median fps`,
      line('large', f.large),
      line('reference', f.reference),
    );
  }
  const refMet = figures.every((f) => meetsTarget(f.reference));
  if (!refMet) {
    lines.push(
      '  note: the reference does not reach the target either: this browser on this machine ' +
        '(headless, software rendering) caps the frame rate, not the table size.',
    );
  }
  return lines.join('\n');
}

export function formatScrollJson(result: ScrollBenchResult): string {
  const { large, reference, ...context } = result;
  return JSON.stringify(
    {
      ...context,
      openMs: { large: large.openMs, reference: reference.openMs },
      filterMs: { large: large.filterMs, reference: reference.filterMs },
      views: viewFigures(result),
    },
    null,
    2,
  );
}

function megabytes(bytes: number | null): string {
  return bytes === null ? 'not exposed' : `${groupDigits(bytes / 1e6)} MB`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
