import { groupDigits } from '../learn/learn-report';
import type { KeystrokeTiming, WhatIfFigures } from './measure-whatif';

/** What the figures were measured on, for the report's header. */
export interface WhatIfContext {
  readonly recording: string;
  readonly recordedEvents: number;
  readonly edit: string;
  readonly splitSyscall: string;
  readonly conditioned: readonly string[];
  readonly targetMs: number;
}

export interface WhatIfBenchResult {
  readonly context: WhatIfContext;
  readonly figures: WhatIfFigures;
  readonly targetMet: boolean;
}

export function whatIfResult(context: WhatIfContext, figures: WhatIfFigures): WhatIfBenchResult {
  const targetMet = figures.keystroke.totalMs < context.targetMs && figures.disagreements === 0;
  return { context, figures, targetMet };
}

const ms = (value: number): string => `${value.toFixed(1)} ms`;

function phases(t: KeystrokeTiming): string {
  return `parse ${t.parseMs.toFixed(1)}, compile ${t.compileMs.toFixed(1)}, evaluate + per-event map ${t.evaluateMs.toFixed(1)}`;
}

export function formatWhatIfReport(result: WhatIfBenchResult): string {
  const { context: c, figures: f } = result;
  const counts = (k: WhatIfFigures['after']) =>
    `${groupDigits(k.allowed)} allowed now, ${groupDigits(k.changed)} changed, ` +
    `${groupDigits(k.denied)} still denied, ${groupDigits(k.unknown)} unknown`;
  return [
    'Live what-if: policy text → verdict of every recorded event, without running the program',
    `  trace: ${groupDigits(f.events)} events built from ${c.recording} ` +
      `(${groupDigits(c.recordedEvents)} recorded syscalls, repeated with pointer arguments moved)`,
    `  ${groupDigits(f.distinctTuples)} distinct (arch, nr, args) tuples over ${f.syscalls} syscalls; ` +
      `the policy allows ${c.conditioned.length} of them only under an argument condition ` +
      `(${c.conditioned.join(', ')})`,
    `  edit: ${c.edit}`,
    '',
    `  keystroke → updated verdicts, median of ${f.keystrokes}: ${ms(f.keystroke.totalMs)} ` +
      `(${phases(f.keystroke)})  target < ${c.targetMs} ms: ${result.targetMet ? 'met' : 'NOT MET'}`,
    `  first edit after the run: ${ms(f.firstKeystroke.totalMs)}, slowest keystroke: ${ms(f.maxKeystrokeMs)}`,
    `  an edit conditioning ${c.splitSyscall} on an argument for the first time (splits its calls): ` +
      `${ms(f.splitKeystroke.totalMs)}`,
    `  while the run streams: indexing ${ms(f.indexMs)} ` +
      `(${((f.indexMs * 1000) / Math.max(1, f.events)).toFixed(2)} µs per event), ` +
      `judging under the run's policy ${ms(f.liveMs)}`,
    `  emulator runs per keystroke: ${groupDigits(f.filterRuns)}`,
    `  reference, every event through the emulator (median of ${f.referenceRuns}): ` +
      `${ms(f.referenceMs)} — the indexed evaluation is ${f.speedup.toFixed(0)}× faster`,
    `  verdicts equal to the reference on every event: ${f.disagreements === 0 ? 'yes' : `NO, ${groupDigits(f.disagreements)} differ`}`,
    `  before the edit: ${counts(f.before)}`,
    `  after the edit:  ${counts(f.after)}`,
  ].join('\n');
}

export function formatWhatIfJson(result: WhatIfBenchResult): string {
  return JSON.stringify(result, null, 2);
}
