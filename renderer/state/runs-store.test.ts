import { describe, expect, it } from 'vitest';
import type { EventPayload } from '../../app/api/contract';
import type { TraceEvent } from '../../app/trace/events';
import { testEvents as ev } from '../test-helpers';
import { createRunsStore, isActive } from './runs-store';

/** A store whose scheduled flushes run only when the test says so. */
function manualStore() {
  const pending: (() => void)[] = [];
  const store = createRunsStore({ schedule: (fn) => pending.push(fn) });
  const runScheduled = () => {
    for (const fn of pending.splice(0)) fn();
  };
  return { store, pending, runScheduled };
}

const state = (
  runId: string,
  s: EventPayload<'run.state'>['state'],
  mode: 'learn' | 'check' = 'learn',
  message?: string,
): EventPayload<'run.state'> => ({ runId, mode, state: s, ...(message ? { message } : {}) });

const batch = (runId: string, events: TraceEvent[]): EventPayload<'run.events'> => ({
  runId,
  events,
});

describe('runs store', () => {
  it('starts a run: starting, then the id the backend gave it', () => {
    const { store } = manualStore();
    store.getState().requested('learn', 1000);
    expect(store.getState().run).toEqual({
      runId: null,
      mode: 'learn',
      state: 'starting',
      startedAt: 1000,
    });
    expect(isActive(store.getState().run)).toBe(true);
    store.getState().started('r1');
    expect(store.getState().run?.runId).toBe('r1');
  });

  it('appends batches to one buffer and publishes them once per scheduled flush', () => {
    const { store, pending, runScheduled } = manualStore();
    store.getState().requested('learn', 0);
    store.getState().started('r1');
    const buffer = store.getState().events;
    const version = store.getState().eventsVersion;

    store.getState().eventsArrived(batch('r1', [ev.exec(), ev.syscall('openat')]));
    store.getState().eventsArrived(batch('r1', [ev.syscall('read')]));
    expect(pending).toHaveLength(1);
    expect(store.getState().eventCount).toBe(0);
    expect(buffer.length).toBe(3);

    runScheduled();
    expect(store.getState().events).toBe(buffer);
    expect(store.getState().eventCount).toBe(3);
    expect(store.getState().eventsVersion).toBe(version + 1);
  });

  it('collects the names of observed syscalls, only from syscall events', () => {
    const { store, runScheduled } = manualStore();
    store.getState().requested('learn', 0);
    store.getState().started('r1');
    store
      .getState()
      .eventsArrived(
        batch('r1', [
          ev.syscall('openat'),
          ev.syscall('read'),
          ev.syscall('openat'),
          ev.denied('write', 'kill-process'),
          ev.stdout('x'),
        ]),
      );
    runScheduled();
    const observed = store.getState().observed;
    expect([...observed].sort()).toEqual(['openat', 'read']);

    store.getState().eventsArrived(batch('r1', [ev.syscall('read')]));
    runScheduled();
    expect(store.getState().observed).toBe(observed); // unchanged set keeps its identity
  });

  it('drops events of other runs', () => {
    const { store, runScheduled } = manualStore();
    store.getState().requested('learn', 0);
    store.getState().started('r1');
    store.getState().eventsArrived(batch('old', [ev.syscall('openat')]));
    runScheduled();
    expect(store.getState().eventCount).toBe(0);
  });

  it('keeps events that arrive before run.start answered and adopts them with the id', () => {
    const { store, runScheduled } = manualStore();
    store.getState().requested('check', 0);
    store.getState().stateChanged(state('r9', 'running', 'check'), 5);
    store.getState().eventsArrived(batch('r9', [ev.exec(), ev.exit(0)]));
    expect(store.getState().events.length).toBe(0);
    store.getState().started('r9');
    runScheduled();
    expect(store.getState().eventCount).toBe(2);
    expect(store.getState().run?.state).toBe('running');
  });

  it('ends a run with a verdict from summarizeRun and flushes what is pending', () => {
    const { store } = manualStore();
    store.getState().requested('check', 100);
    store.getState().started('r1');
    store.getState().stateChanged(state('r1', 'running', 'check'), 110);
    store.getState().eventsArrived(batch('r1', [ev.exec(), ev.stdout('bin\n'), ev.exit(0)]));
    store
      .getState()
      .stateChanged(state('r1', 'exited', 'check', 'the process exited with status 0'), 350);
    const { run, verdict, eventCount } = store.getState();
    expect(eventCount).toBe(3);
    expect(run).toMatchObject({ state: 'exited', endedAt: 350, message: expect.any(String) });
    expect(isActive(run)).toBe(false);
    expect(verdict?.clean).toBe(true);
    expect(verdict?.headline).toContain('ran cleanly');
  });

  it('reports a denial in check mode', () => {
    const { store } = manualStore();
    store.getState().requested('check', 0);
    store.getState().started('r1');
    store
      .getState()
      .eventsArrived(
        batch('r1', [ev.exec(), ev.denied('write', 'kill-process'), ev.exit(null, 'SIGSYS')]),
      );
    store.getState().stateChanged(state('r1', 'exited', 'check'), 10);
    expect(store.getState().verdict).toMatchObject({ clean: false });
    expect(store.getState().verdict?.headline).toContain('denied write');
  });

  it('turns a refused start into a failed run with its reason', () => {
    const { store } = manualStore();
    store.getState().requested('learn', 0);
    store.getState().startFailed('the policy has no target.command', 20);
    expect(store.getState().run).toMatchObject({ state: 'failed', endedAt: 20 });
    expect(store.getState().verdict?.headline).toContain('the policy has no target.command');
    expect(isActive(store.getState().run)).toBe(false);
  });

  it('forgets the previous run when a new one is requested', () => {
    const { store, runScheduled } = manualStore();
    store.getState().requested('learn', 0);
    store.getState().started('r1');
    store.getState().eventsArrived(batch('r1', [ev.syscall('openat')]));
    store.getState().stateChanged(state('r1', 'exited'), 5);
    runScheduled();
    const before = store.getState();
    store.getState().requested('check', 10);
    const after = store.getState();
    expect(after.events).not.toBe(before.events);
    expect(after.events.length).toBe(0);
    expect(after.eventCount).toBe(0);
    expect(after.observed.size).toBe(0);
    expect(after.verdict).toBeNull();
    expect(after.eventsVersion).toBeGreaterThan(before.eventsVersion);
  });

  it('ignores state changes for other runs and a second start answer', () => {
    const { store } = manualStore();
    store.getState().requested('learn', 0);
    store.getState().started('r1');
    store.getState().started('r2');
    store.getState().stateChanged(state('r2', 'exited'), 5);
    expect(store.getState().run).toMatchObject({ runId: 'r1', state: 'starting' });
  });

  it('takes 100,000 events in batches without copying them', () => {
    const { store, runScheduled } = manualStore();
    store.getState().requested('learn', 0);
    store.getState().started('r1');
    const events = Array.from({ length: 5000 }, (_, i) => ev.syscall(i % 2 ? 'read' : 'write'));
    const started = performance.now();
    for (let i = 0; i < 20; i++) {
      store.getState().eventsArrived(batch('r1', events));
      runScheduled();
    }
    expect(store.getState().eventCount).toBe(100_000);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
