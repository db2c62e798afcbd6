import { appendFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackendHandlers, RunPageCursor } from '../../app/api/contract';
import type { TraceEvent } from '../../app/trace/events';
import { runFileLine, type RunFileHeader } from '../../app/trace/run-file';
import { summarizeEvents } from '../../app/trace/run-summary';
import { createWorkspaceFiles } from './files-service';
import { createBackendHandlers, dispatchRequest } from './handlers';
import { RunRecorder } from './run-recorder';
import { SavedRuns } from './saved-runs';

let dir: string;
let runsDir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'studio-saved-runs-'));
  runsDir = join(dir, 'runs');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const POLICY = { name: 'ls', target: { command: ['/bin/ls'] } };
const syscall = (i: number): TraceEvent => ({
  type: 'syscall',
  t: i,
  pid: 10 + (i % 3),
  tid: 10 + (i % 3),
  name: ['openat', 'read', 'mmap'][i % 3]!,
  nr: i % 3,
  arch: 'x86_64',
  args: ['0x0', '0x0', '0x0', '0x0', '0x0', '0x0'],
});

async function record(
  runId: string,
  events: readonly TraceEvent[],
  at: string,
  end: boolean | 'failed' = true,
): Promise<string> {
  const recorder = new RunRecorder({
    dir: runsDir,
    studioVersion: '1.0.0',
    now: () => new Date(at),
  });
  const recording = recorder.start({
    runId,
    mode: 'learn',
    policy: POLICY,
    policyText: 'version: 1\n',
  });
  recording.append(events);
  if (end)
    await recording.finish({ state: end === 'failed' ? 'failed' : 'exited', message: 'done' });
  else await new Promise((r) => setTimeout(r, 50));
  return recording.id;
}

async function readAll(saved: SavedRuns, id: string) {
  const events: TraceEvent[] = [];
  let cursor: RunPageCursor | undefined;
  let pages = 0;
  let last;
  do {
    last = await saved.open(id, cursor);
    if (pages === 0) expect(last.header?.runId).toBeDefined();
    else expect(last.header).toBeUndefined();
    events.push(...last.events);
    cursor = last.next ?? undefined;
    pages++;
  } while (cursor);
  return { events, pages, last };
}

