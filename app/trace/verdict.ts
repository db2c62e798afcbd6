import type { RunMode } from '../api/contract';
import { checkModeCaveats } from './check-caveats';
import type { DeniedEvent, ErrorEvent, ExitEvent, TraceEvent } from './events';

/** What a finished run amounts to, in one line plus the facts behind it. */
export interface RunVerdict {
  /** Learn: nothing new was used and nothing failed. Check: nothing denied, no error, exit 0. */
  readonly clean: boolean;
  readonly headline: string;
  readonly details: readonly string[];
}

/** One distinct syscall (with its action, for denials) and where it was seen. */
export interface SyscallTally {
  readonly name: string;
  /** The policy's action for denials (`errno EACCES`); empty for learned syscalls. */
  readonly action: string;
  readonly count: number;
  readonly pids: readonly number[];
}

const HEADLINE_NAMES = 10;

interface TallyEntry {
  readonly name: string;
  readonly action: string;
  count: number;
  readonly pids: Set<number>;
}

/**
 * Folds a run's events as they arrive, keeping what a summary needs and not the whole run: every
 * event except syscalls and denials (exec, exit, errors, ...), the first syscall or denial of each
 * name and action, and counts with pids for all of them. A run may have a million events.
 */
export class RunDigest {
  private readonly kept: TraceEvent[] = [];
  private readonly tallies = {
    syscall: new Map<string, TallyEntry>(),
    denied: new Map<string, TallyEntry>(),
  };

  add(event: TraceEvent): void {
    if (event.type !== 'syscall' && event.type !== 'denied') {
      if (event.type !== 'stdout' && event.type !== 'stderr') this.kept.push(event);
      return;
    }
    const action = event.type === 'denied' ? event.action : '';
    const byKey = this.tallies[event.type];
    const key = `${event.name}\u0000${action}`;
    let entry = byKey.get(key);
    if (!entry) {
      entry = { name: event.name, action, count: 0, pids: new Set() };
      byKey.set(key, entry);
      this.kept.push(event);
    }
    entry.count += 1;
    entry.pids.add(event.pid);
  }

  /** The run's events that matter for its summary, in arrival order. */
  get events(): readonly TraceEvent[] {
    return this.kept;
  }

  /** Distinct syscalls of `syscall` or `denied` events, sorted by name, then action. */
  tally(type: 'syscall' | 'denied'): readonly SyscallTally[] {
    return [...this.tallies[type].values()]
      .map((e) => ({ ...e, pids: [...e.pids].sort((a, b) => a - b) }))
      .sort((a, b) => compareText(a.name, b.name) || compareText(a.action, b.action));
  }

  summarize(mode: RunMode): RunVerdict {
    return mode === 'learn'
      ? summarizeLearn(this.kept, this.tally('syscall'))
      : summarizeCheck(mode, this.kept, this.tally('denied'));
  }
}

function digestOf(events: readonly TraceEvent[]): RunDigest {
  const digest = new RunDigest();
  for (const event of events) digest.add(event);
  return digest;
}

/** Distinct syscalls of `syscall` or `denied` events, sorted by name, then action. */
export function tallySyscalls(
  events: readonly TraceEvent[],
  type: 'syscall' | 'denied',
): readonly SyscallTally[] {
  return digestOf(events).tally(type);
}

/** The exit of the target's first process: the exit of the first exec'd pid, else the last exit. */
export function firstProcessExit(events: readonly TraceEvent[]): ExitEvent | undefined {
  const firstExec = events.find((e) => e.type === 'exec');
  const exits = events.filter((e): e is ExitEvent => e.type === 'exit');
  const ofFirst = firstExec ? exits.find((e) => e.pid === firstExec.pid) : undefined;
  return ofFirst ?? exits.at(-1);
}

