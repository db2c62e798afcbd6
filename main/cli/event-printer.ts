import type { TraceEvent } from '../../app/trace/events';
import type { CliIo } from './cli-io';
import { formatEventLine } from './format-event';

/**
 * Prints events as they arrive. Human: one line per event on stdout, the program's own output
 * passed through to our stdout/stderr. JSON: one event per line on stdout and nothing else.
 */
export function createEventPrinter(io: CliIo, json: boolean): (event: TraceEvent) => void {
  if (json) return (event) => io.stdout(`${JSON.stringify(event)}\n`);
  return (event) => {
    if (event.type === 'stdout') return io.stdout(event.data);
    if (event.type === 'stderr') return io.stderr(event.data);
    const line = formatEventLine(event);
    if (line !== undefined) io.stdout(`${line}\n`);
  };
}