describe('SavedRuns', () => {
  it('lists the saved runs newest first, with how they ended', async () => {
    const older = await record('aaaaaaaa', [syscall(0)], '2025-01-01T10:00:00Z');
    const newer = await record(
      'bbbbbbbb',
      [syscall(0), syscall(1)],
      '2025-01-02T10:00:00Z',
      'failed',
    );
    const running = await record('cccccccc', [syscall(0)], '2025-01-03T10:00:00Z', false);
    await writeFile(join(runsDir, 'notes.txt'), 'not a run');
    await writeFile(join(runsDir, 'garbage.ndjson'), '{"hello":1}\n');
    const { runs, unreadable } = await new SavedRuns(runsDir).list();
    expect(runs.map((r) => [r.id, r.state, r.events])).toEqual([
      [running, 'incomplete', undefined],
      [newer, 'failed', 2],
      [older, 'exited', 1],
    ]);
    expect(runs[1]).toMatchObject({
      mode: 'learn',
      policyName: 'ls',
      command: ['/bin/ls'],
      startedAt: '2025-01-02T10:00:00.000Z',
      message: 'done',
    });
    expect(runs[1]!.bytes).toBeGreaterThan(100);
    expect(unreadable).toEqual([
      {
        id: 'garbage',
        error: expect.stringMatching(
          /^run garbage: line 1, column 1: not a sandbox-studio run file header/,
        ),
      },
    ]);
  });

  it('lists nothing when no run was saved yet', async () => {
    expect(await new SavedRuns(join(dir, 'none')).list()).toEqual({ runs: [], unreadable: [] });
  });

  it('pages through a large run and ends with the end record', async () => {
    const events = Array.from({ length: 2503 }, (_, i) => syscall(i));
    const id = await record('dddddddd', events, '2025-01-01T10:00:00Z');
    const {
      events: read,
      pages,
      last,
    } = await readAll(new SavedRuns(runsDir, { pageEvents: 1000 }), id);
    expect(read).toEqual(events);
    expect(pages).toBe(3);
    expect(last.end).toMatchObject({ state: 'exited', events: 2503 });
    expect(last.truncated).toBeUndefined();
  });

  it('reads a run cut short by a crash, without its partial last line', async () => {
    const id = await record('eeeeeeee', [syscall(0), syscall(1)], '2025-01-01T10:00:00Z', false);
    await appendFile(join(runsDir, `${id}.ndjson`), '{"type":"syscall","t":2,"pi');
    const { events, last } = await readAll(new SavedRuns(runsDir), id);
    expect(events).toEqual([syscall(0), syscall(1)]);
    expect(last.truncated).toBe(true);
    expect(last.end).toBeUndefined();
    const summary = await new SavedRuns(runsDir).summary(id);
    expect(summary.complete).toBe(false);
    expect(summary.summary.events).toBe(2);
  });

  it('keeps a last event that is whole but lacks its newline', async () => {
    const id = await record('ffffffff', [syscall(0)], '2025-01-01T10:00:00Z', false);
    await appendFile(join(runsDir, `${id}.ndjson`), runFileLine(syscall(1)).trimEnd());
    const { events, last } = await readAll(new SavedRuns(runsDir), id);
    expect(events).toEqual([syscall(0), syscall(1)]);
    expect(last.truncated).toBeUndefined();
  });

  it('says which line of a damaged run file is wrong', async () => {
    const id = await record('99999999', [syscall(0)], '2025-01-01T10:00:00Z', false);
    await appendFile(join(runsDir, `${id}.ndjson`), '{"type":"syscall","t":"soon"}\n');
    await expect(new SavedRuns(runsDir).open(id)).rejects.toThrow(
      new RegExp(`^run ${id}: line 3, column 1: not a trace event: t:`),
    );
  });

  it('summarizes from the end record, or from the events when there is none', async () => {
    const events = [syscall(0), syscall(1), syscall(3)];
    const ended = await record('12121212', events, '2025-01-01T10:00:00Z');
    const open = await record('34343434', events, '2025-01-02T10:00:00Z', false);
    const saved = new SavedRuns(runsDir);
    expect(await saved.summary(ended)).toMatchObject({
      complete: true,
      summary: summarizeEvents(events),
    });
    expect(await saved.summary(open)).toMatchObject({
      complete: false,
      summary: summarizeEvents(events),
    });
  });

  it('exports the file as it is, in chunks of whole lines', async () => {
    const id = await record('56565656', [syscall(0), syscall(1)], '2025-01-01T10:00:00Z');
    const saved = new SavedRuns(runsDir);
    const chunk = await saved.export(id);
    expect(chunk.fileName).toBe(`${id}.ndjson`);
    expect(chunk.next).toBeNull();
    expect(chunk.text.split('\n').length).toBe(5); // header, 2 events, end, ''
    expect(chunk.bytes).toBe(Buffer.byteLength(chunk.text));
  });

  it('refuses cursors and offsets that do not start a line', async () => {
    const id = await record('78787878', [syscall(0), syscall(1)], '2025-01-01T10:00:00Z');
    const saved = new SavedRuns(runsDir);
    await expect(saved.open(id, { offset: 5, line: 2 })).rejects.toThrow(/invalid cursor.*byte 5/);
    await expect(saved.open(id, { offset: 1e9, line: 2 })).rejects.toThrow(/invalid cursor/);
    await expect(saved.export(id, 3)).rejects.toThrow(/invalid offset.*byte 3/);
  });

  it('opens only run files in its folder, never through a link', async () => {
    await mkdir(runsDir, { recursive: true });
    const secret = join(dir, 'secret.ndjson');
    const header: RunFileHeader = {
      format: 'sandbox-studio-run',
      formatVersion: 1,
      runId: 'x',
      mode: 'learn',
      command: [],
      startedAt: '2025-01-01T00:00:00.000Z',
      studioVersion: '1',
    };
    await writeFile(secret, runFileLine(header));
    await symlink(secret, join(runsDir, 'link.ndjson'));
    const saved = new SavedRuns(runsDir);
    await expect(saved.open('link')).rejects.toThrow(/symbolic link/);
    await expect(saved.open('../secret')).rejects.toThrow(/invalid run id/);
    await expect(saved.open('nope')).rejects.toThrow('there is no saved run nope');
  });
});

