import { createStore, type StoreApi } from 'zustand/vanilla';
import type { BackendClient, RunMode, RunPageCursor, SavedRunInfo } from '../../app/api/contract';
import { compareRuns, type RunComparison } from '../../app/trace/compare-runs';
import type { TraceEvent } from '../../app/trace/events';
import type { RunFileEnd, RunFileHeader } from '../../app/trace/run-file';
import { isActive, type RunsStore } from './runs-store';
import type { UiStore } from './ui-store';

export interface SavedRunsDeps {
  readonly client: Pick<BackendClient, 'invoke'>;
  readonly runs: RunsStore;
  readonly ui: UiStore;
  /** Saves text as a file for the user (a download in the browser and in Electron). */
  readonly download: (fileName: string, parts: readonly string[]) => void;
  readonly now?: () => number;
}

/** A saved run shown in the run panel: its events are the runs store's current run. */
export interface OpenedRun {
  readonly id: string;
  /** The runs store's run id for it. */
  readonly runId: string;
  readonly title: string;
  readonly mode: RunMode;
  readonly startedAt: string;
  readonly status: 'loading' | 'loaded' | 'failed';
  readonly loaded: number;
  /** How many events the run has, when its file says (it ended while the studio watched). */
  readonly total?: number;
  /** The file's last line was cut short: the studio stopped while writing it. */
  readonly truncated: boolean;
  readonly error?: string;
}

export interface Comparison {
  readonly a: string;
  readonly b: string;
  readonly status: 'loading' | 'ready' | 'failed';
  readonly result?: RunComparison;
  readonly headers?: { readonly a: RunFileHeader; readonly b: RunFileHeader };
  /** Whether each summary is from a run that ended (else from what its file holds). */
  readonly complete?: { readonly a: boolean; readonly b: boolean };
  readonly error?: string;
}

export interface SavedRunsState {
  readonly connected: boolean;
  /** The saved runs, newest first; null until listed. */
  readonly runs: readonly SavedRunInfo[] | null;
  readonly unreadable: readonly { readonly id: string; readonly error: string }[];
  readonly listError: string | null;
  readonly listing: boolean;
  readonly opened: OpenedRun | null;
  readonly exporting: { readonly id: string; readonly done: number; readonly bytes: number } | null;
  /** Runs ticked for comparison, oldest tick first (at most two). */
  readonly selection: readonly string[];
  readonly comparison: Comparison | null;

  /** Connects the store to the backend and the other stores; returns a disconnect. */
  attach(deps: SavedRunsDeps): () => void;
  refresh(): Promise<void>;
  /** Loads a saved run into the run panel (read-only: it is the runs store's finished run). */
  open(id: string): Promise<void>;
  cancelOpen(): void;
  exportRun(id: string): Promise<void>;
  toggleSelected(id: string): void;
  compare(a: string, b: string): Promise<void>;
  closeComparison(): void;
}

export type SavedRunsStore = StoreApi<SavedRunsState>;

export const SAVED_RUN_PREFIX = 'saved:';
const MAX_SELECTED = 2;

