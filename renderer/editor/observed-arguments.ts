import type { TraceEvent } from '../../app/trace/events';

/** What a run saw of one syscall's arguments. */
export interface ObservedSyscall {
  /** Calls with all six arguments known. */
  readonly calls: number;
  /**
   * Per argument, its distinct values (64-bit, unsigned), or null when there were more than the
   * limit: such an argument varies too much to list.
   */
  readonly values: readonly (ReadonlySet<bigint> | null)[];
}

export type ObservedArguments = ReadonlyMap<string, ObservedSyscall>;

/** More distinct values than this and an argument is not worth listing in a condition. */
export const MAX_DISTINCT_VALUES = 8;

interface Tally {
  calls: number;
  readonly values: (Set<bigint> | null)[];
}

function parseArgument(text: string): bigint | undefined {
  try {
    return BigInt.asUintN(64, BigInt(text));
  } catch {
    return undefined;
  }
}

/**
 * Tallies argument values event by event, so a growing run is counted once: `add` the events as
 * they come, read `observed` whenever (it is the live tally, not a copy).
 */
export class ArgumentTally {
  readonly #tallies = new Map<string, Tally>();

  constructor(private readonly limit = MAX_DISTINCT_VALUES) {}

  get observed(): ObservedArguments {
    return this.#tallies;
  }

  /** Counts a `syscall` (learn) or `denied` (check) event; kernel audit records have no arguments. */
  add(event: TraceEvent): void {
    if ((event.type !== 'syscall' && event.type !== 'denied') || event.args.length !== 6) return;
    const args = event.args.map(parseArgument);
    if (args.some((a) => a === undefined)) return;
    let tally = this.#tallies.get(event.name);
    if (!tally) {
      tally = { calls: 0, values: Array.from({ length: 6 }, () => new Set<bigint>()) };
      this.#tallies.set(event.name, tally);
    }
    tally.calls++;
    args.forEach((value, i) => {
      const seen = tally.values[i];
      if (!seen || value === undefined) return;
      seen.add(value);
      if (seen.size > this.limit) tally.values[i] = null;
    });
  }
}

/**
 * The distinct argument values of each syscall in a run's events: learn runs report the syscalls
 * the policy does not allow yet (`syscall`), check runs the denied ones (`denied`).
 */
export function observedArguments(
  events: Iterable<TraceEvent>,
  limit = MAX_DISTINCT_VALUES,
): ObservedArguments {
  const tally = new ArgumentTally(limit);
  for (const event of events) tally.add(event);
  return tally.observed;
}
