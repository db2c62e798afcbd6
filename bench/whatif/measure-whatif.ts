import type { BpfProgram } from '../../app/bpf/program';
import { parsePolicy } from '../../app/policy/parse';
import type { TraceEvent } from '../../app/trace/events';
import { judgeEventDirectly } from '../../app/whatif/direct';
import type { VerdictCounts } from '../../app/whatif/event-verdicts';
import { TraceIndex } from '../../app/whatif/trace-index';
import { judgeTrace, whatIfProgram } from '../../app/whatif/whatif';
import type { EditedPolicy } from './bench-policy';
import { median } from '../learn/stats';

export interface KeystrokeTiming {
  readonly parseMs: number;
  readonly compileMs: number;
  /** Filter runs per distinct tuple (or syscall) and the per-event verdict map. */
  readonly evaluateMs: number;
  readonly totalMs: number;
}

export interface WhatIfFigures {
  readonly events: number;
  readonly distinctTuples: number;
  readonly syscalls: number;
  /** Building the index (once per run, as events arrive), all events at once. */
  readonly indexMs: number;
  /**
   * Judging the trace under the policy the run started with, as the studio does while the run
   * streams; it also splits argument-dependent syscalls by the words the filter reads.
   */
  readonly liveMs: number;
  /** The first edit after the run. */
  readonly firstKeystroke: KeystrokeTiming;
  /** Median over all keystrokes, each phase on its own (they need not add up). */
  readonly keystroke: KeystrokeTiming;
  readonly keystrokes: number;
  readonly maxKeystrokeMs: number;
  /** An edit that conditions a syscall on an argument for the first time: a new split. */
  readonly splitKeystroke: KeystrokeTiming;
  readonly filterRuns: number;
  /** Evaluating every event directly with the emulator: median over `referenceRuns`. */
  readonly referenceMs: number;
  readonly referenceRuns: number;
  /** referenceMs / keystroke.totalMs. */
  readonly speedup: number;
  /** Events on which the indexed and the direct evaluation disagree (must be 0). */
  readonly disagreements: number;
  readonly before: VerdictCounts;
  readonly after: VerdictCounts;
}

export interface MeasureOptions {
  readonly keystrokes: number;
  readonly referenceRuns: number;
  readonly now?: () => number;
}

interface KeystrokeResult {
  readonly timing: KeystrokeTiming;
  readonly program: BpfProgram;
  readonly counts: VerdictCounts;
  readonly codes: Uint8Array;
  readonly filterRuns: number;
}

/** One keystroke: policy text → verdicts of every event, each phase timed. */
function keystroke(text: string, index: TraceIndex, now: () => number): KeystrokeResult {
  const t0 = now();
  const { policy, diagnostics } = parsePolicy(text);
  const t1 = now();
  if (!policy) throw new Error(`the benchmark policy has errors: ${diagnostics[0]?.message}`);
  const compiled = whatIfProgram(policy);
  const t2 = now();
  if (!compiled.ok) throw new Error(`the benchmark policy does not compile: ${compiled.message}`);
  const verdicts = judgeTrace(compiled.program, index);
  const t3 = now();
  return {
    timing: { parseMs: t1 - t0, compileMs: t2 - t1, evaluateMs: t3 - t2, totalMs: t3 - t0 },
    program: compiled.program,
    counts: verdicts.counts,
    codes: verdicts.codes(),
    filterRuns: verdicts.evaluation.stats.filterRuns,
  };
}

function medianTiming(timings: readonly KeystrokeTiming[]): KeystrokeTiming {
  const of = (pick: (t: KeystrokeTiming) => number) => median(timings.map(pick));
  return {
    parseMs: of((t) => t.parseMs),
    compileMs: of((t) => t.compileMs),
    evaluateMs: of((t) => t.evaluateMs),
    totalMs: of((t) => t.totalMs),
  };
}

function directCodes(program: BpfProgram, events: readonly TraceEvent[]): Uint8Array {
  const codes = new Uint8Array(events.length);
  for (let i = 0; i < events.length; i++) codes[i] = judgeEventDirectly(program, events[i]!);
  return codes;
}

function countDifferences(a: Uint8Array, b: Uint8Array): number {
  let differ = Math.abs(a.length - b.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) differ++;
  return differ;
}

/**
 * The live what-if on a recorded trace, as the studio runs it: while the run streams, the trace is
 * indexed and judged under the policy in the editor; then keystrokes alternate between the policy
 * after and before the edit, each timed from text to the verdict of every event; then one edit
 * that conditions a syscall on an argument for the first time. The reference runs every event
 * through the emulator on its own; both must agree.
 */
export function measureWhatIf(
  events: readonly TraceEvent[],
  policy: EditedPolicy,
  options: MeasureOptions,
): WhatIfFigures {
  const now = options.now ?? (() => performance.now());
  const index = new TraceIndex();
  const i0 = now();
  index.append(events);
  const indexMs = now() - i0;
  const live = keystroke(policy.before, index, now);

  const results: KeystrokeResult[] = [];
  for (let k = 0; k < Math.max(2, options.keystrokes); k++) {
    results.push(keystroke(k % 2 === 0 ? policy.after : policy.before, index, now));
  }
  const split = keystroke(policy.split, index, now);
  const after = results[0] ?? live;
  const before = results[1] ?? live;

  const referenceTimes: number[] = [];
  let reference: Uint8Array = new Uint8Array(0);
  for (let r = 0; r < Math.max(1, options.referenceRuns); r++) {
    const t0 = now();
    reference = directCodes(after.program, events);
    referenceTimes.push(now() - t0);
  }
  const referenceMs = median(referenceTimes);
  const keystrokeTiming = medianTiming(results.map((r) => r.timing));
  const differences = [after, before, split].reduce(
    (sum, r) =>
      sum + countDifferences(r.codes, r === after ? reference : directCodes(r.program, events)),
    0,
  );

  return {
    events: events.length,
    distinctTuples: index.tupleCount,
    syscalls: index.groups.length,
    indexMs,
    liveMs: live.timing.totalMs,
    firstKeystroke: after.timing,
    keystroke: keystrokeTiming,
    keystrokes: results.length,
    maxKeystrokeMs: Math.max(...results.map((r) => r.timing.totalMs)),
    splitKeystroke: split.timing,
    filterRuns: after.filterRuns,
    referenceMs,
    referenceRuns: referenceTimes.length,
    speedup: referenceMs / keystrokeTiming.totalMs,
    disagreements: differences,
    before: before.counts,
    after: after.counts,
  };
}
