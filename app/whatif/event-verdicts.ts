import { growUint8 } from './growable';
import type { TraceEvaluation } from './trace-evaluation';
import { NO_TUPLE } from './trace-index';
import { outcomeLabel, VERDICT, verdictName, type WhatIfVerdict } from './verdicts';

const VERDICT_COUNT = Object.keys(VERDICT).length;

export interface VerdictCounts {
  readonly allowed: number;
  readonly denied: number;
  readonly changed: number;
  readonly unknown: number;
}

/**
 * The what-if verdict of every event of a trace (one byte each, VERDICT codes; `none` for events
 * that are not syscalls), read off the evaluation's verdicts per tuple, with their counts. Grows
 * with the trace: `update` catches up with the index and the evaluation.
 */
export class EventVerdicts {
  readonly evaluation: TraceEvaluation;
  readonly #codes = growUint8(4096);
  readonly #counts = new Float64Array(VERDICT_COUNT);

  constructor(evaluation: TraceEvaluation) {
    this.evaluation = evaluation;
    this.update();
  }

  get length(): number {
    return this.#codes.length;
  }

  /** The verdict code of each event so far; a view valid until the next `update`. */
  codes(): Uint8Array {
    return this.#codes.data.subarray(0, this.#codes.length);
  }

  codeOf(eventIndex: number): number {
    return this.#codes.at(eventIndex) ?? VERDICT.none;
  }

  verdictOf(eventIndex: number): WhatIfVerdict {
    return verdictName(this.codeOf(eventIndex));
  }

  /** The edited policy's action for the event (`allow`, `errno EPERM`), when it is known. */
  outcomeOf(eventIndex: number): string | undefined {
    const tuple = this.evaluation.index.tupleOfEvent(eventIndex);
    const ret = tuple === NO_TUPLE ? undefined : this.evaluation.retOf(tuple);
    return ret === undefined ? undefined : outcomeLabel(ret);
  }

  get counts(): VerdictCounts {
    const c = this.#counts;
    return {
      allowed: c[VERDICT.allowed] ?? 0,
      denied: c[VERDICT.denied] ?? 0,
      changed: c[VERDICT.changed] ?? 0,
      unknown: c[VERDICT.unknown] ?? 0,
    };
  }

  /** Catches up with events (and tuples) the index gained; returns how many events were added. */
  update(): number {
    this.evaluation.update();
    const tuples = this.evaluation.index.eventTuples();
    const tupleCodes = this.evaluation.codes();
    const from = this.#codes.length;
    const added = tuples.length - from;
    if (added <= 0) return 0;
    this.#codes.extend(added);
    const codes = this.#codes.data;
    const counts = this.#counts;
    for (let i = from; i < tuples.length; i++) {
      const tuple = tuples[i] ?? NO_TUPLE;
      const code = tuple === NO_TUPLE ? VERDICT.none : (tupleCodes[tuple] ?? VERDICT.unknown);
      codes[i] = code;
      counts[code] = (counts[code] ?? 0) + 1;
    }
    return added;
  }
}
