import { z } from 'zod';
import { TraceEvent } from './events';
import { RunSummary } from './run-summary';

/**
 * A run saved as a file: NDJSON, one JSON object per line, written while the run goes on so that
 * a crash keeps everything up to the last complete line.
 *
 *   line 1      the header (what ran, under which policy, when)
 *   lines 2..   the run's events, exactly as the UI received them (app/trace/events.ts)
 *   last line   the end record, once the run ended (how, how many events, a summary)
 *
 * A file without an end record is a run the studio did not see end (it crashed or was killed).
 */
export const RUN_FILE_FORMAT = 'sandbox-studio-run';
export const RUN_FILE_END_FORMAT = 'sandbox-studio-run-end';
export const RUN_FILE_SUFFIX = '.ndjson';

/** A saved run's id: its file name without the suffix; safe as a file name and in a URL. */
export const SavedRunId = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'letters, digits, `_`, `.` and `-`, not starting with `.`')
  .refine((id) => !id.includes('..'), 'no `..`');
export type SavedRunId = z.infer<typeof SavedRunId>;

/** Where an imported run came from: the tool's log format and the log's file name. */
export const RunImportOrigin = z
  .object({ format: z.enum(['strace']), fileName: z.string().max(4096) })
  .strict();
export type RunImportOrigin = z.infer<typeof RunImportOrigin>;

export const RunFileHeader = z.object({
  format: z.literal(RUN_FILE_FORMAT),
  formatVersion: z.literal(1),
  runId: z.string().max(64),
  mode: z.enum(['learn', 'check', 'enforce']),
  policyName: z.string().max(1000).optional(),
  /** The policy file's name, when the run started from a saved file. */
  policyFile: z.string().max(4096).optional(),
  /** The policy text the run used (the studio compiles it again to compare or re-evaluate). */
  policyText: z.string().max(1_000_000).optional(),
  command: z.array(z.string()).max(10_000),
  /** The run was not recorded by the studio but read from another tool's log. */
  importedFrom: RunImportOrigin.optional(),
  /** ISO 8601, UTC. */
  startedAt: z.string().max(64),
  studioVersion: z.string().max(64),
});
export type RunFileHeader = z.infer<typeof RunFileHeader>;

export const RunFileEnd = z.object({
  format: z.literal(RUN_FILE_END_FORMAT),
  endedAt: z.string().max(64),
  state: z.enum(['exited', 'failed']),
  message: z.string().max(10_000).optional(),
  /** Events written before this record. */
  events: z.number().int().nonnegative(),
  summary: RunSummary,
});
export type RunFileEnd = z.infer<typeof RunFileEnd>;

export type RunFileLine =
  | { readonly kind: 'event'; readonly event: TraceEvent }
  | { readonly kind: 'end'; readonly end: RunFileEnd };

export class RunFileError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    message: string,
  ) {
    super(`line ${line}, column ${column}: ${message}`);
    this.name = 'RunFileError';
  }
}

/** The header line (line 1) of a run file; throws RunFileError saying what is wrong. */
export function parseRunFileHeader(text: string): RunFileHeader {
  const json = parseJson(text, 1);
  const parsed = RunFileHeader.safeParse(json);
  if (!parsed.success) throw schemaError(parsed.error, 1, 'not a sandbox-studio run file header');
  return parsed.data;
}

/** One line after the header: an event or the end record; throws RunFileError. */
export function parseRunFileLine(text: string, line: number): RunFileLine {
  const json = parseJson(text, line);
  if ((json as { format?: unknown }).format === RUN_FILE_END_FORMAT) {
    const end = RunFileEnd.safeParse(json);
    if (!end.success) throw schemaError(end.error, line, 'invalid end record');
    return { kind: 'end', end: end.data };
  }
  const event = TraceEvent.safeParse(json);
  if (!event.success) throw schemaError(event.error, line, 'not a trace event');
  return { kind: 'event', event: event.data };
}

/** One line of NDJSON, newline included. */
export function runFileLine(record: RunFileHeader | TraceEvent | RunFileEnd): string {
  return `${JSON.stringify(record)}\n`;
}

/**
 * `20251123-150612-learn-1a2b3c4d`: sorts by start time, says the mode, and the run id's first
 * characters keep two runs started in the same second apart.
 */
export function savedRunId(startedAt: Date, mode: RunFileHeader['mode'], runId: string): string {
  const stamp = startedAt.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const suffix = runId.replace(/[^A-Za-z0-9]/g, '').slice(0, 8) || 'run';
  return `${stamp}-${mode}-${suffix}`;
}

function parseJson(text: string, line: number): object {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new RunFileError(line, jsonErrorColumn(message, text), `not JSON: ${message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new RunFileError(line, 1, 'expected a JSON object');
  return json;
}

/** V8 says `... at position 12` (column 13) or `Unexpected end of JSON input` (after the text). */
function jsonErrorColumn(message: string, text: string): number {
  const position = /at position (\d+)/.exec(message)?.[1];
  if (position !== undefined) return Number(position) + 1;
  return /end of JSON input/.test(message) ? text.length + 1 : 1;
}

function schemaError(error: z.ZodError, line: number, what: string): RunFileError {
  const issue = error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  return new RunFileError(line, 1, `${what}: ${where}${issue?.message ?? 'invalid'}`);
}
