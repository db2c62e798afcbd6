import {
  STRACE_CHUNK_MAX_CHARS,
  type BackendClient,
  type RequestResult,
} from '../../../app/api/contract';
import { FormatError } from '../../../app/formats/format-result';
import type { SourceRange } from '../../../app/policy/source-range';
import type { SavedRunsStore } from '../../state/saved-runs-store';
import type { TraceViewStore } from '../../state/trace-view-store';
import type { ConversionNote, ImportInput } from './conversions';
import { logPieces } from './log-pieces';

/*
 * "Open as trace": an strace log sent to the backend a piece at a time (runs.importStraceChunk,
 * each piece well below web mode's message limit, so a log of any size goes, in Electron too:
 * one contract), read and saved there as a run while it arrives, then opened in the run panel
 * exactly as the Saved runs list opens one. A large file is read a slice at a time, never whole.
 */

export interface TraceImportDeps {
  readonly client: Pick<BackendClient, 'invoke'>;
  readonly savedRuns: SavedRunsStore;
  readonly traceView: TraceViewStore;
}

export type TraceImportOutcome =
  | { readonly kind: 'opened'; readonly id: string }
  /** Saved in the runs folder but not shown (a live run holds the run panel). */
  | { readonly kind: 'saved'; readonly id: string; readonly message: string }
  | { readonly kind: 'failed'; readonly error: ConversionNote }
  /** The user cancelled: nothing was saved. */
  | { readonly kind: 'cancelled' };

/** Where an import is: sending the log (`fraction` of it sent), saving the run, opening it. */
export type TraceImportProgress =
  | { readonly phase: 'sending'; readonly fraction: number }
  | { readonly phase: 'saving' | 'opening' };

export interface TraceImportControl {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: TraceImportProgress) => void;
}

const METHOD = 'runs.importStraceChunk';
const MAX_FILE_NAME = 255;
const CANCELLED: TraceImportOutcome = { kind: 'cancelled' };

type ChunkResult = RequestResult<typeof METHOD>;

/** Saves the log as a run and opens it in the event table. */
export async function importStraceAsTrace(
  deps: TraceImportDeps,
  input: ImportInput,
  control: TraceImportControl = {},
): Promise<TraceImportOutcome> {
  const upload = new Upload(deps.client, input);
  try {
    const result = await upload.send(control);
    if (result === null) return CANCELLED;
    if ('error' in result) return { kind: 'failed', error: backendError(result.error) };
    if (!('id' in result)) return failed(`Cannot import ${input.name} as a trace: no run saved`);
    // Cancelled while the backend saved it: the run is in Saved runs, but not opened.
    if (control.signal?.aborted) return CANCELLED;
    control.onProgress?.({ phase: 'opening' });
    return await openSaved(deps, result.id);
  } catch (error) {
    await upload.cancel();
    if (error instanceof FormatError) return failed(error.message);
    return failed(`Cannot import ${input.name} as a trace: ${messageOf(error)}`);
  }
}

/** One log on its way to the backend. */
class Upload {
  #uploadId: string | undefined;
  #sent = 0;

  constructor(
    private readonly client: Pick<BackendClient, 'invoke'>,
    private readonly input: ImportInput,
  ) {}

  /** The final answer, or null when cancelled (the backend then drops what it got). */
  async send({ signal, onProgress }: TraceImportControl): Promise<ChunkResult | null> {
    for await (const piece of logPieces(this.input, STRACE_CHUNK_MAX_CHARS)) {
      if (signal?.aborted) return this.#cancelled();
      const result = await this.#piece(piece.text, false);
      if (!('uploadId' in result)) return result;
      onProgress?.({ phase: 'sending', fraction: piece.fraction });
    }
    if (signal?.aborted) return this.#cancelled();
    onProgress?.({ phase: 'saving' });
    return this.#piece('', true);
  }

  async #piece(text: string, final: boolean): Promise<ChunkResult> {
    const result = await this.client.invoke(
      METHOD,
      this.#uploadId === undefined
        ? { fileName: this.#fileName(), size: this.#size(), text, final }
        : { uploadId: this.#uploadId, offset: this.#sent, text, final },
    );
    if ('uploadId' in result) this.#uploadId = result.uploadId;
    else this.#uploadId = undefined; // ended: saved or refused
    this.#sent += text.length;
    return result;
  }

  #fileName(): string {
    return this.input.name.slice(0, MAX_FILE_NAME) || 'strace log';
  }

  /** An upper bound of the log's characters: its bytes. */
  #size(): number {
    const { content, size } = this.input;
    return size ?? (typeof content === 'string' ? content.length : content.byteLength);
  }

  async #cancelled(): Promise<null> {
    await this.cancel();
    return null;
  }

  /** Tells the backend to drop the import, if one is under way; never fails. */
  async cancel(): Promise<void> {
    const uploadId = this.#uploadId;
    this.#uploadId = undefined;
    if (uploadId === undefined) return;
    await this.client.invoke('runs.cancelStraceImport', { uploadId }).catch(() => undefined);
  }
}

function failed(message: string): TraceImportOutcome {
  return { kind: 'failed', error: { message } };
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