/** `the process exited with status 1`, `the process was killed by SIGSYS`, ... */
export function describeExit(events: readonly TraceEvent[]): string {
  const exit = firstProcessExit(events);
  if (exit) {
    if (exit.signal !== null) return `the process was killed by ${exit.signal}`;
    return `the process exited with status ${exit.code ?? 'unknown'}`;
  }
  return events.some((e) => e.type === 'exec')
    ? 'the process did not report an exit'
    : 'the target never started';
}

export function summarizeRun(mode: RunMode, events: readonly TraceEvent[]): RunVerdict {
  return digestOf(events).summarize(mode);
}

function summarizeLearn(
  events: readonly TraceEvent[],
  learned: readonly SyscallTally[],
): RunVerdict {
  const errors = errorEvents(events);
  const details = [
    ...learned.map(describeTally),
    ...errors.map(describeError),
    describeExit(events),
  ];
  if (learned.length === 0) {
    const headline = errors[0]
      ? `the run failed: ${errors[0].message}`
      : 'nothing new: the policy already allows everything this run used';
    return { clean: errors.length === 0, headline, details };
  }
  const noun = learned.length === 1 ? 'syscall' : 'syscalls';
  const headline = `learned ${learned.length} ${noun} not yet allowed: ${listNames(learned)}`;
  return { clean: false, headline, details };
}

function summarizeCheck(
  mode: RunMode,
  events: readonly TraceEvent[],
  denials: readonly SyscallTally[],
): RunVerdict {
  const errors = errorEvents(events);
  const exit = firstProcessExit(events);
  const outcome = describeExit(events);
  const caveats = checkModeCaveats(
    mode,
    denials.map((d) => d.action),
  );
  const details = [
    ...denials.map(describeTally),
    ...errors.map(describeError),
    outcome,
    ...caveats,
  ];
  const exitedZero = exit !== undefined && exit.signal === null && exit.code === 0;
  if (denials.length === 0 && errors.length === 0 && exitedZero) {
    return {
      clean: true,
      headline: 'ran cleanly: nothing was denied and the process exited with status 0',
      details,
    };
  }
  return { clean: false, headline: checkHeadline(denials, errors, events, outcome), details };
}

function checkHeadline(
  denials: readonly SyscallTally[],
  errors: readonly ErrorEvent[],
  events: readonly TraceEvent[],
  outcome: string,
): string {
  const first = firstDenial(events);
  if (first) {
    const more = denials.length > 1 ? ` and ${denials.length - 1} more` : '';
    // A kill action that ended the process is the cause of the outcome, not a separate fact.
    const caused = isKillAction(first.action) && firstProcessExit(events)?.signal != null;
    return `denied ${first.name} (${first.action})${more}${caused ? ':' : ';'} ${outcome}`;
  }
  if (errors[0]) return `the run failed: ${errors[0].message}`;
  return `nothing was denied, but ${outcome}`;
}

function firstDenial(events: readonly TraceEvent[]): DeniedEvent | undefined {
  return events.find((e): e is DeniedEvent => e.type === 'denied');
}

function isKillAction(action: string): boolean {
  return action.startsWith('kill') || action === 'trap';
}

/** Errors that failed the run; warnings (best-effort layers) do not. */
function errorEvents(events: readonly TraceEvent[]): ErrorEvent[] {
  return events.filter((e): e is ErrorEvent => e.type === 'error' && e.severity !== 'warning');
}

function describeError(e: ErrorEvent): string {
  return `error: ${e.message}${e.layer ? ` (${e.layer})` : ''}`;
}

function describeTally(t: SyscallTally): string {
  const what = t.action ? `${t.name} (${t.action})` : t.name;
  const times = t.count === 1 ? '1 time' : `${t.count} times`;
  const pids = `${t.pids.length === 1 ? 'pid' : 'pids'} ${t.pids.join(', ')}`;
  return `${what}: ${times}, ${pids}`;
}

function listNames(tallies: readonly SyscallTally[]): string {
  const names = tallies.slice(0, HEADLINE_NAMES).map((t) => t.name);
  const rest = tallies.length - names.length;
  return rest > 0 ? `${names.join(', ')} and ${rest} more` : names.join(', ');
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
