import { TraceEvent } from '../../app/trace/events';

/** What ours reported in one `learn --json` run. */
export interface OursCount {
  /** `syscall` events: one per notification in learn mode with a policy that allows nothing. */
  readonly syscalls: number;
  /** The target's exit event, if the run printed one. */
  readonly exit?: { readonly code: number | null; readonly signal: string | null };
}

/** Counts the events of `learn --json` output (one JSON event per line); throws on a bad line. */
export function countOursEvents(stdout: string): OursCount {
  let syscalls = 0;
  let exit: OursCount['exit'];
  stdout.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const event = parseEventLine(line, index + 1);
    if (event.type === 'syscall') syscalls += 1;
    if (event.type === 'exit') exit = { code: event.code, signal: event.signal };
  });
  return exit ? { syscalls, exit } : { syscalls };
}

function parseEventLine(line: string, lineNumber: number): TraceEvent {
  const excerpt = line.slice(0, 200);
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new Error(`learn --json line ${lineNumber} is not JSON: ${excerpt}`);
  }
  const parsed = TraceEvent.safeParse(value);
  if (!parsed.success) {
    throw new Error(`learn --json line ${lineNumber} is not a trace event: ${excerpt}`);
  }
  return parsed.data;
}
