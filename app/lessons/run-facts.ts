import type {
  DeniedEvent,
  ErrorEvent,
  ExecEvent,
  ExitEvent,
  SandboxStateEvent,
  SelfSandboxEvent,
  TraceEvent,
} from '../trace/events';
import { firstProcessExit } from '../trace/verdict';

/**
 * What a lesson's check reads from a finished run. The lesson programs print one marker per step
 * on stdout, a line starting with `[TAG]` (lessons/*.c say which); the rest comes from the
 * studio's own events: denials, exits, the program's self-sandboxing calls, its final state.
 */
export interface Marker {
  readonly tag: string;
  /** The rest of the line after `[TAG] `. */
  readonly text: string;
}

const MARKER = /^\[([A-Z][A-Z0-9-]*)\] ?(.*)$/;

export class RunFacts {
  /** Every marker line of the program's stdout, in order. */
  readonly markers: readonly Marker[];
  readonly denied: readonly DeniedEvent[];
  /** Errors that failed the run (warnings left out). */
  readonly errors: readonly ErrorEvent[];
  readonly warnings: readonly ErrorEvent[];
  readonly execs: readonly ExecEvent[];
  readonly selfSandbox: readonly SelfSandboxEvent[];
  readonly sandboxStates: readonly SandboxStateEvent[];
  /** The exit of the program's first process. */
  readonly exit: ExitEvent | undefined;

  constructor(readonly events: readonly TraceEvent[]) {
    this.markers = markersOf(events);
    this.denied = events.filter((e): e is DeniedEvent => e.type === 'denied');
    const errorEvents = events.filter((e): e is ErrorEvent => e.type === 'error');
    this.errors = errorEvents.filter((e) => e.severity !== 'warning');
    this.warnings = errorEvents.filter((e) => e.severity === 'warning');
    this.execs = events.filter((e): e is ExecEvent => e.type === 'exec');
    this.selfSandbox = events.filter((e): e is SelfSandboxEvent => e.type === 'self-sandbox');
    this.sandboxStates = events.filter((e): e is SandboxStateEvent => e.type === 'sandbox-state');
    this.exit = firstProcessExit(events);
  }

  has(tag: string): boolean {
    return this.markers.some((m) => m.tag === tag);
  }

  /** The texts of every marker with this tag. */
  all(tag: string): string[] {
    return this.markers.filter((m) => m.tag === tag).map((m) => m.text);
  }

  first(tag: string): string | undefined {
    return this.markers.find((m) => m.tag === tag)?.text;
  }

  /** True when the first process ended through a signal (SIGSYS, SIGKILL, ...). */
  get killed(): boolean {
    return this.exit?.signal != null;
  }

  get exitedZero(): boolean {
    return this.exit !== undefined && this.exit.signal === null && this.exit.code === 0;
  }

  /** `exited with status 1`, `was killed by SIGSYS`, `did not report an exit`. */
  describeExit(): string {
    const exit = this.exit;
    if (!exit) return 'did not report an exit';
    return exit.signal !== null
      ? `was killed by ${exit.signal}`
      : `exited with status ${exit.code ?? 'unknown'}`;
  }
}

/**
 * The program's stdout as lines. Output arrives in chunks that may split a line, so the chunks
 * are joined first; a last line without its newline counts too (the program may have been killed).
 */
export function stdoutLines(events: readonly TraceEvent[]): string[] {
  const text = events
    .filter((e) => e.type === 'stdout')
    .map((e) => (e.type === 'stdout' ? e.data : ''))
    .join('');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function markersOf(events: readonly TraceEvent[]): Marker[] {
  return stdoutLines(events).flatMap((line) => {
    const match = MARKER.exec(line);
    return match ? [{ tag: match[1] ?? '', text: match[2] ?? '' }] : [];
  });
}

/** A denied event's argument as a number (check mode reports all six; audit records none). */
export function deniedArg(event: DeniedEvent, index: number): bigint | undefined {
  const text = event.args[index];
  if (text === undefined) return undefined;
  try {
    return BigInt(text);
  } catch {
    return undefined;
  }
}

/** A capability mask as /proc prints it (16 hex digits), or undefined. */
export function parseMask(text: string | undefined): bigint | undefined {
  return text !== undefined && /^[0-9a-f]{1,16}$/i.test(text) ? BigInt(`0x${text}`) : undefined;
}
