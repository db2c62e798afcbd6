import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EventPayload, RunMode, RunState } from '../../app/api/contract';
import type { TraceEvent } from '../../app/trace/events';
import { summarizeRun, type RunVerdict } from '../../app/trace/verdict';
import { ChunkedBuffer } from './event-buffer';
import { newObservedNames } from './observed-syscalls';

export interface CurrentRun {
  /** null while run.start is on its way to the backend. */
  readonly runId: string | null;
  readonly mode: RunMode;
  readonly state: RunState;
  readonly message?: string;
  /** Wall-clock milliseconds (Date.now) when the run was requested and when it ended. */
  readonly startedAt: number;
  readonly endedAt?: number;
}

export interface RunsState {
  readonly run: CurrentRun | null;
  /** The current run's events: append-only and mutated in place; watch `eventsVersion`. */
  readonly events: ChunkedBuffer<TraceEvent>;
  /** Bumped whenever `events` grew (at most once per animation frame). */
  readonly eventsVersion: number;
  readonly eventCount: number;
  /** Syscalls the current run saw that its policy did not allow (learn mode). */
  readonly observed: ReadonlySet<string>;
  /** What the run amounts to, once it ended. */
  readonly verdict: RunVerdict | null;

  /** The user asked for a run; everything of the previous run is dropped. */
  requested(mode: RunMode, now: number): void;
  /** The backend accepted the run under this id. */
  started(runId: string): void;
  /** The backend refused to start the run. */
  startFailed(message: string, now: number): void;
  stateChanged(payload: EventPayload<'run.state'>, now: number): void;
  eventsArrived(payload: EventPayload<'run.events'>): void;
  /** Publishes appended events now instead of at the next scheduled flush. */
  flush(): void;
}

export type RunsStore = StoreApi<RunsState>;

export interface RunsStoreOptions {
  /** Runs the publishing of appended events later, e.g. at the next animation frame. */
  readonly schedule?: (callback: () => void) => void;
}

const FINAL_STATES: ReadonlySet<RunState> = new Set(['exited', 'failed']);
/** Events that arrive for a run whose id we do not know yet; beyond this they are dropped. */
const MAX_EARLY_EVENTS = 100_000;

interface EarlyStash {
  readonly events: TraceEvent[];
  readonly states: EventPayload<'run.state'>[];
}

export function isActive(run: CurrentRun | null): boolean {
  return run !== null && !FINAL_STATES.has(run.state);
}

export function createRunsStore(options: RunsStoreOptions = {}): RunsStore {
  const schedule = options.schedule ?? defaultSchedule;
  let flushScheduled = false;
  let unpublishedNames = new Set<string>();
  // The backend answers run.start before streaming, but nothing in the contract promises it.
  let early = new Map<string, EarlyStash>();

  return createStore<RunsState>()((set, get) => {
    const append = (events: readonly TraceEvent[]): void => {
      const { events: buffer, observed } = get();
      buffer.append(events);
      for (const name of newObservedNames(events, observed)) unpublishedNames.add(name);
      if (!flushScheduled) {
        flushScheduled = true;
        schedule(() => get().flush());
      }
    };

    const applyState = (payload: EventPayload<'run.state'>, now: number): void => {
      const run = get().run;
      if (!run || run.runId !== payload.runId) return;
      const final = FINAL_STATES.has(payload.state);
      if (final) get().flush();
      const next: CurrentRun = {
        ...run,
        state: payload.state,
        ...(payload.message === undefined ? {} : { message: payload.message }),
        ...(final && run.endedAt === undefined ? { endedAt: now } : {}),
      };
      const verdict =
        final && !FINAL_STATES.has(run.state)
          ? summarizeRun(run.mode, get().events.toArray())
          : get().verdict;
      set({ run: next, verdict });
    };

    return {
      run: null,
      events: new ChunkedBuffer<TraceEvent>(),
      eventsVersion: 0,
      eventCount: 0,
      observed: new Set(),
      verdict: null,

      requested(mode, now) {
        unpublishedNames = new Set();
        early = new Map();
        set({
          run: { runId: null, mode, state: 'starting', startedAt: now },
          events: new ChunkedBuffer<TraceEvent>(),
          eventsVersion: get().eventsVersion + 1,
          eventCount: 0,
          observed: new Set(),
          verdict: null,
        });
      },

      started(runId) {
        const run = get().run;
        if (!run || run.runId !== null) return;
        set({ run: { ...run, runId } });
        const stash = early.get(runId);
        early = new Map();
        if (!stash) return;
        append(stash.events);
        for (const state of stash.states) applyState(state, Date.now());
      },

      startFailed(message, now) {
        const run = get().run;
        if (!run || run.runId !== null) return;
        early = new Map();
        set({
          run: { ...run, state: 'failed', message, endedAt: now },
          verdict: { clean: false, headline: `the run did not start: ${message}`, details: [] },
        });
      },

      stateChanged(payload, now) {
        const stash = earlyStash(get().run, payload.runId);
        if (stash) stash.states.push(payload);
        else applyState(payload, now);
      },

      eventsArrived(payload) {
        const stash = earlyStash(get().run, payload.runId);
        if (stash) {
          if (stash.events.length + payload.events.length <= MAX_EARLY_EVENTS) {
            stash.events.push(...payload.events);
          }
        } else if (get().run?.runId === payload.runId) {
          append(payload.events);
        }
      },

      flush() {
        flushScheduled = false;
        const { events, eventCount, observed } = get();
        if (events.length === eventCount && unpublishedNames.size === 0) return;
        const names = unpublishedNames;
        unpublishedNames = new Set();
        set({
          eventsVersion: get().eventsVersion + 1,
          eventCount: events.length,
          observed: names.size === 0 ? observed : new Set([...observed, ...names]),
        });
      },
    };
  });

  /** Where to keep messages of a run that may be ours once run.start answers, if it has not. */
  function earlyStash(run: CurrentRun | null, runId: string): EarlyStash | undefined {
    if (!run || run.runId !== null || FINAL_STATES.has(run.state)) return undefined;
    const stash = early.get(runId) ?? { events: [], states: [] };
    early.set(runId, stash);
    return stash;
  }
}

function defaultSchedule(callback: () => void): void {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => callback());
  else setTimeout(callback, 16);
}

export const selectRunActive = (s: RunsState): boolean => isActive(s.run);
