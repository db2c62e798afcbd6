import type { ErrorEvent, ExecEvent, TraceEvent } from '../trace/events';
import type { FormatWarning } from './format-result';
import { parseStraceLog, type StraceOptions } from './strace-log';
import { inStartOrder } from './strace-order';

/*
 * An strace log as a run of the studio: its events in the order the calls started (strace writes
 * a call split by another thread's call when it ends), the command it traced, and what the log
 * could not say exactly as warnings. The CLI prints the events (`import strace --trace`); the
 * backend saves them as a run file (main/backend/strace-import.ts).
 */

export interface StraceRun {
  /** By start time; calls that started at the same time keep the log's order. */
  readonly events: readonly TraceEvent[];
  readonly warnings: readonly FormatWarning[];
  /** The first exec's program and arguments; empty when the log shows no exec (strace -p). */
  readonly command: readonly string[];
}

/** The log as a run; throws FormatError (with the line and column) at a line it cannot read. */
export function straceRun(text: string, options: StraceOptions = {}): StraceRun {
  const { events, warnings } = parseStraceLog(text, options);
  const ordered = inStartOrder(events);
  const exec = ordered.find((e): e is ExecEvent => e.type === 'exec');
  return { events: ordered, warnings, command: exec ? commandOf(exec) : [] };
}

/** The command an exec ran: its program path (or argv[0]) and arguments. */
export function commandOf(exec: ExecEvent): string[] {
  const program = exec.path || exec.argv[0];
  return program === undefined ? [] : [program, ...exec.argv.slice(1)];
}

/** A saved trace carries at most this many warnings, then one saying how many were left out. */
export const MAX_WARNING_EVENTS = 100;

/**
 * The import's warnings as `warning` events for the start of a saved trace (`FILE:LINE:COL:
 * message`), so the studio shows them with the run: a run file has no other place for them.
 * `total`: how many there were, when `warnings` holds only the first ones.
 */
export function warningEvents(
  fileName: string,
  warnings: readonly FormatWarning[],
  total = warnings.length,
): ErrorEvent[] {
  const shown = warnings.slice(0, MAX_WARNING_EVENTS).map((w): ErrorEvent => ({
    type: 'error',
    t: 0,
    severity: 'warning',
    message: `${fileName}${w.range ? `:${w.range.start.line}:${w.range.start.column}` : ''}: ${w.message}`,
  }));
  const left = Math.max(total, warnings.length) - shown.length;
  if (left <= 0) return shown;
  const more = `${fileName}: ${left} more ${left === 1 ? 'warning' : 'warnings'} not shown`;
  return [...shown, { type: 'error', t: 0, severity: 'warning', message: more }];
}
