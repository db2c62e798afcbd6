import { z } from 'zod';
import type { TraceEvent } from './events';

/**
 * What a run did, small enough to keep next to a run file and to compare: every distinct syscall
 * with its verdict and how often it happened, the processes and how the first one ended.
 */
export const SyscallCount = z.object({
  name: z.string(),
  /** `denied`: the policy denied it (`action` says how); `observed`: not allowed yet (learn). */
  verdict: z.enum(['denied', 'observed']),
  /** The denial's action (`errno EACCES`, `kill-process`), or the policy's action when learning. */
  action: z.string(),
  count: z.number().int().nonnegative(),
  /** How many distinct processes made it. */
  processes: z.number().int().nonnegative(),
});
export type SyscallCount = z.infer<typeof SyscallCount>;

export const RunExit = z.object({
  pid: z.number().int(),
  code: z.number().int().nullable(),
  signal: z.string().nullable(),
});
export type RunExit = z.infer<typeof RunExit>;

export const RunSummary = z.object({
  events: z.number().int().nonnegative(),
  /** Milliseconds from the start to the last event. */
  duration: z.number().nonnegative(),
  processes: z.number().int().nonnegative(),
  threads: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  /** The exit of the first process the run exec'd (the target itself), if it was seen. */
  targetExit: RunExit.nullable(),
  /** Sorted by name, then verdict, then action. */
  syscalls: z.array(SyscallCount).max(100_000),
});
export type RunSummary = z.infer<typeof RunSummary>;

interface Tally {
  name: string;
  verdict: 'denied' | 'observed';
  action: string;
  count: number;
  pids: Set<number>;
}

/** Builds a RunSummary from events as they arrive (a recording adds batch after batch). */
export class RunSummaryBuilder {
  readonly #tallies = new Map<string, Tally>();
  readonly #pids = new Set<number>();
  readonly #tids = new Set<number>();
  #events = 0;
  #duration = 0;
  #errors = 0;
  #targetPid: number | undefined;
  #targetExit: RunExit | null = null;

  add(events: Iterable<TraceEvent>): void {
    for (const event of events) this.#addOne(event);
  }

  summary(): RunSummary {
    const syscalls = [...this.#tallies.values()]
      .map(({ name, verdict, action, count, pids }) => ({
        name,
        verdict,
        action,
        count,
        processes: pids.size,
      }))
      .sort(compareSyscallCounts);
    return {
      events: this.#events,
      duration: this.#duration,
      processes: this.#pids.size,
      threads: this.#tids.size,
      errors: this.#errors,
      targetExit: this.#targetExit,
      syscalls,
    };
  }

  #addOne(event: TraceEvent): void {
    this.#events++;
    if (event.t > this.#duration) this.#duration = event.t;
    if ('pid' in event) this.#pids.add(event.pid);
    if ('tid' in event) this.#tids.add(event.tid);
    switch (event.type) {
      case 'syscall':
      case 'denied':
        this.#tally(
          event.name,
          event.type === 'denied' ? 'denied' : 'observed',
          event.action ?? '',
          event.pid,
        );
        break;
      case 'exec':
        this.#targetPid ??= event.pid;
        break;
      case 'exit':
        if (event.pid === this.#targetPid || (this.#targetPid === undefined && !this.#targetExit))
          this.#targetExit = { pid: event.pid, code: event.code, signal: event.signal };
        break;
      case 'error':
        if (event.severity !== 'warning') this.#errors++;
        break;
      default:
        break;
    }
  }

  #tally(name: string, verdict: 'denied' | 'observed', action: string, pid: number): void {
    const key = `${name}\u0000${verdict}\u0000${action}`;
    let tally = this.#tallies.get(key);
    if (!tally) {
      tally = { name, verdict, action, count: 0, pids: new Set() };
      this.#tallies.set(key, tally);
    }
    tally.count++;
    tally.pids.add(pid);
  }
}

export function summarizeEvents(events: Iterable<TraceEvent>): RunSummary {
  const builder = new RunSummaryBuilder();
  builder.add(events);
  return builder.summary();
}

export function compareSyscallCounts(a: SyscallCount, b: SyscallCount): number {
  return (
    compareText(a.name, b.name) ||
    compareText(a.verdict, b.verdict) ||
    compareText(a.action, b.action)
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
