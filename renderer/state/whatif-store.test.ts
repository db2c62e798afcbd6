import { describe, expect, it } from 'vitest';
import type { EventPayload } from '../../app/api/contract';
import { parsePolicy } from '../../app/policy/parse';
import type { TraceEvent } from '../../app/trace/events';
import { VERDICT } from '../../app/whatif/verdicts';
import { whatIfProgram } from '../../app/whatif/whatif';
import { testEvents as ev } from '../test-helpers';
import { createDocumentStore } from './document-store';
import { analyzePolicy } from './policy-analysis';
import { createRunsStore } from './runs-store';
import { startWhatIf, type WhatIfOptions } from './whatif-engine';
import { createWhatIfStore, whatIfVerdictAt } from './whatif-store';

const policy = (allowed: string, defaultAction = 'kill-process') => `version: 1
linux:
  seccomp:
    arch: [x86_64]
    default: ${defaultAction}
    rules:
      - allow: [${allowed}]
`;

/** A learn event for syscall `name` (numbers from x86_64). */
const learned = (name: string, nr: number): TraceEvent =>
  ({ ...ev.syscall(name), nr, action: 'kill-process' }) as TraceEvent;
const READ = learned('read', 0);
const WRITE = learned('write', 1);
const OPENAT = learned('openat', 257);

function studio(text: string, options: WhatIfOptions = {}) {
  const pending: (() => void)[] = [];
  const document = createDocumentStore(text);
  const runs = createRunsStore({ schedule: (fn) => pending.push(fn) });
  const whatif = createWhatIfStore();
  let compilations = 0;
  const analyze = () =>
    document.getState().setAnalysis(analyzePolicy(parsePolicy, document.getState().text));
  analyze();
  const stop = startWhatIf(
    { document, runs, whatif },
    {
      compile: (p) => {
        compilations++;
        return whatIfProgram(p);
      },
      ...options,
    },
  );
  const type = (next: string) => {
    document.getState().setText(next);
    analyze();
  };
  const run = (events: TraceEvent[], id = 'r1') => {
    runs.getState().requested('learn', 0);
    runs.getState().started(id);
    arrive(events, id);
  };
  const arrive = (events: TraceEvent[], id = 'r1') => {
    const payload: EventPayload<'run.events'> = { runId: id, events };
    runs.getState().eventsArrived(payload);
    for (const fn of pending.splice(0)) fn();
  };
  return { document, runs, whatif, stop, type, run, arrive, compilations: () => compilations };
}

describe('what-if store', () => {
  it('is idle before a run', () => {
    const s = studio(policy('read'));
    expect(s.whatif.getState().status).toBe('idle');
    expect(s.whatif.getState().codes).toHaveLength(0);
    s.stop();
  });

  it("judges the run's events under the document's policy as they arrive", () => {
    const s = studio(policy('read'));
    s.run([ev.exec(), READ, WRITE]);
    const state = s.whatif.getState();
    expect(state.status).toBe('current');
    expect([...state.codes]).toEqual([VERDICT.none, VERDICT.allowed, VERDICT.denied]);
    expect(state.counts).toEqual({ allowed: 1, denied: 1, changed: 0, unknown: 0 });
    s.arrive([READ, OPENAT]);
    expect([...s.whatif.getState().codes]).toEqual([0, 1, 2, 1, 2]);
    expect(s.whatif.getState().counts.allowed).toBe(2);
    // New events are judged with the filter already compiled.
    expect(s.compilations()).toBe(1);
    s.stop();
  });

  it('re-judges the same trace when the policy changes, without a new run', () => {
    const s = studio(policy('read'));
    s.run([READ, WRITE, OPENAT]);
    const version = s.whatif.getState().version;
    s.type(policy('read, write'));
    expect(whatIfVerdictAt(s.whatif.getState(), 1)).toBe('allowed');
    expect(s.whatif.getState().counts).toEqual({ allowed: 2, denied: 1, changed: 0, unknown: 0 });
    expect(s.whatif.getState().version).toBeGreaterThan(version);
    s.type(policy('read', 'errno EPERM'));
    expect(s.whatif.getState().counts).toEqual({ allowed: 1, denied: 0, changed: 2, unknown: 0 });
    expect(s.whatif.getState().verdicts?.outcomeOf(2)).toBe('errno EPERM');
    s.stop();
  });

  it('says how long the last re-evaluation took', () => {
    let clock = 0;
    const s = studio(policy('read'), { now: () => (clock += 5) });
    s.run([READ]);
    s.type(policy('read, write'));
    expect(s.whatif.getState().lastMs).toBe(5);
    s.stop();
  });

  it('keeps the last verdicts, marked stale, while the policy has errors', () => {
    const s = studio(policy('read'));
    s.run([READ, WRITE]);
    s.type('version: 1\nlinux:\n  seccomp:\n    default: nope\n');
    const state = s.whatif.getState();
    expect(state.status).toBe('stale');
    expect(state.message).toMatch(/errors/);
    expect([...state.codes]).toEqual([VERDICT.allowed, VERDICT.denied]);
    s.type(policy('write'));
    expect(s.whatif.getState().status).toBe('current');
    expect(s.whatif.getState().message).toBeNull();
    expect([...s.whatif.getState().codes]).toEqual([VERDICT.denied, VERDICT.allowed]);
    s.stop();
  });

  it('says when the policy does not compile', () => {
    const s = studio(policy('read'), { compile: () => ({ ok: false, message: 'too long' }) });
    s.run([READ]);
    expect(s.whatif.getState().status).toBe('idle');
    expect(s.whatif.getState().message).toBe('the policy does not compile: too long');
    s.stop();
  });

  it('waits while the analysis is behind the text (typing)', () => {
    const s = studio(policy('read'));
    s.run([READ, WRITE]);
    const version = s.whatif.getState().version;
    s.document.getState().setText(policy('read, write'));
    expect(s.whatif.getState().version).toBe(version);
    expect(s.whatif.getState().status).toBe('current');
    s.stop();
  });

  it('starts over with a new run, judging it with the policy already compiled', () => {
    const s = studio(policy('read'));
    s.run([READ, WRITE]);
    s.run([WRITE], 'r2');
    expect([...s.whatif.getState().codes]).toEqual([VERDICT.denied]);
    expect(s.compilations()).toBe(1);
    s.runs.getState().requested('learn', 0);
    expect(s.whatif.getState().status).toBe('idle');
    expect(s.whatif.getState().codes).toHaveLength(0);
    s.stop();
  });

  it('stops following the stores when stopped', () => {
    const s = studio(policy('read'));
    s.run([READ]);
    s.stop();
    const version = s.whatif.getState().version;
    s.arrive([READ]);
    s.type(policy('write'));
    expect(s.whatif.getState().version).toBe(version);
  });
});
