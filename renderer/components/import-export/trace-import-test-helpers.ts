import {
  STRACE_CHUNK_MAX_CHARS,
  WEB_MAX_MESSAGE_BYTES,
  type BackendClient,
  type RequestMethod,
  type RequestParams,
  type RequestResult,
  type SavedRunInfo,
} from '../../../app/api/contract';
import { FormatError, formatErrorLine } from '../../../app/formats/format-result';
import { straceRun, warningEvents } from '../../../app/formats/strace-trace';
import type { TraceEvent } from '../../../app/trace/events';
import type { RunFileHeader } from '../../../app/trace/run-file';
import { createConnectionStore } from '../../state/connection-store';
import { createRunsStore } from '../../state/runs-store';
import { createSavedRunsStore } from '../../state/saved-runs-store';
import { createTraceViewStore } from '../../state/trace-view-store';
import { createUiStore } from '../../state/ui-store';

/* Test helpers for "Open as trace": a backend with an in-memory runs folder, and the stores. */

export const STRACE_LOG = `500 execve("/usr/bin/true", ["true"], 0x7ffd /* 3 vars */) = 0
500 brk(NULL) = 0x55a73a7ee000
500 exit_group(0) = ?
500 +++ exited with 0 +++
`;

type Handler<M extends RequestMethod> = (params: RequestParams<M>) => Promise<RequestResult<M>>;

/** A request's size on web mode's socket, in UTF-8 bytes (the id as long as ids get). */
export function requestBytes(method: string, params: unknown): number {
  const message = { kind: 'request', id: Number.MAX_SAFE_INTEGER, method, params };
  return new TextEncoder().encode(JSON.stringify(message)).length;
}

/**
 * A backend whose runs folder is in memory: runs.importStraceChunk checks each piece as the
 * real one does (size, id, offset), then reads the log with the same app code as the real one
 * (app/formats/strace-trace); runs.list and runs.open serve what it saved.
 */
export function memoryBackend(overrides: Partial<{ [M in RequestMethod]: Handler<M> }> = {}) {
  const saved = new Map<string, { header: RunFileHeader; events: TraceEvent[] }>();
  const calls: { method: string; params: unknown }[] = [];
  const uploads = new Map<string, { fileName: string; text: string }>();
  const cancelled: string[] = [];
  const save = async (fileName: string, text: string) => {
    let run;
    try {
      run = straceRun(text);
    } catch (error) {
      if (error instanceof FormatError) return { error: formatErrorLine(fileName, error) };
      throw error;
    }
    const id = `20250101-100000-learn-${String(saved.size).padStart(8, '0')}`;
    const header: RunFileHeader = {
      format: 'sandbox-studio-run',
      formatVersion: 1,
      runId: id,
      mode: 'learn',
      command: [...run.command],
      importedFrom: { format: 'strace', fileName },
      startedAt: '2025-01-01T10:00:00.000Z',
      studioVersion: '1',
    };
    saved.set(id, { header, events: [...warningEvents(fileName, run.warnings), ...run.events] });
    return { id };
  };
  const handlers: Partial<{ [M in RequestMethod]: Handler<M> }> = {
    'runs.importStraceChunk': async (params) => {
      if (params.text.length > STRACE_CHUNK_MAX_CHARS) throw new Error('piece too long');
      if (requestBytes('runs.importStraceChunk', params) > WEB_MAX_MESSAGE_BYTES)
        throw new Error('over the web message limit');
      let uploadId: string;
      if ('fileName' in params) {
        uploadId = String(uploads.size + 1).padStart(32, '0');
        uploads.set(uploadId, { fileName: params.fileName, text: '' });
      } else {
        uploadId = params.uploadId;
      }
      const upload = uploads.get(uploadId);
      if (!upload) throw new Error(`no strace import ${uploadId} is under way`);
      if ('offset' in params && params.offset !== upload.text.length) throw new Error('bad offset');
      upload.text += params.text;
      if (!params.final) return { uploadId, received: upload.text.length };
      uploads.delete(uploadId);
      return save(upload.fileName, upload.text);
    },
    'runs.cancelStraceImport': async ({ uploadId }) => {
      cancelled.push(uploadId);
      uploads.delete(uploadId);
      return {};
    },
    'runs.list': async () => ({
      runs: [...saved].map(([id, run]): SavedRunInfo => ({
        id,
        mode: 'learn',
        command: run.header.command,
        ...(run.header.importedFrom && { importedFrom: run.header.importedFrom }),
        startedAt: run.header.startedAt,
        state: 'exited',
        events: run.events.length,
        bytes: 1,
      })),
      unreadable: [],
    }),
    'runs.open': async ({ id }) => {
      const run = saved.get(id);
      if (!run) throw new Error(`there is no saved run ${id}`);
      return { header: run.header, events: run.events, next: null };
    },
    ...overrides,
  };
  const client: Pick<BackendClient, 'invoke'> = {
    invoke: (method, params) => {
      calls.push({ method, params });
      const handler = handlers[method] as ((p: unknown) => Promise<never>) | undefined;
      if (!handler) return Promise.reject(new Error(`unexpected ${method}`));
      return handler(params);
    },
  };
  return { client, calls, saved, uploads, cancelled };
}

/** The stores "Open as trace" works with, the saved-runs store attached to `client`. */
export function traceStores(client: Pick<BackendClient, 'invoke'>, host: 'web' | 'electron') {
  const runs = createRunsStore({ schedule: (fn) => fn() });
  const ui = createUiStore();
  const savedRuns = createSavedRunsStore();
  savedRuns.getState().attach({ client, runs, ui, download: () => undefined, now: () => 1000 });
  const traceView = createTraceViewStore();
  traceView.getState().setTab('histogram');
  const connection = createConnectionStore();
  connection.getState().setHost({ kind: host, nativeDialogs: host === 'electron', version: '1' });
  return {
    runs,
    ui,
    savedRuns,
    traceView,
    connection,
    deps: { client, savedRuns, traceView },
  };
}
