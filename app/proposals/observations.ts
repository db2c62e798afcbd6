import { isArch } from '../linux/arches';
import { syscallName, type Arch } from '../linux/syscalls';
import type { DeniedEvent, SyscallEvent, TraceEvent } from '../trace/events';
import { argumentShape } from './argument-shapes';

/** Six syscall arguments as seccomp_data holds them (unsigned 64-bit). */
export type CallArgs = readonly [bigint, bigint, bigint, bigint, bigint, bigint];

/**
 * Beyond this many distinct argument tuples per syscall, further ones are counted, not kept: a
 * learn run of a million events may have nearly as many distinct tuples (buffer addresses).
 */
export const MAX_DISTINCT_CALLS = 4096;

/**
 * One syscall on one ABI that a run saw and its policy did not let run: every distinct argument
 * tuple it was called with (up to MAX_DISTINCT_CALLS), how often and by which processes.
 */
export interface SyscallObservation {
  /** The syscall's name in the arch's table. */
  readonly name: string;
  readonly arch: Arch;
  /** `seccomp_data.nr` as the kernel reported it (x32 numbers carry the x32 bit). */
  readonly nr: number;
  readonly count: number;
  readonly pids: readonly number[];
  readonly calls: readonly CallArgs[];
  /** More distinct tuples were seen than `calls` holds. */
  readonly truncated: boolean;
  /**
   * For a syscall whose arguments say what it does (argument-shapes.ts): every distinct tuple of
   * those arguments, in the shape's order, up to MAX_DISTINCT_CALLS; undefined when there were
   * more (then no rule can be narrowed to them) or the syscall has no shape.
   */
  readonly shapedValues?: readonly (readonly bigint[])[];
  /** Some events had no arguments: a kernel audit record (enforce mode) names only the syscall. */
  readonly withoutArguments: boolean;
  /** What the run reported the policy did (`errno EPERM`, `kill-process`), each once. */
  readonly actions: readonly string[];
}

/** An event the studio cannot turn into a rule: an ABI or a number the tables do not know. */
export interface UnplacedObservation {
  readonly label: string;
  readonly arch: string;
  readonly nr: number;
  readonly count: number;
  readonly reason: string;
}

export interface Observations {
  readonly syscalls: readonly SyscallObservation[];
  readonly unplaced: readonly UnplacedObservation[];
}

interface Tally {
  readonly name: string;
  readonly arch: Arch;
  readonly nr: number;
  count: number;
  readonly pids: Set<number>;
  readonly seen: Set<string>;
  readonly calls: CallArgs[];
  truncated: boolean;
  withoutArguments: boolean;
  readonly actions: Set<string>;
  /** The shaped arguments' indexes, and their distinct tuples by text (undefined: too many). */
  readonly shapedArgs: readonly number[];
  shaped: Map<string, readonly bigint[]> | undefined;
}

/**
 * Events a policy change could be about: every denial, and every syscall a learn run saw that
 * the policy did not allow. A `log` action lets the call run already: nothing to propose.
 */
function isCandidate(event: TraceEvent): event is SyscallEvent | DeniedEvent {
  if (event.type === 'denied') return true;
  return event.type === 'syscall' && event.action !== 'log' && event.action !== 'allow';
}

function parseArgs(args: readonly string[]): CallArgs | undefined {
  if (args.length !== 6) return undefined;
  return parseValues(args) as CallArgs | undefined;
}

/**
 * The distinct syscalls of a run's events that the policy did not let run, in order of first
 * appearance. Distinct argument tuples are found by their text, so a million events cost one
 * parse per distinct tuple.
 */
export function collectObservations(events: Iterable<TraceEvent>): Observations {
  const tallies = new Map<string, Tally>();
  const unplaced = new Map<string, UnplacedObservation>();
  for (const event of events) {
    if (!isCandidate(event)) continue;
    const key = `${event.arch}/${event.nr}`;
    let tally = tallies.get(key);
    if (!tally) {
      const name = isArch(event.arch) ? syscallName(event.arch, event.nr) : undefined;
      if (!isArch(event.arch) || name === undefined) {
        const known = unplaced.get(key);
        unplaced.set(key, {
          label: event.name,
          arch: event.arch,
          nr: event.nr,
          count: (known?.count ?? 0) + 1,
          reason: isArch(event.arch)
            ? `syscall number ${event.nr} is not in the ${event.arch} table, so no rule can name it`
            : `the ABI ${event.arch} is not one the studio knows, so no rule can name the syscall`,
        });
        continue;
      }
      tally = newTally(name, event.arch, event.nr);
      tallies.set(key, tally);
    }
    addEvent(tally, event);
  }
  return { syscalls: [...tallies.values()].map(freeze), unplaced: [...unplaced.values()] };
}

function newTally(name: string, arch: Arch, nr: number): Tally {
  return {
    name,
    arch,
    nr,
    count: 0,
    pids: new Set(),
    seen: new Set(),
    calls: [],
    truncated: false,
    withoutArguments: false,
    actions: new Set(),
    shapedArgs: argumentShape(name)?.args.map((shape) => shape.arg) ?? [],
    shaped: new Map(),
  };
}

function addEvent(tally: Tally, event: SyscallEvent | DeniedEvent): void {
  tally.count += 1;
  tally.pids.add(event.pid);
  if (event.action) tally.actions.add(event.action);
  const text = event.args.join(',');
  if (tally.seen.has(text)) return;
  if (tally.calls.length >= MAX_DISTINCT_CALLS) {
    // Past the cap only the shaped arguments are read: narrowing needs all of their values.
    tally.truncated = true;
    addShaped(tally, event.args);
    return;
  }
  const args = parseArgs(event.args);
  if (!args) {
    tally.withoutArguments = true;
    return;
  }
  addShaped(tally, event.args);
  tally.seen.add(text);
  tally.calls.push(args);
}

function addShaped(tally: Tally, args: readonly string[]): void {
  if (!tally.shaped || tally.shapedArgs.length === 0 || args.length !== 6) return;
  const texts = tally.shapedArgs.map((index) => args[index] ?? '0');
  const key = texts.join(',');
  if (tally.shaped.has(key)) return;
  if (tally.shaped.size >= MAX_DISTINCT_CALLS) {
    tally.shaped = undefined;
    return;
  }
  const values = parseValues(texts);
  if (values) tally.shaped.set(key, values);
  else tally.withoutArguments = true;
}

function parseValues(texts: readonly string[]): bigint[] | undefined {
  try {
    return texts.map((text) => BigInt.asUintN(64, BigInt(text)));
  } catch {
    return undefined;
  }
}

function freeze(tally: Tally): SyscallObservation {
  return {
    name: tally.name,
    arch: tally.arch,
    nr: tally.nr,
    count: tally.count,
    pids: [...tally.pids].sort((a, b) => a - b),
    calls: tally.calls,
    truncated: tally.truncated,
    withoutArguments: tally.withoutArguments,
    actions: [...tally.actions],
    ...(tally.shaped &&
      tally.shapedArgs.length > 0 && { shapedValues: [...tally.shaped.values()] }),
  };
}
