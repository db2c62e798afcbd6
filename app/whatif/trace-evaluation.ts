import { BpfExecutionError, runFilter, type FilterRun } from '../bpf/emulate';
import type { BpfProgram, SeccompData } from '../bpf/program';
import { argumentWordsRead } from './argument-words';
import { ARG_WORDS, argsOfWords, FIRST_ARG_WORD, IP_WORDS } from './event-data';
import { growInt32, growUint8 } from './growable';
import { NO_CLASS, type ProjectionPartition } from './projection-partition';
import { NO_GROUP, TUPLE, type TraceIndex, type TupleGroup } from './trace-index';
import { classifyOutcome, VERDICT } from './verdicts';

/** The evaluation keeps each distinct return value once and refers to it by a small number. */
type RetId = number;
/** A verdict that cannot be known (no arguments, instruction pointer, unrunnable program). */
const NO_RET: RetId = -1;

/** How one syscall (arch, nr) of the trace is judged under the program. */
type GroupJudgement =
  /** The filter does not look at the arguments: one verdict for every call. */
  | { readonly kind: 'constant'; readonly ret: RetId }
  /** It does: one run per class of tuples that agree on the words it can read. */
  | {
      readonly kind: 'by-words';
      readonly partition: ProjectionPartition;
      /** Return value per class, filled when a class is first needed. */
      readonly classRets: RetId[];
    }
  /** It reads the instruction pointer, which no event records, or the filter cannot run. */
  | { readonly kind: 'unknown' };

export interface EvaluationStats {
  readonly tuples: number;
  /** Emulator runs: one per syscall plus one per further class of argument-dependent ones. */
  readonly filterRuns: number;
}

const ZERO_ARGS: SeccompData['args'] = [0n, 0n, 0n, 0n, 0n, 0n];

/**
 * A compiled filter's verdict on every distinct tuple of a trace index, kept up to date as the
 * index grows (`update`). Each syscall is run once through the emulator; when that run read an
 * argument, its tuples are told apart only by the words the filter can load for that syscall
 * (`argumentWordsRead`), and the emulator runs once per class of tuples agreeing on those.
 */
export class TraceEvaluation {
  readonly program: BpfProgram;
  readonly index: TraceIndex;
  readonly #tupleRet = growInt32();
  readonly #code = growUint8();
  readonly #groups: (GroupJudgement | undefined)[] = [];
  readonly #retValues: number[] = [];
  readonly #retIds = new Map<number, RetId>();
  /** Verdict code by return value id, then by observed-outcome id (-1: not classified yet). */
  readonly #codeTable: Int8Array[] = [];
  #filterRuns = 0;

  constructor(program: BpfProgram, index: TraceIndex) {
    this.program = program;
    this.index = index;
    this.update();
  }

  get stats(): EvaluationStats {
    return { tuples: this.#code.length, filterRuns: this.#filterRuns };
  }

  /** Verdict codes (VERDICT) per tuple; a view valid until the next `update`. */
  codes(): Uint8Array {
    return this.#code.data.subarray(0, this.#code.length);
  }

  codeOf(tuple: number): number {
    return this.#code.at(tuple) ?? VERDICT.unknown;
  }

  /** The filter's return value for the tuple, undefined when its verdict is unknown. */
  retOf(tuple: number): number | undefined {
    return this.#retValues[this.#tupleRet.at(tuple) ?? NO_RET];
  }

  /** Judges the tuples the index gained since the last call. */
  update(): void {
    const total = this.index.tupleCount;
    const from = this.#code.length;
    if (total <= from) return;
    for (const judgement of this.#groups) {
      if (judgement?.kind === 'by-words') judgement.partition.update();
    }
    this.#code.extend(total - from);
    this.#tupleRet.extend(total - from);
    const codes = this.#code.data;
    const rets = this.#tupleRet.data;
    const columns = this.index.tupleColumns();
    for (let tuple = from; tuple < total; tuple++) {
      const ret = this.#judge(
        tuple,
        columns.group[tuple] ?? NO_GROUP,
        columns.position[tuple] ?? 0,
      );
      rets[tuple] = ret;
      codes[tuple] =
        ret === NO_RET ? VERDICT.unknown : this.#codeFor(ret, columns.observed[tuple] ?? 0);
    }
  }

