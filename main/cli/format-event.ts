import type { TraceEvent } from '../../app/trace/events';
import type { SyscallTally } from '../../app/trace/verdict';

/** `    1.2ms`, `  12.345s`: fixed width so that the columns line up. */
export function formatTime(ms: number): string {
  const text = ms < 1000 ? `${ms.toFixed(1)}ms` : `${(ms / 1000).toFixed(3)}s`;
  return text.padStart(9);
}

/**
 * One human-readable line for a trace event, or undefined for the program's own output (which is
 * passed through as it is).
 */
export function formatEventLine(event: TraceEvent): string | undefined {
  const time = formatTime(event.t);
  switch (event.type) {
    case 'exec':
      return `${time}  ${event.pid}  exec ${[event.path, ...event.argv.slice(1)].map(shellQuote).join(' ')}`;
    case 'syscall':
      return `${time}  ${event.pid}/${event.tid}  ${event.name}(${argumentList(event)})`;
    case 'denied':
      return `${time}  ${event.pid}/${event.tid}  ${event.name}(${argumentList(event)}) denied: ${event.action}`;
    case 'signal':
      return `${time}  ${event.pid}  signal ${event.signal}${event.reason ? `: ${event.reason}` : ''}`;
    case 'exit':
      return `${time}  ${event.pid}  ${
        event.signal !== null
          ? `killed by ${event.signal}`
          : `exited with status ${event.code ?? '?'}`
      }`;
    case 'error':
      return `${time}  ${event.severity ?? 'error'}: ${describeErrorEvent(event)}`;
    case 'process':
      return `${time}  ${event.pid}  started (parent ${event.ppid})`;
    case 'thread':
      return `${time}  ${event.pid}/${event.tid}  new thread`;
    case 'self-sandbox':
      return `${time}  ${event.pid}/${event.tid}  sandboxes itself: ${event.call}: ${event.summary}${event.warning ? ` (warning: ${event.warning})` : ''}`;
    case 'sandbox-state':
      return `${time}  ${event.pid}  sandbox at exit: ${event.threads
        .map(
          (t) =>
            `${t.tid} seccomp=${t.seccomp ?? '?'}(${t.seccompFilters ?? '?'}) no_new_privs=${t.noNewPrivs ?? '?'} CapEff=${t.capabilities.effective}`,
        )
        .join('; ')}`;
    case 'stdout':
    case 'stderr':
      return undefined;
  }
}

/** The raw arguments, with strings read from the target and what descriptors refer to. */
function argumentList(event: Extract<TraceEvent, { type: 'syscall' | 'denied' }>): string {
  return event.args
    .map((arg, i) => {
      const key = String(i) as '0';
      const text = event.strings?.[key];
      if (text !== undefined) return JSON.stringify(text);
      // As strace -y shows descriptors: the number, then what it refers to.
      const target = event.fds?.[key];
      return target === undefined ? arg : `${Number(arg)}<${target}>`;
    })
    .join(', ');
}

function describeErrorEvent(event: Extract<TraceEvent, { type: 'error' }>): string {
  const where = [
    event.layer,
    event.errnoName ?? (event.errno !== undefined ? `errno ${event.errno}` : undefined),
  ]
    .filter((part) => part !== undefined)
    .join(', ');
  return where ? `${event.message} (${where})` : event.message;
}

/** Syscall names with their counts, names left-aligned in one column. */
export function formatTallyTable(tallies: readonly SyscallTally[]): string[] {
  const width = Math.max(0, ...tallies.map((t) => t.name.length));
  return tallies.map((t) => `  ${t.name.padEnd(width)}  ${t.count}`);
}

/** A word as a POSIX shell would need it written. */
export function shellQuote(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
