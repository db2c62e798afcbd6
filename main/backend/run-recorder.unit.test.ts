import { mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../app/trace/events';
import { parseRunFileHeader, parseRunFileLine } from '../../app/trace/run-file';
import { RunRecorder } from './run-recorder';
import { RunService } from './run-service';
import { scriptedSupervisor } from './testing/scripted-session';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'studio-recorder-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const POLICY = { name: 'echo', target: { command: ['/bin/echo', 'hi'] } };
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
  args: ['0x0', '0x0', '0x0', '0x0', '0x0', '0x0'],
};
const exit: TraceEvent = { type: 'exit', t: 3, pid: 7, code: 0, signal: null };

function recorder(runsDir = join(dir, 'runs')): RunRecorder {
  return new RunRecorder({
    dir: runsDir,
    studioVersion: '9.9.9',
    now: () => new Date('2025-11-23T15:06:12.000Z'),
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function lines(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\n');
}

describe('RunRecorder', () => {
  it('writes the header, then the events as they come, then the end record', async () => {
    const recording = recorder().start({
      runId: 'abcdef12-3456',
      mode: 'learn',
      policy: POLICY,
      policyText: 'version: 1\n',
    });
    expect(recording.id).toBe('20251123-150612-learn-abcdef12');
    expect(recording.path).toBe(join(dir, 'runs', '20251123-150612-learn-abcdef12.ndjson'));
    const header = parseRunFileHeader((await lines(recording.path))[0]!);
    expect(header).toEqual({
      format: 'sandbox-studio-run',
      formatVersion: 1,
      runId: 'abcdef12-3456',
      mode: 'learn',
      policyName: 'echo',
      policyText: 'version: 1\n',
      command: ['/bin/echo', 'hi'],
      startedAt: '2025-11-23T15:06:12.000Z',
      studioVersion: '9.9.9',
    });

    recording.append([exec]);
    recording.append([openat, exit]);
    await recording.finish({ state: 'exited', message: 'the process exited with status 0' });
    const text = await lines(recording.path);
    expect(text.at(-1)).toBe(''); // every line ends with a newline
    expect(text.slice(1, 4).map((l, i) => parseRunFileLine(l, i + 2))).toEqual([
      { kind: 'event', event: exec },
      { kind: 'event', event: openat },
      { kind: 'event', event: exit },
    ]);
    const end = parseRunFileLine(text[4]!, 5);
    expect(end.kind === 'end' && end.end).toMatchObject({
      state: 'exited',
      message: 'the process exited with status 0',
      events: 3,
      summary: { events: 3, targetExit: { pid: 7, code: 0, signal: null } },
    });
    expect(text.length).toBe(6);
  });

  it('keeps what was written when the run never ends (a crash)', async () => {
    const recording = recorder().start({
      runId: 'r1',
      mode: 'check',
      policy: POLICY,
      policyText: '',
    });
    recording.append([exec, openat]);
    // No finish(): wait until the bytes reached the file, as they would before a crash.
    for (let i = 0; i < 100 && (await lines(recording.path)).length < 4; i++) await sleep(5);
    const text = await lines(recording.path);
    expect(text.slice(1, 3).map((l, i) => parseRunFileLine(l, i + 2).kind)).toEqual([
      'event',
      'event',
    ]);
    await recording.finish({ state: 'failed', message: 'x' });
  });

  it('creates private files in a private folder, and never overwrites one', async () => {
    const recording = recorder().start({
      runId: 'r1',
      mode: 'learn',
      policy: POLICY,
      policyText: '',
    });
    await recording.finish({ state: 'exited' });
    expect((await stat(recording.path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'runs'))).mode & 0o777).toBe(0o700);
    expect(() =>
      recorder().start({ runId: 'r1', mode: 'learn', policy: POLICY, policyText: '' }),
    ).toThrow(/cannot save the run in .*EEXIST/);
  });

  it('refuses to write through a symbolic link', async () => {
    const runsDir = join(dir, 'runs');
    await recorder(runsDir)
      .start({ runId: 'zz', mode: 'learn', policy: POLICY, policyText: '' })
      .finish({ state: 'exited' });
    const target = join(dir, 'victim');
    await writeFile(target, 'precious');
    await symlink(target, join(runsDir, '20251123-150612-learn-yy.ndjson'));
    expect(() =>
      recorder(runsDir).start({ runId: 'yy', mode: 'learn', policy: POLICY, policyText: '' }),
    ).toThrow(/cannot save the run/);
    expect(await readFile(target, 'utf8')).toBe('precious');
  });

  it('says why it cannot save in a folder it cannot create', async () => {
    await writeFile(join(dir, 'file'), '');
    expect(() =>
      recorder(join(dir, 'file', 'runs')).start({
        runId: 'r',
        mode: 'learn',
        policy: POLICY,
        policyText: '',
      }),
    ).toThrow(/cannot save the run in .*file\/runs: .*ENOTDIR/);
  });

  it('ignores events after the end, and finishing twice', async () => {
    const recording = recorder().start({
      runId: 'r2',
      mode: 'learn',
      policy: POLICY,
      policyText: '',
    });
    const first = recording.finish({ state: 'exited' });
    recording.append([exec]);
    await Promise.all([first, recording.finish({ state: 'failed' })]);
    const text = await lines(recording.path);
    expect(text.length).toBe(3);
    expect(recording.failure).toBeUndefined();
  });
});

describe('RunService with a recorder', () => {
  const POLICY_TEXT = `version: 1
name: echo it
target: { command: [/bin/echo, hi] }
linux:
  seccomp:
    default: allow
`;

  it('saves every event of a run and how it ended', async () => {
    const supervisor = scriptedSupervisor({
      batches: [[exec], [openat], [exit]],
      outcome: { exit: { type: 'exit', t: 3, pid: 7, code: 0, signal: null }, denials: 0 },
    });
    const runs = new RunService({
      emit: () => undefined,
      loadSupervisor: () => Promise.resolve(supervisor.start),
      recorder: recorder(),
      coalesceMs: 1,
    });
    await runs.start('learn', POLICY_TEXT);
    const path = join(dir, 'runs', (await readdir(join(dir, 'runs')))[0]!);
    // The service finishes the recording itself when the run ends: wait for the end record.
    for (let i = 0; i < 400 && (await lines(path)).length < 6; i++) await sleep(5);
    const text = await lines(path);
    expect(parseRunFileHeader(text[0]!)).toMatchObject({
      policyName: 'echo it',
      policyText: POLICY_TEXT,
      mode: 'learn',
      command: ['/bin/echo', 'hi'],
    });
    expect(text.slice(1, 4).map((l, i) => parseRunFileLine(l, i + 2))).toEqual([
      { kind: 'event', event: exec },
      { kind: 'event', event: openat },
      { kind: 'event', event: exit },
    ]);
    const end = parseRunFileLine(text[4]!, 5);
    expect(end.kind === 'end' && end.end.message).toBe('the process exited with status 0');
    await runs.dispose();
  });

  it('runs anyway when the run cannot be saved, and says so', async () => {
    const supervisor = scriptedSupervisor({
      batches: [[exec], [exit]],
      outcome: { exit: { type: 'exit', t: 3, pid: 7, code: 0, signal: null }, denials: 0 },
    });
    const events: TraceEvent[] = [];
    const runs = new RunService({
      emit: (name, payload) => {
        if (name === 'run.events') events.push(...(payload as { events: TraceEvent[] }).events);
      },
      loadSupervisor: () => Promise.resolve(supervisor.start),
      recorder: {
        start: () => {
          throw new Error('cannot save the run in /nope: EACCES');
        },
      },
      coalesceMs: 1,
    });
    await runs.start('learn', POLICY_TEXT);
    for (let i = 0; i < 200 && events.length < 3; i++) await sleep(5);
    expect(events[0]).toEqual({
      type: 'error',
      t: 0,
      severity: 'warning',
      message: 'the run is not saved: cannot save the run in /nope: EACCES',
    });
    expect(events.slice(1)).toEqual([exec, exit]);
    await runs.dispose();
  });
});
