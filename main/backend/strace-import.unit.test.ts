import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { straceRun } from '../../app/formats/strace-trace';
import { parseRunFileHeader } from '../../app/trace/run-file';
import { createWorkspaceFiles } from './files-service';
import { createBackendHandlers, dispatchRequest } from './handlers';
import { SavedRuns } from './saved-runs';
import { importStraceRun, saveStraceRun } from './strace-import';

const LOG = `200 execve("/usr/bin/true", ["true", "--x"], 0x7ffd /* 3 vars */) = 0
200 brk(NULL) = 0x55a73a7ee000
200 <... read resumed>"", 10) = 0
200 exit_group(0) = ?
200 +++ exited with 0 +++
`;

const NOW = new Date('2025-11-23T15:06:12.000Z');
let dir: string;
let runs: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'studio-strace-import-'));
  runs = join(dir, 'runs');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const options = () => ({ dir: runs, studioVersion: '1.2.3', now: () => NOW });

describe('importStraceRun', () => {
  it('saves the log as a learn run that the runs folder lists and opens', async () => {
    const result = await importStraceRun({ fileName: 'true.log', text: LOG }, options());
    if (!('id' in result)) throw new Error(result.error);
    expect(result.id).toMatch(/^20251123-150612-learn-[0-9a-f]{8}$/);

    const saved = new SavedRuns(runs);
    const { runs: listed, unreadable } = await saved.list();
    expect(unreadable).toEqual([]);
    expect(listed).toEqual([
      {
        id: result.id,
        mode: 'learn',
        command: ['/usr/bin/true', '--x'],
        importedFrom: { format: 'strace', fileName: 'true.log' },
        startedAt: NOW.toISOString(),
        endedAt: NOW.toISOString(),
        state: 'exited',
        message: 'imported from the strace log true.log: the process exited with status 0',
        events: 7,
        bytes: expect.any(Number),
      },
    ]);

    const page = await saved.open(result.id);
    expect(page.header).toMatchObject({
      mode: 'learn',
      studioVersion: '1.2.3',
      importedFrom: { format: 'strace', fileName: 'true.log' },
    });
    expect(page.next).toBeNull();
    expect(page.end?.summary.syscalls.map((s) => [s.name, s.verdict, s.count])).toEqual([
      ['brk', 'observed', 1],
      ['execve', 'observed', 1],
      ['exit_group', 'observed', 1],
      ['read', 'observed', 1],
    ]);
    // The warning about the cut log comes first, then the log's events.
    expect(page.events[0]).toEqual({
      type: 'error',
      t: 0,
      severity: 'warning',
      message: 'true.log:3:1: read resumed without its start (the log was cut?)',
    });
    expect(page.events.slice(1).map((e) => e.type)).toEqual([
      'syscall',
      'exec',
      'syscall',
      'syscall',
      'syscall',
      'exit',
    ]);
  });

  it('writes the run file for the owner only, and no temporary file stays', async () => {
    const result = await importStraceRun({ fileName: 'true.log', text: LOG }, options());
    if (!('id' in result)) throw new Error(result.error);
    expect(await readdir(runs)).toEqual([`${result.id}.ndjson`]);
    expect((await stat(join(runs, `${result.id}.ndjson`))).mode & 0o777).toBe(0o600);
    expect((await stat(runs)).mode & 0o777).toBe(0o700);
    const header = (await readFile(join(runs, `${result.id}.ndjson`), 'utf8')).split('\n')[0]!;
    expect(parseRunFileHeader(header).runId).toHaveLength(16);
  });

  it('never replaces a run: two imports in the same second get two ids', async () => {
    const a = await importStraceRun({ fileName: 'a.log', text: LOG }, options());
    const b = await importStraceRun({ fileName: 'b.log', text: LOG }, options());
    if (!('id' in a) || !('id' in b)) throw new Error('not saved');
    expect(a.id).not.toBe(b.id);
    expect((await readdir(runs)).sort()).toEqual([`${a.id}.ndjson`, `${b.id}.ndjson`].sort());
  });

  it('answers a malformed log with FILE:LINE:COL: error and saves nothing', async () => {
    const text = `${LOG}what is this\n`;
    expect(await importStraceRun({ fileName: 'bad.log', text }, options())).toEqual({
      error: 'bad.log:6:1: error: not a line of strace output: "what is this"',
    });
    expect(await importStraceRun({ fileName: 'empty.log', text: '\n' }, options())).toEqual({
      error: 'empty.log:1:1: error: the log shows no syscall',
    });
    expect(await readdir(runs)).toEqual([]);
  });

  it('fails the request with the reason when the runs folder cannot be written', async () => {
    await writeFile(join(dir, 'file'), 'not a folder');
    await expect(
      importStraceRun({ fileName: 't.log', text: LOG }, { ...options(), dir: join(dir, 'file') }),
    ).rejects.toThrow(/^cannot save the imported run in .*file: .*(EEXIST|ENOTDIR)/);
  });

  it('reads the log as the given arch', async () => {
    const text = '5 getpid() = 5\n';
    const result = await importStraceRun(
      { fileName: 'a.log', text },
      { ...options(), arch: 'aarch64' },
    );
    if (!('id' in result)) throw new Error(result.error);
    const page = await new SavedRuns(runs).open(result.id);
    expect(page.events[0]).toMatchObject({ type: 'syscall', arch: 'aarch64', nr: 172 });
  });
});

