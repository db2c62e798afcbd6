import { CompileError, compilePolicy } from '../bpf/compile';
import type { BpfProgram } from '../bpf/program';
import type { Policy } from '../policy/model';
import { parsePolicy, type ParseOptions } from '../policy/parse';
import { EventVerdicts } from './event-verdicts';
import { TraceEvaluation } from './trace-evaluation';
import type { TraceIndex } from './trace-index';

export type WhatIfProgram =
  | { readonly ok: true; readonly program: BpfProgram }
  | { readonly ok: false; readonly message: string };

/**
 * The filter the policy deploys, the same one a run's supervisor judges by (compilePolicy over
 * every arch the policy lists), or why there is none.
 */
export function whatIfProgram(policy: Policy): WhatIfProgram {
  try {
    return { ok: true, program: compilePolicy(policy).program };
  } catch (error) {
    if (error instanceof CompileError) return { ok: false, message: error.message };
    throw error;
  }
}

export type WhatIfOutcome =
  | { readonly ok: true; readonly verdicts: EventVerdicts }
  | { readonly ok: false; readonly message: string };

/** Verdicts of every event of the index under a compiled filter. */
export function judgeTrace(program: BpfProgram, index: TraceIndex): EventVerdicts {
  return new EventVerdicts(new TraceEvaluation(program, index));
}

/**
 * Policy text → the verdict of every recorded event: all that one keystroke costs (parse, compile,
 * evaluate each distinct tuple, map to events). A policy with errors yields the first one.
 */
export function whatIfForText(
  text: string,
  index: TraceIndex,
  options: ParseOptions = {},
): WhatIfOutcome {
  const { policy, diagnostics } = parsePolicy(text, options);
  if (!policy) {
    const first = diagnostics.find((d) => d.severity === 'error');
    const where = first
      ? `line ${first.range.start.line}, column ${first.range.start.column}: `
      : '';
    return { ok: false, message: `${where}${first?.message ?? 'the policy has errors'}` };
  }
  const compiled = whatIfProgram(policy);
  if (!compiled.ok) return compiled;
  return { ok: true, verdicts: judgeTrace(compiled.program, index) };
}
