import type { TraceEvent } from '../trace/events';
import { ARG_WORDS, auditArchOfLabel, syscallWord, writeArgWords } from './event-data';
import { growInt32, growUint32, growUint8 } from './growable';
import { ProjectionPartition } from './projection-partition';
import { hashTuple, TupleTable, type TupleHead } from './tuple-table';
import { observedOutcome, type ObservedOutcome } from './verdicts';

/** Tuple flags. */
export const TUPLE = {
  /** A kernel audit record: the filter's verdict is known only if it ignores the arguments. */
  noArgs: 1,
  /** Unknown arch, impossible syscall number or arguments that are not 64-bit hex. */
  malformed: 2,
} as const;

/** All tuples of one syscall of one ABI: `seccomp_data.arch` and `seccomp_data.nr`. */
export interface TupleGroup {
  readonly audit: number;
  readonly nr: number;
  /** Tuple ids, in the order they were first seen. */
  readonly tuples: readonly number[];
}

/** Events that are not syscalls (exec, output, exits, ...) have no tuple. */
export const NO_TUPLE = -1;
/** The group of a malformed tuple. */
export const NO_GROUP = -1;

type SyscallLike = Extract<TraceEvent, { type: 'syscall' | 'denied' }>;

/**
 * The distinct (arch, nr, arguments, observed outcome) tuples of a run's syscall and denied
 * events, and which tuple each event is. Built once per run, as events arrive: a what-if
 * evaluation then runs the filter per distinct tuple (or per syscall) instead of per event.
 * An event's hex arguments are read into 12 words (low half first) by character, without
 * allocating, and looked up in a hash table of the tuples: about 1-2 µs per event. Events it
 * cannot judge (unknown arch, bad arguments) share one malformed tuple in no group.
 */
