import {
  requests,
  WEB_MAX_MESSAGE_BYTES,
  type BackendClient,
  type RequestParams,
} from '../../../app/api/contract';
import type { SourceRange } from '../../../app/policy/source-range';
import type { ConnectionStore } from '../../state/connection-store';
import type { SavedRunsStore } from '../../state/saved-runs-store';
import type { TraceViewStore } from '../../state/trace-view-store';
import { formatBytes } from '../saved-runs/run-labels';
import { asText, type ConversionNote, type ImportInput } from './conversions';

/*
 * "Open as trace": an strace log saved by the backend as a run (runs.importStrace), then opened in
 * the run panel exactly as the Saved runs list opens one.
 */

export interface TraceImportDeps {
  readonly client: Pick<BackendClient, 'invoke'>;
  readonly savedRuns: SavedRunsStore;
  readonly traceView: TraceViewStore;
  /** Says whether requests go over web mode's WebSocket, which limits their size. */
  readonly connection: ConnectionStore;
}

export type TraceImportOutcome =
  | { readonly kind: 'opened'; readonly id: string }
  /** Saved in the runs folder but not shown (a live run holds the run panel). */
  | { readonly kind: 'saved'; readonly id: string; readonly message: string }
  | { readonly kind: 'failed'; readonly error: ConversionNote };

const METHOD = 'runs.importStrace';
const MAX_FILE_NAME = 255;

/** Saves the log as a run and opens it in the event table. */
export async function importStraceAsTrace(
  deps: TraceImportDeps,
  input: ImportInput,
): Promise<TraceImportOutcome> {
  const params = requestOf(input);
  if ('error' in params) return failed(params.error);
  const tooLarge = transportProblem(deps, input.name, params);
  if (tooLarge) return failed(tooLarge);
  let result;
  try {
    result = await deps.client.invoke(METHOD, params);
  } catch (error) {
    return failed(`Cannot import ${input.name} as a trace: ${messageOf(error)}`);
  }
  if ('error' in result) return { kind: 'failed', error: backendError(result.error) };
  return openSaved(deps, result.id);
}

function failed(message: string): TraceImportOutcome {
  return { kind: 'failed', error: { message } };
}

function requestOf(input: ImportInput): RequestParams<typeof METHOD> | { error: string } {
  let text: string;
  try {
    text = asText(input);
  } catch (error) {
    return { error: messageOf(error) };
  }
  const params = { fileName: input.name.slice(0, MAX_FILE_NAME) || 'strace log', text };
  const checked = requests[METHOD].params.safeParse(params);
  if (checked.success) return checked.data;
  const issue = checked.error.issues[0];
  const limit = issue?.code === 'too_big' ? ` (at most ${String(issue.maximum)} characters)` : '';
  return { error: `${input.name} is too large to import as a trace${limit}` };
}

/**
 * Web mode's socket closes on a message over its limit, which would cut the whole studio off:
 * such a log is refused here, with the CLI way to import it. Until host.info has answered the
 * transport is unknown, and the limit applies.
 */
function transportProblem(
  deps: TraceImportDeps,
  name: string,
  params: RequestParams<typeof METHOD>,
): string | undefined {
  if (deps.connection.getState().host?.kind === 'electron') return undefined;
  const bytes = requestBytes(params);
  if (bytes <= WEB_MAX_MESSAGE_BYTES) return undefined;
  return (
    `${name} is ${formatBytes(bytes)} as a request: web mode carries at most ` +
    `${formatBytes(WEB_MAX_MESSAGE_BYTES)} in one. Save it as a run with the CLI instead: ` +
    '`sandbox-studio import strace FILE --save --workspace DIR` (DIR: the folder this studio ' +
    'serves), then open it from Saved runs.'
  );
}

/** The request as the socket sends it, in UTF-8 bytes (the id is as long as ids get). */
export function requestBytes(params: RequestParams<typeof METHOD>): number {
  const message = { kind: 'request', id: Number.MAX_SAFE_INTEGER, method: METHOD, params };
  return new TextEncoder().encode(JSON.stringify(message)).length;
}

/** `NAME:LINE:COL: error: message` from the backend as a note with its location. */
function backendError(text: string): ConversionNote {
  const match = /^.*?:(\d+):(\d+): error: ([\s\S]*)$/.exec(text);
  if (!match) return { message: text };
  const line = Number(match[1]);
  const column = Number(match[2]);
  const at = { line, column, offset: 0 };
  const range: SourceRange = { start: at, end: at };
  return { message: match[3] ?? text, range };
}

async function openSaved(deps: TraceImportDeps, id: string): Promise<TraceImportOutcome> {
  const saved = deps.savedRuns.getState();
  await saved.refresh();
  await saved.open(id);
  const opened = deps.savedRuns.getState().opened;
  if (opened?.id === id && opened.status === 'loaded') {
    deps.traceView.getState().setTab('events');
    return { kind: 'opened', id };
  }
  const why = opened?.id === id && opened.error ? `: ${opened.error}` : '';
  return {
    kind: 'saved',
    id,
    message: `Saved as the run ${id}, not opened${why || ' (stop the current run first)'}. Open it from Saved runs.`,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
