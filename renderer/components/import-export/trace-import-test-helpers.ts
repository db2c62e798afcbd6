import type {
  BackendClient,
  RequestMethod,
  RequestParams,
  RequestResult,
  SavedRunInfo,
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

/**
 * A backend whose runs folder is in memory: runs.importStrace reads the log with the same app
 * code as the real one (app/formats/strace-trace), runs.list and runs.open serve what it saved.
 */
export function memoryBackend(overrides: Partial<{ [M in RequestMethod]: Handler<M> }> = {}) {
  const saved = new Map<string, { header: RunFileHeader; events: TraceEvent[] }>();
  const calls: { method: string; params: unknown }[] = [];
  const handlers: Partial<{ [M in RequestMethod]: Handler<M> }> = {
    'runs.importStrace': async ({ fileName, text }) => {
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
  return { client, calls, saved };
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
    deps: { client, savedRuns, traceView, connection },
  };
}
