import { describe, expect, it } from 'vitest';
import type { EventName, EventPayload } from '../../app/api/contract';
import type { TraceEvent } from '../../app/trace/events';
import { RunService } from './run-service';
import { scriptedSupervisor, type ScriptedRun } from './testing/scripted-session';

const POLICY = `version: 1
target: { command: [/bin/echo, hi] }
linux:
  seccomp:
    default: errno EPERM
    rules:
      - allow: [read, write, exit_group]
`;
const ARGS = ['0x0', '0x0', '0x0', '0x0', '0x0', '0x0'];
const exec: TraceEvent = {
  type: 'exec',
  t: 0,
  pid: 7,
  tid: 7,
  path: '/bin/echo',
  argv: ['echo', 'hi'],
};
const openat: TraceEvent = {
  type: 'syscall',
  t: 1,
  pid: 7,
  tid: 7,
  name: 'openat',
  nr: 257,
  arch: 'x86_64',
  args: ARGS,
};
const out: TraceEvent = { type: 'stdout', t: 2, data: 'hi\n' };
const exit = { type: 'exit', t: 3, pid: 7, code: 0, signal: null } as const;

type Sent = { name: EventName; payload: EventPayload<EventName> };

function service(script: ScriptedRun, coalesceMs = 30) {
  const sent: Sent[] = [];
  const supervisor = scriptedSupervisor(script);
  const runs = new RunService({
    emit: (name, payload) => sent.push({ name, payload }),
    loadSupervisor: () => Promise.resolve(supervisor.start),
    coalesceMs,
  });
  return { runs, sent, supervisor };
}

function waitFor(predicate: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      if (predicate()) resolve();
      else if (Date.now() > deadline) reject(new Error('timed out'));
      else setTimeout(poll, 2);
    };
    poll();
  });
}

const states = (sent: Sent[]) =>
  sent.filter((s) => s.name === 'run.state').map((s) => (s.payload as { state: string }).state);

