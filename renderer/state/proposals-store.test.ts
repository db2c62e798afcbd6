import { afterEach, describe, expect, it } from 'vitest';
import { constantValue } from '../../app/linux/arch-constants';
import { parsePolicy } from '../../app/policy/parse';
import { denied } from '../../app/proposals/test-events';
import type { TraceEvent } from '../../app/trace/events';
import { createDocumentStore } from './document-store';
import { startPolicyAnalysis, type Timers } from './policy-analysis';
import {
  chosenOption,
  createProposalsStore,
  lowRiskPending,
  selectCurrent,
  selectPending,
  selectRejected,
  type ProposalsStore,
} from './proposals-store';
import { createRunsStore } from './runs-store';

const c = (name: string): bigint => constantValue('x86_64', name) ?? 0n;

const POLICY = `version: 1
linux:
  seccomp:
    default: errno EPERM
    rules:
      - allow: [read, write] # the basics
`;

const EVENTS: TraceEvent[] = [
  denied('ioctl', [1, c('TCGETS')], { action: 'errno EPERM' }),
  denied('getpid', [], { action: 'errno EPERM' }),
  denied('ptrace', [16, 42], { action: 'errno EPERM' }),
];

/** Timers that run at once, so the document's analysis follows every change synchronously. */
const now: Timers = {
  setTimeout: (callback) => {
    callback();
    return 0;
  },
  clearTimeout: () => undefined,
};

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

function setup(text = POLICY) {
  const document = createDocumentStore(text);
  const runs = createRunsStore({ schedule: (flush) => flush() });
  stops.push(startPolicyAnalysis(document, parsePolicy, { timers: now, delayMs: 0 }));
  const proposals = createProposalsStore({ runs, document });
  stops.push(proposals.dispose);
  const run = (events: readonly TraceEvent[], startedAt = 1000, id = `r${startedAt}`) => {
    runs.getState().requested('check', startedAt);
    runs.getState().started(id);
    runs.getState().eventsArrived({ runId: id, events: [...events] });
    runs.getState().stateChanged({ runId: id, mode: 'check', state: 'exited' }, startedAt + 5);
  };
  return { document, runs, proposals, run, text: () => document.getState().text };
}

function pendingNames(store: ProposalsStore): string[] {
  return selectPending(store.getState()).map((p) => p.syscall);
}