export class TraceIndex {
  readonly #eventTuple = growInt32(4096);
  readonly #words = growUint32(1024 * ARG_WORDS);
  readonly #tupleGroup = growInt32();
  /** Where the tuple is in its group's list. */
  readonly #tuplePosition = growInt32();
  readonly #tupleObserved = growInt32();
  readonly #tupleFlags = growUint8();
  readonly #groups: { audit: number; nr: number; tuples: number[] }[] = [];
  readonly #groupIds = new Map<number, Map<number, number>>();
  readonly #observed: ObservedOutcome[] = [];
  /** Observed-outcome ids by action text: for events of the run, then for audit records. */
  readonly #observedIds: readonly [Map<string, number>, Map<string, number>] = [
    new Map(),
    new Map(),
  ];
  readonly #tupleAudit = growUint32();
  readonly #tupleNr = growUint32();
  readonly #table = new TupleTable();
  readonly #scratch = new Uint32Array(ARG_WORDS);
  readonly #head = { audit: 0, nr: 0, observed: 0, flags: 0 };
  readonly #audits = new Map<string, number | undefined>();
  #malformed = NO_TUPLE;
  readonly #partitions = new Map<string, ProjectionPartition>();

  get eventCount(): number {
    return this.#eventTuple.length;
  }

  get tupleCount(): number {
    return this.#tupleFlags.length;
  }

  get groups(): readonly TupleGroup[] {
    return this.#groups;
  }

  /** Tuple id of each event so far (NO_TUPLE for other events); a view valid until more arrive. */
  eventTuples(): Int32Array {
    return this.#eventTuple.data.subarray(0, this.#eventTuple.length);
  }

  tupleOfEvent(eventIndex: number): number {
    return this.#eventTuple.at(eventIndex) ?? NO_TUPLE;
  }

  /** The 12 argument words of every tuple, tuple `t` at `t * ARG_WORDS`. */
  get words(): Uint32Array {
    return this.#words.data;
  }

  /**
   * Per tuple: its group (NO_GROUP when malformed), its position in the group's list and its
   * observed-outcome id. Raw storage for the evaluation's hot loop: valid up to `tupleCount`,
   * until the index grows.
   */
  tupleColumns(): {
    readonly group: Int32Array;
    readonly position: Int32Array;
    readonly observed: Int32Array;
  } {
    return {
      group: this.#tupleGroup.data,
      position: this.#tuplePosition.data,
      observed: this.#tupleObserved.data,
    };
  }

  get observedCount(): number {
    return this.#observed.length;
  }

  groupOf(tuple: number): number {
    return this.#tupleGroup.at(tuple) ?? NO_GROUP;
  }

  positionInGroup(tuple: number): number {
    return this.#tuplePosition.at(tuple) ?? -1;
  }

  flagsOf(tuple: number): number {
    return this.#tupleFlags.at(tuple) ?? TUPLE.malformed;
  }

  /** Distinct observed outcomes are few: tuples refer to them by id. */
  observedIdOf(tuple: number): number {
    const id = this.#tupleObserved.at(tuple);
    if (id === undefined) throw new RangeError(`no tuple ${tuple} in the trace index`);
    return id;
  }

  observed(id: number): ObservedOutcome {
    const observed = this.#observed[id];
    if (!observed) throw new RangeError(`no observed outcome ${id} in the trace index`);
    return observed;
  }

  /**
   * The group's tuples split by the given argument words (see ProjectionPartition), kept with the
   * index so that later evaluations reading the same words reuse it; caught up on every call.
   */
  partition(groupId: number, argWords: readonly number[]): ProjectionPartition {
    const group = this.#groups[groupId];
    if (!group) throw new RangeError(`no group ${groupId} in the trace index`);
    const key = `${groupId}:${argWords.join(',')}`;
    let partition = this.#partitions.get(key);
    if (!partition) {
      partition = new ProjectionPartition(
        {
          tuples: group.tuples,
          words: () => this.#words.data,
          hasArgs: (t) => (this.flagsOf(t) & TUPLE.noArgs) === 0,
        },
        argWords,
      );
      this.#partitions.set(key, partition);
    }
    partition.update();
    return partition;
  }

  append(events: Iterable<TraceEvent>): void {
    for (const event of events) this.appendEvent(event);
  }

  appendEvent(event: TraceEvent): void {
    if (event.type !== 'syscall' && event.type !== 'denied') {
      this.#eventTuple.push(NO_TUPLE);
      return;
    }
    const head = this.#head;
    const audit = this.#auditOf(event.arch);
    const nr = syscallWord(event.nr);
    const noArgs = event.type === 'denied' && event.args.length === 0;
    const scratch = this.#scratch;
    scratch.fill(0);
    if (
      audit === undefined ||
      nr === undefined ||
      !(noArgs || writeArgWords(event.args, scratch, 0))
    ) {
      this.#eventTuple.push(this.#malformedTuple(event));
      return;
    }
    head.audit = audit;
    head.nr = nr;
    head.observed = this.#observedIdOf(event);
    head.flags = noArgs ? TUPLE.noArgs : 0;
    const hash = hashTuple(head, scratch, 0);
    let tuple = this.#table.find(this, head, scratch, 0, hash);
    if (tuple < 0) {
      tuple = this.#addTuple(head, scratch);
      this.#table.insert(tuple, hash);
    }
    this.#eventTuple.push(tuple);
  }

  /** For the tuple table. */
  headEquals(tuple: number, head: TupleHead): boolean {
    return (
      this.#tupleAudit.data[tuple] === head.audit &&
      this.#tupleNr.data[tuple] === head.nr &&
      this.#tupleObserved.data[tuple] === head.observed &&
      this.#tupleFlags.data[tuple] === head.flags
    );
  }

  #addTuple(head: TupleHead, words: Uint32Array): number {
    const tuple = this.tupleCount;
    const at = this.#words.extend(ARG_WORDS);
    this.#words.data.set(words.subarray(0, ARG_WORDS), at);
    const groupId = this.#groupFor(head.audit, head.nr);
    const tuples = this.#groups[groupId]?.tuples ?? [];
    this.#push(tuple, head, groupId, tuples.length);
    tuples.push(tuple);
    return tuple;
  }

  #push(tuple: number, head: TupleHead, groupId: number, position: number): void {
    if (tuple !== this.tupleCount) throw new Error('internal: tuples are added in order');
    this.#tupleAudit.push(head.audit);
    this.#tupleNr.push(head.nr);
    this.#tupleObserved.push(head.observed);
    this.#tupleFlags.push(head.flags);
    this.#tupleGroup.push(groupId);
    this.#tuplePosition.push(position);
  }

  /** Events that cannot be judged all share one tuple, always `unknown`. */
  #malformedTuple(event: SyscallLike): number {
    if (this.#malformed === NO_TUPLE) {
      this.#malformed = this.tupleCount;
      this.#words.extend(ARG_WORDS);
      const head = { audit: 0, nr: 0, observed: this.#observedIdOf(event), flags: TUPLE.malformed };
      this.#push(this.#malformed, head, NO_GROUP, -1);
    }
    return this.#malformed;
  }

  #auditOf(label: string): number | undefined {
    if (this.#audits.has(label)) return this.#audits.get(label);
    const audit = auditArchOfLabel(label);
    this.#audits.set(label, audit);
    return audit;
  }

  #groupFor(audit: number, nr: number): number {
    let byNr = this.#groupIds.get(audit);
    if (!byNr) this.#groupIds.set(audit, (byNr = new Map()));
    let id = byNr.get(nr);
    if (id === undefined) {
      id = this.#groups.length;
      this.#groups.push({ audit, nr, tuples: [] });
      byNr.set(nr, id);
    }
    return id;
  }

  /** Interned per action text, without building a key string per event. */
  #observedIdOf(event: SyscallLike): number {
    const kindOnly = event.type === 'denied' && event.source === 'audit';
    const byAction = this.#observedIds[kindOnly ? 1 : 0];
    const action = event.action ?? '';
    let id = byAction.get(action);
    if (id === undefined) {
      id = this.#observed.length;
      this.#observed.push(observedOutcome(event));
      byAction.set(action, id);
    }
    return id;
  }
}