export function createSavedRunsStore(): SavedRunsStore {
  let deps: SavedRunsDeps | null = null;
  /** Bumped to abandon an open or a comparison in flight. */
  let openToken = 0;
  let compareToken = 0;

  return createStore<SavedRunsState>()((set, get) => {
    const notify = (text: string): void => deps?.ui.getState().notify('error', text);

    async function loadPages(id: string, token: number): Promise<LoadedRun | undefined> {
      const client = deps?.client;
      if (!client) return undefined;
      const events: TraceEvent[] = [];
      let header: RunFileHeader | undefined;
      let end: RunFileEnd | undefined;
      let truncated = false;
      let cursor: RunPageCursor | undefined;
      do {
        const page = await client.invoke('runs.open', cursor ? { id, cursor } : { id });
        if (token !== openToken) return undefined;
        header ??= page.header;
        end = page.end ?? end;
        truncated ||= page.truncated === true;
        for (const event of page.events) events.push(event);
        cursor = page.next ?? undefined;
        const opened = get().opened;
        if (opened) set({ opened: { ...opened, loaded: events.length } });
      } while (cursor);
      if (!header) throw new Error(`run ${id} came without its header`);
      return { header, events, end, truncated };
    }

    function show(opened: OpenedRun, run: LoadedRun): void {
      const runs = deps?.runs.getState();
      if (!runs) return;
      const now = deps?.now?.() ?? Date.now();
      runs.requested(run.header.mode, now);
      deps?.runs.getState().started(opened.runId);
      deps?.runs.getState().eventsArrived({ runId: opened.runId, events: run.events });
      deps?.runs.getState().stateChanged(
        {
          runId: opened.runId,
          mode: run.header.mode,
          state: run.end?.state ?? 'exited',
          message: describeSavedEnd(run),
        },
        now,
      );
    }

    return {
      connected: false,
      runs: null,
      unreadable: [],
      listError: null,
      listing: false,
      opened: null,
      exporting: null,
      selection: [],
      comparison: null,

      attach(next) {
        deps = next;
        set({ connected: true });
        let wasActive = isActive(next.runs.getState().run);
        const unsubscribe = next.runs.subscribe((state) => {
          const opened = get().opened;
          // Another run replaced the saved one in the run panel.
          if (opened && opened.status !== 'loading' && state.run?.runId !== opened.runId) {
            set({ opened: null });
          }
          const active = isActive(state.run);
          const saved = state.run?.runId?.startsWith(SAVED_RUN_PREFIX) ?? false;
          // A live run that just ended was saved: list it.
          if (wasActive && !active && !saved && get().runs !== null) void get().refresh();
          wasActive = active;
        });
        return () => {
          unsubscribe();
          if (deps === next) deps = null;
          set({ connected: false });
        };
      },

      async refresh() {
        const client = deps?.client;
        if (!client) return;
        set({ listing: true });
        try {
          const { runs, unreadable } = await client.invoke('runs.list', {});
          set({
            runs,
            unreadable,
            listError: null,
            listing: false,
            selection: get().selection.filter((id) => runs.some((r) => r.id === id)),
          });
        } catch (error) {
          set({ listError: messageOf(error), listing: false });
        }
      },

      async open(id) {
        if (!deps) return;
        if (isActive(deps.runs.getState().run) && !get().opened) {
          notify('Stop the run before opening a saved one.');
          return;
        }
        const token = ++openToken;
        const info = get().runs?.find((r) => r.id === id);
        const opened: OpenedRun = {
          id,
          runId: `${SAVED_RUN_PREFIX}${id}`,
          title: info ? titleOf(info) : id,
          mode: info?.mode ?? 'learn',
          startedAt: info?.startedAt ?? '',
          status: 'loading',
          loaded: 0,
          ...(info?.events === undefined ? {} : { total: info.events }),
          truncated: false,
        };
        set({ opened });
        try {
          const run = await loadPages(id, token);
          if (!run || token !== openToken) return;
          const loaded: OpenedRun = {
            ...opened,
            title: titleOf({ policyName: run.header.policyName, command: run.header.command }),
            mode: run.header.mode,
            startedAt: run.header.startedAt,
            status: 'loaded',
            loaded: run.events.length,
            total: run.events.length,
            truncated: run.truncated,
          };
          // Shown first: until it is, the store's run is not this one yet.
          show(loaded, run);
          set({ opened: loaded });
        } catch (error) {
          if (token !== openToken) return;
          set({ opened: { ...opened, status: 'failed', error: messageOf(error) } });
          notify(`Cannot open the saved run ${id}: ${messageOf(error)}`);
        }
      },

      cancelOpen() {
        openToken++;
        if (get().opened?.status === 'loading' || get().opened?.status === 'failed')
          set({ opened: null });
      },

      async exportRun(id) {
        const client = deps?.client;
        if (!client || get().exporting) return;
        set({ exporting: { id, done: 0, bytes: 0 } });
        try {
          const parts: string[] = [];
          let offset: number | undefined;
          let fileName = `${id}.ndjson`;
          let done = 0;
          do {
            const chunk = await client.invoke(
              'runs.export',
              offset === undefined ? { id } : { id, offset },
            );
            parts.push(chunk.text);
            fileName = chunk.fileName;
            done = chunk.next ?? chunk.bytes;
            set({ exporting: { id, done, bytes: chunk.bytes } });
            offset = chunk.next ?? undefined;
          } while (offset !== undefined);
          deps?.download(fileName, parts);
        } catch (error) {
          notify(`Cannot export the saved run ${id}: ${messageOf(error)}`);
        } finally {
          set({ exporting: null });
        }
      },

      toggleSelected(id) {
        const selection = get().selection;
        if (selection.includes(id)) set({ selection: selection.filter((s) => s !== id) });
        else set({ selection: [...selection, id].slice(-MAX_SELECTED) });
      },

      async compare(a, b) {
        const client = deps?.client;
        if (!client) return;
        const token = ++compareToken;
        set({ comparison: { a, b, status: 'loading' } });
        try {
          const [left, right] = await Promise.all([
            client.invoke('runs.summary', { id: a }),
            client.invoke('runs.summary', { id: b }),
          ]);
          if (token !== compareToken) return;
          set({
            comparison: {
              a,
              b,
              status: 'ready',
              result: compareRuns(left.summary, right.summary),
              headers: { a: left.header, b: right.header },
              complete: { a: left.complete, b: right.complete },
            },
          });
        } catch (error) {
          if (token !== compareToken) return;
          set({ comparison: { a, b, status: 'failed', error: messageOf(error) } });
        }
      },

      closeComparison() {
        compareToken++;
        set({ comparison: null });
      },
    };
  });
}

interface LoadedRun {
  readonly header: RunFileHeader;
  readonly events: TraceEvent[];
  readonly end: RunFileEnd | undefined;
  readonly truncated: boolean;
}

/** The policy's name, else the command line. */
export function titleOf(run: {
  policyName?: string | undefined;
  command: readonly string[];
}): string {
  return run.policyName ?? (run.command.join(' ') || 'untitled run');
}

function describeSavedEnd(run: LoadedRun): string {
  if (!run.end) {
    return `saved run, incomplete: the studio stopped before the run ended${run.truncated ? ' (its last line was cut short)' : ''}`;
  }
  return `saved run: ${run.end.message ?? run.end.state}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
