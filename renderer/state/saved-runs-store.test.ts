import { describe, expect, it } from 'vitest';
import type {
  BackendClient,
  RequestMethod,
  RequestParams,
  RequestResult,
  SavedRunInfo,
} from '../../app/api/contract';
import type { TraceEvent } from '../../app/trace/events';
import type { RunFileEnd, RunFileHeader } from '../../app/trace/run-file';
import { summarizeEvents } from '../../app/trace/run-summary';
import { testEvents as ev } from '../test-helpers';
import { createRunsStore, isActive } from './runs-store';
import { SAVED_RUN_PREFIX, createSavedRunsStore, titleOf } from './saved-runs-store';
import { createTraceViewStore } from './trace-view-store';
import { createUiStore } from './ui-store';

const header = (mode: 'learn' | 'check', name: string): RunFileHeader => ({
  format: 'sandbox-studio-run',
  formatVersion: 1,
  runId: `run-${name}`,
  mode,
  policyName: name,
  policyText: `name: ${name}\n`,
  command: ['/bin/ls'],
  startedAt: '2025-01-01T10:00:00.000Z',
  studioVersion: '1',
});

const info = (id: string, events?: number): SavedRunInfo => ({
  id,
  mode: 'learn',
  policyName: id,
  command: ['/bin/ls'],
  startedAt: '2025-01-01T10:00:00.000Z',
  state: events === undefined ? 'incomplete' : 'exited',
  ...(events === undefined ? {} : { events }),
  bytes: 100,
});

const EVENTS: TraceEvent[] = [
  ev.exec(0, 10),
  ev.syscall('openat', 1, 10),
  ev.syscall('read', 2, 10),
  ev.exit(0, null, 3, 10),
];
const END: RunFileEnd = {
  format: 'sandbox-studio-run-end',
  endedAt: '2025-01-01T10:00:01.000Z',
  state: 'exited',
  message: 'the process exited with status 0',
  events: EVENTS.length,
  summary: summarizeEvents(EVENTS),
};

type Handler<M extends RequestMethod> = (params: RequestParams<M>) => Promise<RequestResult<M>>;

/** A backend with two saved runs: `a` (two pages) and `b` (a check run with a denial). */
function fakeClient(overrides: Partial<{ [M in RequestMethod]: Handler<M> }> = {}) {
  const calls: string[] = [];
  const handlers: Partial<{ [M in RequestMethod]: Handler<M> }> = {
    'runs.list': async () => ({ runs: [info('b', 1), info('a', 4)], unreadable: [] }),
    'runs.open': async ({ id, cursor }) => {
      if (id !== 'a') throw new Error(`there is no saved run ${id}`);
      return cursor
        ? { events: EVENTS.slice(2), next: null, end: END }
        : {
            header: header('learn', 'a'),
            events: EVENTS.slice(0, 2),
            next: { offset: 99, line: 4 },
          };
    },
    'runs.summary': async ({ id }) => ({
      header: header(id === 'a' ? 'learn' : 'check', id),
      summary:
        id === 'a'
          ? summarizeEvents(EVENTS)
          : summarizeEvents([ev.denied('openat', 'errno EACCES', 1, 10)]),
      complete: true,
    }),
    'runs.export': async ({ offset }) =>
      offset === undefined
        ? { fileName: 'a.ndjson', text: 'line 1\n', next: 7, bytes: 14 }
        : { fileName: 'a.ndjson', text: 'line 2\n', next: null, bytes: 14 },
    ...overrides,
  };
  const client: Pick<BackendClient, 'invoke'> = {
    invoke: (method, params) => {
      calls.push(method);
      const handler = handlers[method] as ((p: unknown) => Promise<never>) | undefined;
      if (!handler) return Promise.reject(new Error(`unexpected ${method}`));
      return handler(params);
    },
  };
  return { client, calls };
}