describe('runs.* requests', () => {
  let handlers: BackendHandlers;
  beforeEach(() => {
    handlers = createBackendHandlers({
      host: { kind: 'web', nativeDialogs: false, workspace: dir, version: '1' },
      files: createWorkspaceFiles(dir),
      runs: { start: () => Promise.reject(new Error('no')), stop: () => Promise.resolve() },
      savedRuns: new SavedRuns(runsDir, { pageEvents: 2 }),
    });
  });

  it('validates ids and cursors before touching the disk', async () => {
    expect(await dispatchRequest(handlers, 'runs.open', { id: '../../etc/passwd' })).toEqual({
      ok: false,
      error: expect.stringMatching(/^invalid runs.open request: id: /),
    });
    expect(
      await dispatchRequest(handlers, 'runs.open', { id: 'a', cursor: { offset: -1, line: 2 } }),
    ).toEqual({
      ok: false,
      error: expect.stringMatching(/^invalid runs.open request: cursor.offset: /),
    });
    expect(
      await dispatchRequest(handlers, 'runs.open', {
        id: 'a',
        cursor: { offset: 1, line: 2, x: 1 },
      }),
    ).toMatchObject({
      ok: false,
    });
    expect(await dispatchRequest(handlers, 'runs.export', { id: 'a', offset: 1.5 })).toMatchObject({
      ok: false,
    });
    expect(await dispatchRequest(handlers, 'runs.summary', {})).toEqual({
      ok: false,
      error: expect.stringMatching(/^invalid runs.summary request: id: /),
    });
    expect(await dispatchRequest(handlers, 'runs.list', { extra: 1 })).toMatchObject({ ok: false });
  });

  it('serves the saved runs through the contract', async () => {
    const id = await record(
      'abababab',
      [syscall(0), syscall(1), syscall(2)],
      '2025-01-01T10:00:00Z',
    );
    const listed = await dispatchRequest(handlers, 'runs.list', {});
    expect(listed).toMatchObject({
      ok: true,
      result: { runs: [{ id, state: 'exited', events: 3 }] },
    });
    const first = await dispatchRequest(handlers, 'runs.open', { id });
    expect(first).toMatchObject({
      ok: true,
      result: { events: [syscall(0), syscall(1)], next: { line: 4 } },
    });
    const next = (first as { result: { next: RunPageCursor } }).result.next;
    const second = await dispatchRequest(handlers, 'runs.open', { id, cursor: next });
    expect(second).toMatchObject({
      ok: true,
      result: { events: [syscall(2)], next: null, end: { events: 3 } },
    });
    const summary = await dispatchRequest(handlers, 'runs.summary', { id });
    expect(summary).toMatchObject({ ok: true, result: { complete: true, summary: { events: 3 } } });
    const exported = await dispatchRequest(handlers, 'runs.export', { id });
    expect(exported).toMatchObject({ ok: true, result: { fileName: `${id}.ndjson`, next: null } });
    expect(await dispatchRequest(handlers, 'runs.open', { id: 'missing' })).toEqual({
      ok: false,
      error: 'there is no saved run missing',
    });
  });

  it('fails clearly where runs are not saved', async () => {
    const without = createBackendHandlers({
      host: { kind: 'web', nativeDialogs: false, version: '1' },
      files: createWorkspaceFiles(dir),
      runs: { start: () => Promise.reject(new Error('no')), stop: () => Promise.resolve() },
    });
    expect(await dispatchRequest(without, 'runs.list', {})).toEqual({
      ok: false,
      error: 'this studio does not save runs (it has no runs folder)',
    });
  });
});