describe('RunService', () => {
  it('starts a run, streams its events coalesced and reports its states in order', async () => {
    const { runs, sent, supervisor } = service({
      batches: [[exec], [openat], [out, exit]],
      outcome: { exit, denials: 0 },
    });
    const { runId } = await runs.start('learn', POLICY);
    expect(sent).toEqual([]); // nothing before the client knows the runId
    await waitFor(() => states(sent).includes('exited'));

    expect(states(sent)).toEqual(['starting', 'running', 'exited']);
    const batches = sent.filter((s) => s.name === 'run.events');
    // Three batches within a few ms become one message.
    expect(batches).toEqual([
      { name: 'run.events', payload: { runId, events: [exec, openat, out, exit] } },
    ]);
    // The events come before the final state.
    expect(sent.at(-1)).toEqual({
      name: 'run.state',
      payload: {
        runId,
        mode: 'learn',
        state: 'exited',
        message: 'the process exited with status 0',
      },
    });
    expect(supervisor.started[0]?.mode).toBe('learn');
    expect(supervisor.started[0]?.policy.target?.command).toEqual(['/bin/echo', 'hi']);
    expect(runs.activeRunIds).toEqual([]);
  });

  it("is running only once the target was exec'd", async () => {
    const { runs, sent } = service(
      { batches: [[out], [exec], [exit]], outcome: { exit, denials: 0 } },
      0,
    );
    const { runId } = await runs.start('learn', POLICY);
    await waitFor(() => states(sent).includes('exited'));
    const order = sent.map((s) =>
      s.name === 'run.state'
        ? (s.payload as { state: string }).state
        : (s.payload as { events: TraceEvent[] }).events.map((e) => e.type).join('+'),
    );
    expect(order).toEqual(['starting', 'stdout', 'running', 'exec', 'exit', 'exited']);
    expect(sent.every((s) => (s.payload as { runId: string }).runId === runId)).toBe(true);
  });

  it('reports a failed run with its message', async () => {
    const { runs, sent } = service({
      batches: [],
      outcome: { exit: undefined, denials: 0, failure: 'launcher is missing' },
    });
    const { runId } = await runs.start('check', POLICY);
    await waitFor(() => states(sent).includes('failed'));
    expect(states(sent)).toEqual(['starting', 'failed']); // never running: nothing was exec'd
    expect(sent.at(-1)).toEqual({
      name: 'run.state',
      payload: { runId, mode: 'check', state: 'failed', message: 'launcher is missing' },
    });
  });

  it('counts denials in check mode', async () => {
    const killed = { type: 'exit', t: 3, pid: 7, code: null, signal: 'SIGSYS' } as const;
    const { runs, sent } = service({ batches: [[exec]], outcome: { exit: killed, denials: 1 } });
    await runs.start('check', POLICY);
    await waitFor(() => states(sent).includes('exited'));
    expect((sent.at(-1)?.payload as { message: string }).message).toBe(
      'the process was killed by SIGSYS; 1 denial',
    );
  });

  it('rejects a policy with errors, listing the first ones as line:col', async () => {
    const { runs, supervisor } = service({ batches: [], outcome: { exit, denials: 0 } });
    await expect(
      runs.start('learn', 'version: 1\nlinux:\n  seccomp:\n    default: explode\n'),
    ).rejects.toThrow(/^the policy has errors: 4:14: /);
    expect(supervisor.started).toEqual([]);
  });

  it("follows the policy's includes through the source it was given", async () => {
    const { runs, supervisor } = service({ batches: [], outcome: { exit, denials: 0 } });
    const text = 'version: 1\ninclude: [base.yaml]\ntarget: { command: [/bin/true] }\n';
    const source = {
      path: '/w/p.sandbox.yaml',
      readInclude: (path: string) =>
        path === '/w/base.yaml'
          ? 'version: 1\nlinux: {seccomp: {rules: [{allow: [getpid]}]}}\n'
          : { error: 'no such file' },
    };
    await runs.start('learn', text, source);
    const rules = supervisor.started[0]?.policy.linux.seccomp?.rules ?? [];
    expect(rules.map((r) => [r.syscalls[0]?.name, r.origin?.file])).toEqual([
      ['getpid', '/w/base.yaml'],
    ]);
  });

  it('refuses includes it cannot read, naming the include entry', async () => {
    const { runs, supervisor } = service({ batches: [], outcome: { exit, denials: 0 } });
    const text = 'version: 1\ninclude: [gone.yaml]\ntarget: { command: [/bin/true] }\n';
    const source = { path: '/w/p.sandbox.yaml', readInclude: () => ({ error: 'no such file' }) };
    await expect(runs.start('learn', text, source)).rejects.toThrow(
      'the policy has errors: 2:11: cannot include /w/gone.yaml: no such file',
    );
    await expect(runs.start('learn', text)).rejects.toThrow(/^the policy has errors: 2:11: /);
    expect(supervisor.started).toEqual([]);
  });

  it('rejects a policy without a target command', async () => {
    const { runs } = service({ batches: [], outcome: { exit, denials: 0 } });
    await expect(runs.start('learn', 'version: 1\n')).rejects.toThrow(
      'the policy has no target.command',
    );
  });

  it('allows one run at a time, and a new one once it ended', async () => {
    const { runs, sent } = service({
      batches: [[exec]],
      outcome: { exit, denials: 0 },
      untilStopped: true,
    });
    const { runId } = await runs.start('learn', POLICY);
    await expect(runs.start('learn', POLICY)).rejects.toThrow('a run is already in progress');
    await waitFor(() => states(sent).includes('running'));
    await runs.stop(runId);
    expect(states(sent)).toEqual(['starting', 'running', 'stopping', 'exited']);
    expect((sent.at(-1)?.payload as { message: string }).message).toBe(
      'stopped: the process was killed by SIGKILL',
    );
    await expect(runs.stop(runId)).resolves.toBeUndefined(); // stopping twice is fine
    await expect(runs.stop('never-issued')).rejects.toThrow('there is no run "never-issued"');
    const second = await runs.start('learn', POLICY);
    expect(second.runId).not.toBe(runId);
    await runs.dispose();
  });

  it('stops every run on dispose and sends nothing afterwards', async () => {
    const { runs, sent, supervisor } = service({
      batches: [],
      outcome: { exit, denials: 0 },
      untilStopped: true,
    });
    await runs.start('learn', POLICY);
    await new Promise((resolve) => setImmediate(resolve));
    const before = sent.length;
    await runs.dispose();
    expect(supervisor.stops).toBe(1);
    expect(sent.length).toBe(before);
    await expect(runs.start('learn', POLICY)).rejects.toThrow('closing');
  });

  it('splits very large bursts into bounded messages', async () => {
    const many: TraceEvent[] = Array.from({ length: 12 }, (_, i) => ({ ...openat, t: i }));
    const sent: Sent[] = [];
    const supervisor = scriptedSupervisor({ batches: [many], outcome: { exit, denials: 0 } });
    const runs = new RunService({
      emit: (name, payload) => sent.push({ name, payload }),
      loadSupervisor: () => Promise.resolve(supervisor.start),
      maxEventsPerMessage: 5,
    });
    await runs.start('learn', POLICY);
    await waitFor(() => states(sent).includes('exited'));
    const sizes = sent
      .filter((s) => s.name === 'run.events')
      .map((s) => (s.payload as { events: unknown[] }).events.length);
    expect(sizes).toEqual([5, 5, 2]);
  });
});
