import type { TraceEvent } from '../../app/trace/events';
import type { CliIo } from './cli-io';
import { formatEventLine } from './format-event';

export interface EventPrinterOptions {
  /** One JSON event per line on stdout and nothing else. */
  readonly json: boolean;
  /** Human output: every syscall and denial, not only the first of each. */
  readonly all: boolean;
}

/**
 * Prints events as they arrive. Human: one line per event on stdout, the program's own output
 * passed through to our stdout/stderr; a syscall (or denial) only the first time its name and
 * action are seen unless `all`, since a run makes hundreds of thousands and the closing table
 * counts them. JSON: every event, one per line on stdout.
 */
export function createEventPrinter(
  io: CliIo,
  options: EventPrinterOptions,
): (event: TraceEvent) => void {
  if (options.json) return (event) => io.stdout(`${JSON.stringify(event)}\n`);
  const seen = new Set<string>();
  return (event) => {
    if (event.type === 'stdout') return io.stdout(event.data);
    if (event.type === 'stderr') return io.stderr(event.data);
    if (!options.all && (event.type === 'syscall' || event.type === 'denied')) {
      const key = `${event.name}\u0000${event.action ?? ''}`;
      if (seen.has(key)) return;
      seen.add(key);
    }
    const line = formatEventLine(event);
    if (line !== undefined) io.stdout(`${line}\n`);
  };
}