describe('saveStraceRun', () => {
  it('writes long traces in chunks, every event on its own line', async () => {
    const lines = Array.from({ length: 30_000 }, (_, i) => `9 getpid() = ${i}`).join('\n');
    const run = straceRun(lines);
    const saved = await saveStraceRun(run, 'long.log', options());
    const text = await readFile(saved.path, 'utf8');
    expect(text.split('\n')).toHaveLength(30_000 + 3); // header, events, end, final newline
    const opened = await new SavedRuns(runs).summary(saved.id);
    expect(opened.complete).toBe(true);
    expect(opened.summary.syscalls).toEqual([
      { name: 'getpid', verdict: 'observed', action: '', count: 30_000, processes: 1 },
    ]);
  });
});

describe('runs.importStrace through the request dispatcher', () => {
  it('validates the request and saves the log in the runs folder', async () => {
    const handlers = createBackendHandlers({
      host: { kind: 'web', nativeDialogs: false, workspace: dir, version: '9.9.9' },
      files: createWorkspaceFiles(dir),
      runs: { start: () => Promise.reject(new Error('unused')), stop: () => Promise.resolve() },
      savedRuns: new SavedRuns(runs),
    });
    const reply = await dispatchRequest(handlers, 'runs.importStrace', {
      fileName: 'true.log',
      text: LOG,
    });
    expect(reply.ok).toBe(true);
    const { id } = (reply as { result: { id: string } }).result;
    const listed = await dispatchRequest(handlers, 'runs.list', {});
    expect(listed).toMatchObject({ ok: true, result: { runs: [{ id }] } });
    const header = await dispatchRequest(handlers, 'runs.summary', { id });
    expect(header).toMatchObject({ ok: true, result: { header: { studioVersion: '9.9.9' } } });

    expect(
      await dispatchRequest(handlers, 'runs.importStrace', { fileName: '', text: LOG }),
    ).toMatchObject({ ok: false });
    expect(
      await dispatchRequest(handlers, 'runs.importStrace', { fileName: 'x', text: LOG, extra: 1 }),
    ).toMatchObject({ ok: false });
  });

  it('fails without a runs folder', async () => {
    const handlers = createBackendHandlers({
      host: { kind: 'web', nativeDialogs: false, workspace: dir, version: '9.9.9' },
      files: createWorkspaceFiles(dir),
      runs: { start: () => Promise.reject(new Error('unused')), stop: () => Promise.resolve() },
    });
    expect(
      await dispatchRequest(handlers, 'runs.importStrace', { fileName: 't.log', text: LOG }),
    ).toEqual({ ok: false, error: 'this studio does not save runs (it has no runs folder)' });
  });
});