  #judge(tuple: number, groupId: number, position: number): RetId {
    if (groupId === NO_GROUP) return NO_RET;
    const judgement = this.#groups[groupId] ?? this.#judgeGroup(groupId, tuple);
    if (judgement.kind === 'constant') return judgement.ret;
    if (judgement.kind === 'unknown') return NO_RET;
    const cls = judgement.partition.classes[position] ?? NO_CLASS;
    if (cls === NO_CLASS) return NO_RET;
    const known = judgement.classRets[cls];
    if (known !== undefined) return known;
    const representative = judgement.partition.representatives[cls] ?? tuple;
    const args = argsOfWords(this.index.words, representative * ARG_WORDS);
    const run = this.#run(this.#group(groupId), args);
    const ret = run === undefined ? NO_RET : this.#retId(run.ret);
    judgement.classRets[cls] = ret;
    return ret;
  }

  #codeFor(ret: RetId, observedId: number): number {
    let row = this.#codeTable[ret];
    if (!row || observedId >= row.length) {
      const grown = new Int8Array(Math.max(this.index.observedCount, observedId + 1)).fill(-1);
      if (row) grown.set(row);
      this.#codeTable[ret] = row = grown;
    }
    let code = row[observedId] ?? -1;
    if (code < 0) {
      const value = this.#retValues[ret] ?? 0;
      code = classifyOutcome(this.index.observed(observedId), value);
      row[observedId] = code;
    }
    return code;
  }

  #retId(value: number): RetId {
    let id = this.#retIds.get(value);
    if (id === undefined) {
      id = this.#retValues.length;
      this.#retValues.push(value);
      this.#retIds.set(value, id);
    }
    return id;
  }

  #group(groupId: number): TupleGroup {
    const group = this.index.groups[groupId];
    if (!group) throw new RangeError(`no group ${groupId} in the trace index`);
    return group;
  }

  #judgeGroup(groupId: number, tuple: number): GroupJudgement {
    const judgement = this.#firstJudgement(groupId, tuple);
    this.#groups[groupId] = judgement;
    return judgement;
  }

  /** Runs the group's first tuple: that run says whether the syscall's verdict reads arguments. */
  #firstJudgement(groupId: number, tuple: number): GroupJudgement {
    const group = this.#group(groupId);
    const noArgs = (this.index.flagsOf(tuple) & TUPLE.noArgs) !== 0;
    const args = noArgs ? ZERO_ARGS : argsOfWords(this.index.words, tuple * ARG_WORDS);
    const run = this.#run(group, args);
    if (run === undefined) return { kind: 'unknown' };
    if (!run.readsArguments) return { kind: 'constant', ret: this.#retId(run.ret) };
    const words = argumentWordsRead(this.program, group.nr, group.audit);
    const argWords = words.filter((w) => w >= FIRST_ARG_WORD).map((w) => w - FIRST_ARG_WORD);
    if (words.some((w) => IP_WORDS.includes(w)) || argWords.length === 0) {
      return { kind: 'unknown' };
    }
    const partition = this.index.partition(groupId, argWords);
    const classRets: RetId[] = [];
    const cls = partition.classAt(this.index.positionInGroup(tuple));
    if (cls !== NO_CLASS) classRets[cls] = this.#retId(run.ret);
    return { kind: 'by-words', partition, classRets };
  }

  /** One emulator run; undefined when the program cannot be run (it was not verified). */
  #run(group: TupleGroup, args: SeccompData['args']): FilterRun | undefined {
    this.#filterRuns += 1;
    const data: SeccompData = { nr: group.nr, arch: group.audit, instructionPointer: 0n, args };
    try {
      return runFilter(this.program, data);
    } catch (error) {
      if (error instanceof BpfExecutionError) return undefined;
      throw error;
    }
  }
}