function setup(client = fakeClient().client) {
  const runs = createRunsStore({ schedule: (fn) => fn() });
  const ui = createUiStore();
  const saved = createSavedRunsStore();
  const downloads: { fileName: string; parts: readonly string[] }[] = [];
  const detach = saved.getState().attach({
    client,
    runs,
    ui,
    download: (fileName, parts) => downloads.push({ fileName, parts }),
    now: () => 5000,
  });
  return { runs, ui, saved, downloads, detach };
}

describe('saved runs store', () => {
  it('lists the saved runs', async () => {
    const { saved } = setup();
    expect(saved.getState().connected).toBe(true);
    await saved.getState().refresh();
    expect(saved.getState().runs?.map((r) => r.id)).toEqual(['b', 'a']);
    expect(saved.getState().listError).toBeNull();
  });

  it('says why it cannot list', async () => {
    const { client } = fakeClient({ 'runs.list': () => Promise.reject(new Error('EACCES')) });
    const { saved } = setup(client);
    await saved.getState().refresh();
    expect(saved.getState().listError).toBe('EACCES');
    expect(saved.getState().listing).toBe(false);
  });

  it('opens a saved run page by page into the runs store, as a finished run', async () => {
    const { saved, runs } = setup();
    await saved.getState().refresh();
    await saved.getState().open('a');
    expect(saved.getState().opened).toMatchObject({
      id: 'a',
      runId: `${SAVED_RUN_PREFIX}a`,
      title: 'a',
      mode: 'learn',
      status: 'loaded',
      loaded: 4,
      truncated: false,
    });
    const run = runs.getState();
    expect(run.run).toMatchObject({
      runId: `${SAVED_RUN_PREFIX}a`,
      mode: 'learn',
      state: 'exited',
      message: 'saved run: the process exited with status 0',
    });
    expect(isActive(run.run)).toBe(false);
    expect(run.events.toArray()).toEqual(EVENTS);
    expect([...run.observed].sort()).toEqual(['openat', 'read']);
    expect(run.verdict?.clean).toBe(false);
  });

  it('forgets the opened run when another run replaces it', async () => {
    const { saved, runs } = setup();
    await saved.getState().open('a');
    runs.getState().requested('check', 6000);
    expect(saved.getState().opened).toBeNull();
  });

  it('does not open a saved run over a run that is going on', async () => {
    const { saved, runs, ui, calls } = (() => {
      const fake = fakeClient();
      return { ...setup(fake.client), calls: fake.calls };
    })();
    runs.getState().requested('learn', 1);
    await saved.getState().open('a');
    expect(calls).not.toContain('runs.open');
    expect(ui.getState().notices.at(-1)?.text).toBe('Stop the run before opening a saved one.');
    expect(runs.getState().run?.state).toBe('starting');
  });

  it('reports a run it cannot open, and keeps the current run', async () => {
    const { saved, runs, ui } = setup();
    runs.getState().requested('learn', 1);
    runs.getState().started('live');
    runs.getState().stateChanged({ runId: 'live', mode: 'learn', state: 'exited' }, 2);
    await saved.getState().open('missing');
    expect(saved.getState().opened).toMatchObject({
      status: 'failed',
      error: 'there is no saved run missing',
    });
    expect(ui.getState().notices.at(-1)?.text).toContain('Cannot open the saved run missing');
    expect(runs.getState().run?.runId).toBe('live');
    saved.getState().cancelOpen();
    expect(saved.getState().opened).toBeNull();
  });

  it('abandons an open that was cancelled while pages were on their way', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { client } = fakeClient({
      'runs.open': async () => {
        await gate;
        return { header: header('learn', 'a'), events: EVENTS, next: null, end: END };
      },
    });
    const { saved, runs } = setup(client);
    const opening = saved.getState().open('a');
    expect(saved.getState().opened?.status).toBe('loading');
    saved.getState().cancelOpen();
    release();
    await opening;
    expect(saved.getState().opened).toBeNull();
    expect(runs.getState().run).toBeNull();
  });

  it('marks a run whose file was cut short', async () => {
    const { client } = fakeClient({
      'runs.open': async () => ({
        header: header('learn', 'a'),
        events: EVENTS.slice(0, 2),
        next: null,
        truncated: true,
      }),
    });
    const { saved, runs } = setup(client);
    await saved.getState().open('a');
    expect(saved.getState().opened?.truncated).toBe(true);
    expect(runs.getState().run?.message).toBe(
      'saved run, incomplete: the studio stopped before the run ended (its last line was cut short)',
    );
  });

  it('exports a run as the chunks the backend sends', async () => {
    const { saved, downloads } = setup();
    await saved.getState().exportRun('a');
    expect(downloads).toEqual([{ fileName: 'a.ndjson', parts: ['line 1\n', 'line 2\n'] }]);
    expect(saved.getState().exporting).toBeNull();
  });

  it('compares two runs from their summaries', async () => {
    const { saved } = setup();
    await saved.getState().compare('a', 'b');
    const comparison = saved.getState().comparison;
    expect(comparison?.status).toBe('ready');
    expect(comparison?.headers?.b.mode).toBe('check');
    expect(comparison?.result?.rows.map((r) => [r.name, r.verdict, r.kind])).toEqual([
      ['openat', 'denied', 'new'],
      ['openat', 'observed', 'removed'],
      ['read', 'observed', 'removed'],
    ]);
    saved.getState().closeComparison();
    expect(saved.getState().comparison).toBeNull();
  });

  it('keeps at most two runs ticked for comparison', () => {
    const { saved } = setup();
    for (const id of ['a', 'b', 'c']) saved.getState().toggleSelected(id);
    expect(saved.getState().selection).toEqual(['b', 'c']);
    saved.getState().toggleSelected('b');
    expect(saved.getState().selection).toEqual(['c']);
  });

  it('lists the runs again when a live run ends (it was saved)', async () => {
    const { saved, runs, calls } = (() => {
      const fake = fakeClient();
      return { ...setup(fake.client), calls: fake.calls };
    })();
    await saved.getState().refresh();
    runs.getState().requested('learn', 1);
    runs.getState().started('live');
    runs.getState().stateChanged({ runId: 'live', mode: 'learn', state: 'exited' }, 2);
    expect(calls.filter((c) => c === 'runs.list')).toHaveLength(2);
  });

  it('does nothing once detached', async () => {
    const { saved, detach } = setup();
    detach();
    expect(saved.getState().connected).toBe(false);
    await saved.getState().refresh();
    expect(saved.getState().runs).toBeNull();
  });

  it('titles a run by its policy name, else its command', () => {
    expect(titleOf({ policyName: 'ls', command: ['/bin/ls'] })).toBe('ls');
    expect(titleOf({ command: ['/bin/ls', '/'] })).toBe('/bin/ls /');
    expect(titleOf({ command: [] })).toBe('untitled run');
  });
});