describe('proposals store', () => {
  it('has nothing before a run ends, and proposals for the current text after', () => {
    const { proposals, runs, run, text } = setup();
    expect(proposals.getState().set).toBeNull();
    runs.getState().requested('check', 1000);
    expect(proposals.getState().set).toBeNull();
    run(EVENTS);
    const state = proposals.getState();
    expect(state.runMode).toBe('check');
    expect(pendingNames(proposals)).toEqual(['ioctl', 'getpid', 'ptrace']);
    expect(selectCurrent(state, text())).toBe(true);
    expect(lowRiskPending(state).map((p) => p.proposal.syscall)).toEqual(['ioctl', 'getpid']);
  });

  it('accept puts the rule in the text; the proposal then disappears', () => {
    const { proposals, run, text, document } = setup();
    run(EVENTS);
    proposals.getState().accept('ioctl');
    expect(text()).toContain('- allow: ioctl\n        when: "(u32)arg1 == TCGETS"');
    expect(text()).toContain('# the basics');
    expect(document.getState().external.revision).toBe(1);
    expect(pendingNames(proposals)).toEqual(['getpid', 'ptrace']);
    expect(proposals.getState().accepted).toEqual([
      {
        id: 'ioctl',
        syscall: 'ioctl',
        summary: 'allow ioctl only for request TCGETS, as observed',
        level: 'low',
      },
    ]);
  });

  it('accepts the option the user picked', () => {
    const { proposals, run, text } = setup();
    run(EVENTS);
    proposals.getState().choose('ioctl', 'broad');
    const ioctl = selectPending(proposals.getState())[0]!;
    expect(chosenOption(proposals.getState(), ioctl).kind).toBe('broad');
    // Broad ioctl is high risk: "accept all low-risk" leaves it alone.
    expect(lowRiskPending(proposals.getState()).map((p) => p.proposal.syscall)).toEqual(['getpid']);
    proposals.getState().accept('ioctl');
    expect(text()).toContain('- allow: [read, write, ioctl] # the basics');
  });

  it('reject hides a proposal until it is restored', () => {
    const { proposals, run } = setup();
    run(EVENTS);
    proposals.getState().reject('getpid');
    expect(pendingNames(proposals)).toEqual(['ioctl', 'ptrace']);
    expect(selectRejected(proposals.getState()).map((p) => p.syscall)).toEqual(['getpid']);
    expect(lowRiskPending(proposals.getState()).map((p) => p.proposal.syscall)).toEqual(['ioctl']);
    proposals.getState().restore('getpid');
    expect(pendingNames(proposals)).toEqual(['ioctl', 'getpid', 'ptrace']);
  });

  it('accept all low-risk applies them in one edit and leaves the risky ones', () => {
    const { proposals, run, text, document } = setup();
    run(EVENTS);
    expect(proposals.getState().acceptAllLowRisk()).toBe(2);
    expect(document.getState().external.revision).toBe(1);
    expect(text()).toContain('- allow: [read, write, getpid] # the basics');
    expect(text()).toContain('when: "(u32)arg1 == TCGETS"');
    expect(pendingNames(proposals)).toEqual(['ptrace']);
    expect(proposals.getState().accepted.map((a) => a.syscall)).toEqual(['ioctl', 'getpid']);
    expect(proposals.getState().acceptAllLowRisk()).toBe(0);
  });

  it('edits a rule inline: errors and leftover denials are reported as you type', () => {
    const { proposals, run, text } = setup();
    run(EVENTS);
    proposals.getState().startEdit('ioctl');
    expect(proposals.getState().draft).toEqual({
      id: 'ioctl',
      text: 'allow: ioctl\nwhen: "(u32)arg1 == TCGETS"',
      error: null,
      warning: null,
    });
    proposals.getState().editDraft('allow: ioctl\nwhen: "arg1 == TCGETZ"');
    expect(proposals.getState().draft?.error).toMatch(/^rule line 2: .*TCGETZ/);
    proposals.getState().commitDraft();
    expect(text()).toBe(POLICY);
    proposals.getState().editDraft('allow: ioctl\nwhen: "arg1 == FIONREAD"');
    expect(proposals.getState().draft?.error).toBeNull();
    expect(proposals.getState().draft?.warning).toBe(
      'with this rule, 1 call of ioctl seen in the run would still be denied',
    );
    proposals.getState().editDraft('- allow: ioctl\n  when: "arg1 in {TCGETS, FIONREAD}" # mine');
    expect(proposals.getState().draft?.warning).toBeNull();
    proposals.getState().commitDraft();
    expect(text()).toContain(
      '      - allow: ioctl\n        when: "arg1 in {TCGETS, FIONREAD}" # mine',
    );
    expect(proposals.getState().draft).toBeNull();
    expect(proposals.getState().accepted.at(-1)).toMatchObject({
      syscall: 'ioctl',
      level: 'edited',
    });
    expect(pendingNames(proposals)).toEqual(['getpid', 'ptrace']);
  });

  it('cancelling an edit changes nothing', () => {
    const { proposals, run, text } = setup();
    run(EVENTS);
    proposals.getState().startEdit('getpid');
    proposals.getState().cancelDraft();
    expect(proposals.getState().draft).toBeNull();
    expect(text()).toBe(POLICY);
  });

  it('a new run starts a new round', () => {
    const { proposals, runs, run } = setup();
    run(EVENTS);
    proposals.getState().reject('getpid');
    proposals.getState().accept('ioctl');
    runs.getState().requested('check', 2000);
    expect(proposals.getState().set).toBeNull();
    expect(proposals.getState().accepted).toEqual([]);
    run([denied('gettid', [], { action: 'errno EPERM' })], 3000);
    expect(pendingNames(proposals)).toEqual(['gettid']);
    expect(proposals.getState().rejected.size).toBe(0);
  });

  it('waits while the text is being analyzed, and says when the policy has errors', () => {
    const document = createDocumentStore(POLICY);
    const runs = createRunsStore({ schedule: (flush) => flush() });
    const pending: (() => void)[] = [];
    const later: Timers = {
      setTimeout: (callback) => pending.push(callback),
      clearTimeout: () => undefined,
    };
    stops.push(startPolicyAnalysis(document, parsePolicy, { timers: later, delayMs: 10 }));
    const proposals = createProposalsStore({ runs, document });
    stops.push(proposals.dispose);
    runs.getState().requested('check', 1);
    runs.getState().started('r');
    runs.getState().eventsArrived({ runId: 'r', events: EVENTS });
    runs.getState().stateChanged({ runId: 'r', mode: 'check', state: 'exited' }, 2);
    expect(pendingNames(proposals)).toHaveLength(3);

    document.getState().setText(POLICY.replace('[read,', '[reed,'));
    expect(selectCurrent(proposals.getState(), document.getState().text)).toBe(false);
    proposals.getState().accept('getpid'); // not for this text: ignored
    expect(document.getState().text).toContain('reed');
    for (const run of pending.splice(0)) run();
    expect(proposals.getState().set?.problem).toMatch(/the policy has errors/);
    expect(pendingNames(proposals)).toEqual([]);
  });

  it('ignores an accept for a proposal it does not have', () => {
    const { proposals, run, text } = setup();
    run(EVENTS);
    proposals.getState().accept('nothing-like-this');
    expect(proposals.getState().error).toBeNull();
    expect(text()).toBe(POLICY);
  });

  it('reports an accept whose edit cannot be checked, and changes nothing', () => {
    const withInclude = POLICY.replace(
      'version: 1\n',
      'version: 1\ninclude: [base.sandbox.yaml]\n',
    );
    const document = createDocumentStore(withInclude);
    const runs = createRunsStore({ schedule: (flush) => flush() });
    const parseWithBase = (text: string) =>
      parsePolicy(text, { readInclude: () => 'version: 1\n' });
    stops.push(startPolicyAnalysis(document, parseWithBase, { timers: now, delayMs: 0 }));
    // Without a reader for includes the edited policy cannot be parsed: fail closed.
    const proposals = createProposalsStore({ runs, document, parseOptions: () => ({}) });
    stops.push(proposals.dispose);
    runs.getState().requested('check', 1);
    runs.getState().started('r');
    runs.getState().eventsArrived({ runId: 'r', events: EVENTS });
    runs.getState().stateChanged({ runId: 'r', mode: 'check', state: 'exited' }, 2);
    proposals.getState().accept('getpid');
    expect(proposals.getState().error).toMatch(/^Accepting the rule for getpid failed: .*include/);
    expect(document.getState().text).toBe(withInclude);
  });

  it('follows a run that ended before the store was created', () => {
    const document = createDocumentStore(POLICY);
    const runs = createRunsStore({ schedule: (flush) => flush() });
    stops.push(startPolicyAnalysis(document, parsePolicy, { timers: now, delayMs: 0 }));
    runs.getState().requested('learn', 5);
    runs.getState().started('x');
    runs.getState().eventsArrived({ runId: 'x', events: EVENTS });
    runs.getState().stateChanged({ runId: 'x', mode: 'learn', state: 'exited' }, 6);
    const proposals = createProposalsStore({ runs, document });
    stops.push(proposals.dispose);
    expect(proposals.getState().runMode).toBe('learn');
    expect(pendingNames(proposals)).toEqual(['ioctl', 'getpid', 'ptrace']);
  });

  it('checks edits of a policy with includes with the included files read as empty', () => {
    const withInclude = POLICY.replace(
      'version: 1\n',
      'version: 1\ninclude: [base.sandbox.yaml]\n',
    );
    const document = createDocumentStore(withInclude);
    const runs = createRunsStore({ schedule: (flush) => flush() });
    const base =
      'version: 1\nlinux:\n  seccomp:\n    rules:\n      - errno: EACCES\n        syscalls: [ptrace]\n';
    const parseWithBase = (text: string) => parsePolicy(text, { readInclude: () => base });
    stops.push(startPolicyAnalysis(document, parseWithBase, { timers: now, delayMs: 0 }));
    const proposals = createProposalsStore({ runs, document });
    stops.push(proposals.dispose);
    runs.getState().requested('check', 1);
    runs.getState().started('r');
    runs.getState().eventsArrived({ runId: 'r', events: EVENTS });
    runs.getState().stateChanged({ runId: 'r', mode: 'check', state: 'exited' }, 2);
    // The analysis, which has the included rule, decides: ptrace is denied by the include.
    expect(pendingNames(proposals)).toEqual(['ioctl', 'getpid']);
    expect(proposals.getState().set?.blocked.map((b) => [b.kind, b.syscall])).toEqual([
      ['include', 'ptrace'],
    ]);
    proposals.getState().accept('getpid');
    expect(proposals.getState().error).toBeNull();
    expect(document.getState().text).toContain('[read, write, getpid]');
  });
});