describe('trace view store', () => {
  it('keeps the filters, grouping and tab', () => {
    const view = createTraceViewStore();
    const s = () => view.getState();
    s().setSyscall(' openat ');
    s().setPid(12);
    s().setTid(Number.NaN);
    s().setCategory('denied');
    expect([s().syscall, s().pid, s().tid, s().category]).toEqual(['openat', 12, null, 'denied']);
    s().clearFilters();
    expect([s().syscall, s().pid, s().tid, s().category]).toEqual(['', null, null, 'all']);
    s().setGrouped(true);
    s().toggleGroup('syscall:read');
    expect(s().expandedGroup).toBe('syscall:read');
    s().toggleGroup('syscall:read');
    expect(s().expandedGroup).toBeNull();
    s().toggleGroup('syscall:read');
    s().setGrouped(false);
    expect(s().expandedGroup).toBeNull();
  });

  it('shows a syscall or a process from the charts in the event table', () => {
    const view = createTraceViewStore();
    view.getState().setTab('histogram');
    view.getState().setGrouped(true);
    view.getState().showSyscall('mmap');
    expect(view.getState()).toMatchObject({ tab: 'events', syscall: 'mmap', grouped: false });
    view.getState().setTab('timeline');
    view.getState().showProcess(42);
    expect(view.getState()).toMatchObject({ tab: 'events', pid: 42 });
  });
});
