import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STRACE_CHUNK_MAX_CHARS, type RequestResult } from '../../app/api/contract';
import { straceRun, warningEvents } from '../../app/formats/strace-trace';
import { Y_TT_LOG, YY_LOG } from '../../app/formats/strace-test-samples';
import type { TraceEvent } from '../../app/trace/events';
import { createWorkspaceFiles } from './files-service';
import { createBackendHandlers, dispatchRequest } from './handlers';
import { SavedRuns } from './saved-runs';
import { StraceUploads, type StraceUploadLimits } from './strace-import-uploads';

let dir: string;
let runs: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'studio-strace-uploads-'));
  runs = join(dir, 'runs');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const NOW = new Date('2025-11-23T15:06:12.000Z');
const uploads = (limits: Partial<StraceUploadLimits> = {}) =>
  new StraceUploads({ dir: runs, studioVersion: '1.2.3', now: () => NOW, limits });

type ChunkResult = RequestResult<'runs.importStraceChunk'>;

function uploadIdOf(result: ChunkResult): string {
  if (!('uploadId' in result)) throw new Error(`not under way: ${JSON.stringify(result)}`);
  return result.uploadId;
}

/** Sends `text` in pieces of `size` characters; the result of the final piece. */
async function send(
  target: StraceUploads,
  fileName: string,
  text: string,
  size = 100,
): Promise<ChunkResult> {
  const pieces = Array.from({ length: Math.ceil(text.length / size) }, (_, i) =>
    text.slice(i * size, (i + 1) * size),
  );
  let result = await target.chunk({ fileName, text: pieces[0] ?? '', final: pieces.length <= 1 });
  for (let i = 1; i < pieces.length; i++) {
    result = await target.chunk({
      uploadId: uploadIdOf(result),
      offset: i * size,
      text: pieces[i]!,
      final: i === pieces.length - 1,
    });
  }
  return result;
}

async function savedEvents(id: string): Promise<TraceEvent[]> {
  const saved = new SavedRuns(runs);
  const events: TraceEvent[] = [];
  let cursor;
  do {
    const page = await saved.open(id, cursor);
    events.push(...page.events);
    cursor = page.next ?? undefined;
  } while (cursor);
  return events;
}

/** Files in the runs folder that are not runs (temporary files left behind). */
async function leftovers(): Promise<string[]> {
  const names = await readdir(runs).catch(() => []);
  return names.filter((name) => !name.endsWith('.ndjson'));
}

const LOG = `${Y_TT_LOG}${YY_LOG}`;

describe('StraceUploads', () => {
  it('saves a log sent in pieces as the run the whole log makes', async () => {
    const target = uploads();
    const first = await target.chunk({
      fileName: 'sh.log',
      size: LOG.length,
      text: LOG.slice(0, 50),
      final: false,
    });
    expect(first).toEqual({ uploadId: expect.stringMatching(/^[0-9a-f]{32}$/), received: 50 });
    const second = await target.chunk({
      uploadId: uploadIdOf(first),
      offset: 50,
      text: LOG.slice(50, 1234),
      final: false,
    });
    expect(second).toEqual({ uploadId: uploadIdOf(first), received: 1234 });
    const done = await target.chunk({
      uploadId: uploadIdOf(first),
      offset: 1234,
      text: LOG.slice(1234),
      final: true,
    });
    if (!('id' in done)) throw new Error(JSON.stringify(done));
    expect(target.size).toBe(0);

    const whole = straceRun(LOG);
    expect(await savedEvents(done.id)).toEqual([
      ...warningEvents('sh.log', whole.warnings),
      ...whole.events,
    ]);
    const { runs: listed } = await new SavedRuns(runs).list();
    expect(listed).toMatchObject([
      {
        id: done.id,
        command: ['/usr/bin/sh', '-c', 'cat /etc/hostname > /dev/null & '],
        importedFrom: { format: 'strace', fileName: 'sh.log' },
        message: 'imported from the strace log sh.log: the process exited with status 3',
        events: whole.events.length,
      },
    ]);
    expect(await leftovers()).toEqual([]);
  });

  it('puts calls strace wrote split back where they started, whichever piece they end in', async () => {
    const log = [
      '1 10:00:00.000000 execve("/bin/sh", ["sh"], 0x7f /* 1 var */) = 0',
      '1 10:00:00.001000 wait4(-1,  <unfinished ...>',
      '2 10:00:00.002000 execve("/bin/true", ["true"], 0x7f /* 1 var */ <unfinished ...>',
      '3 10:00:00.003000 getpid() = 3',
      '2 10:00:00.004000 <... execve resumed>) = 0',
      '2 10:00:00.005000 +++ exited with 0 +++',
      '1 10:00:00.006000 <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 2',
      '1 10:00:00.007000 +++ exited with 0 +++',
      '',
    ].join('\n');
    const result = await send(uploads(), 'split.log', log, 17);
    if (!('id' in result)) throw new Error(JSON.stringify(result));
    const events = await savedEvents(result.id);
    expect(events).toEqual(straceRun(log).events);
    expect(events.map((e) => [e.type, e.t])).toEqual([
      ['syscall', 0],
      ['exec', 0],
      ['syscall', 1],
      ['syscall', 2],
      ['exec', 2],
      ['syscall', 3],
      ['exit', 5],
      ['exit', 7],
    ]);
  });

  it('names the command of the first exec, when strace wrote that exec split', async () => {
    const log = [
      '1 10:00:00.000000 execve("/bin/a", ["a", "-x"], 0x7f /* 1 var */ <unfinished ...>',
      '2 10:00:00.001000 execve("/bin/b", ["b"], 0x7f /* 1 var */) = 0',
      '1 10:00:00.002000 <... execve resumed>) = 0',
      '',
    ].join('\n');
    const result = await send(uploads(), 'a.log', log, 30);
    if (!('id' in result)) throw new Error(JSON.stringify(result));
    const { runs: listed } = await new SavedRuns(runs).list();
    expect(listed[0]?.command).toEqual(['/bin/a', '-x']);
    expect(straceRun(log).command).toEqual(['/bin/a', '-x']);
    expect(await savedEvents(result.id)).toEqual(straceRun(log).events);
  });

  it('keeps interleaved imports apart', async () => {
    const target = uploads();
    const a = await target.chunk({ fileName: 'a.log', text: Y_TT_LOG.slice(0, 300), final: false });
    const b = await target.chunk({ fileName: 'b.log', text: YY_LOG.slice(0, 200), final: false });
    const bDone = await target.chunk({
      uploadId: uploadIdOf(b),
      offset: 200,
      text: YY_LOG.slice(200),
      final: true,
    });
    const aDone = await target.chunk({
      uploadId: uploadIdOf(a),
      offset: 300,
      text: Y_TT_LOG.slice(300),
      final: true,
    });
    if (!('id' in aDone) || !('id' in bDone)) throw new Error('not saved');
    expect(await savedEvents(aDone.id)).toEqual(straceRun(Y_TT_LOG).events);
    expect(await savedEvents(bDone.id)).toEqual(straceRun(YY_LOG).events);
  });

  it('ends the import at a malformed line with FILE:LINE:COL, saving nothing', async () => {
    const target = uploads();
    const first = await target.chunk({ fileName: 'bad.log', text: Y_TT_LOG, final: false });
    expect(
      await target.chunk({
        uploadId: uploadIdOf(first),
        offset: Y_TT_LOG.length,
        text: 'not strace\n',
        final: false,
      }),
    ).toEqual({ error: 'bad.log:27:1: error: not a line of strace output: "not strace"' });
    expect(target.size).toBe(0);
    expect(await readdir(runs)).toEqual([]);
    await expect(
      target.chunk({ uploadId: uploadIdOf(first), offset: 0, text: '', final: true }),
    ).rejects.toThrow(/no strace import [0-9a-f]{32} is under way/);
    expect(await target.chunk({ fileName: 'empty.log', text: '\n\n', final: true })).toEqual({
      error: 'empty.log:1:1: error: the log shows no syscall',
    });
    expect(await readdir(runs)).toEqual([]);
  });

  it('refuses a log over the size limit, before or while it is sent', async () => {
    const target = uploads({ maxChars: 1000 });
    await expect(
      target.chunk({ fileName: 'big.log', size: 1001, text: '', final: false }),
    ).rejects.toThrow(
      'big.log is 1 MB, more than the 1 MB the studio imports as a trace: save it as a run with `sandbox-studio import strace FILE --save` instead',
    );
    expect(target.size).toBe(0);
    const first = await target.chunk({
      fileName: 'big.log',
      text: LOG.slice(0, 600),
      final: false,
    });
    await expect(
      target.chunk({
        uploadId: uploadIdOf(first),
        offset: 600,
        text: LOG.slice(600, 1001),
        final: false,
      }),
    ).rejects.toThrow(/^big\.log is larger than the 1 MB/);
    expect(target.size).toBe(0);
    expect(await leftovers()).toEqual([]);
  });

  it('holds a few imports at a time', async () => {
    const target = uploads({ maxUploads: 2 });
    const a = await target.chunk({ fileName: 'a.log', text: '', final: false });
    await target.chunk({ fileName: 'b.log', text: '', final: false });
    await expect(target.chunk({ fileName: 'c.log', text: '', final: false })).rejects.toThrow(
      '2 strace imports are under way already: wait for one to end or cancel it',
    );
    await target.cancel(uploadIdOf(a));
    expect(await target.chunk({ fileName: 'c.log', text: '', final: false })).toMatchObject({
      received: 0,
    });
  });

  it('drops an import whose piece comes at the wrong offset', async () => {
    const target = uploads();
    const first = await target.chunk({ fileName: 'a.log', text: LOG.slice(0, 10), final: false });
    await expect(
      target.chunk({
        uploadId: uploadIdOf(first),
        offset: 20,
        text: LOG.slice(20, 30),
        final: true,
      }),
    ).rejects.toThrow(/a piece at character 20, expected 10: import abandoned/);
    expect(target.size).toBe(0);
    expect(await leftovers()).toEqual([]);
  });

  it('refuses a piece sent while the last one is being read', async () => {
    const target = uploads();
    const first = await target.chunk({ fileName: 'a.log', text: '', final: false });
    const id = uploadIdOf(first);
    const reading = target.chunk({ uploadId: id, offset: 0, text: LOG, final: false });
    await expect(
      target.chunk({ uploadId: id, offset: LOG.length, text: '', final: true }),
    ).rejects.toThrow('the previous piece of this strace import is still being read');
    expect(await reading).toEqual({ uploadId: id, received: LOG.length });
  });

  it('cancels an import: nothing is saved, its temporary file goes, later pieces fail', async () => {
    const target = uploads();
    const first = await target.chunk({ fileName: 'a.log', text: LOG.slice(0, 500), final: false });
    expect((await readdir(runs)).length).toBe(1); // the events read so far
    await target.cancel(uploadIdOf(first));
    await target.cancel(uploadIdOf(first)); // twice: nothing to do
    await target.cancel('0'.repeat(32));
    expect(await readdir(runs)).toEqual([]);
    await expect(
      target.chunk({ uploadId: uploadIdOf(first), offset: 500, text: '', final: true }),
    ).rejects.toThrow(/is under way/);
  });

  it('cancels an import while one of its pieces is being read', async () => {
    const target = uploads();
    const id = uploadIdOf(await target.chunk({ fileName: 'a.log', text: '', final: false }));
    const reading = target.chunk({ uploadId: id, offset: 0, text: LOG, final: true });
    await target.cancel(id);
    await expect(reading).rejects.toThrow(`strace import ${id} was cancelled`);
    expect(await readdir(runs)).toEqual([]);
  });

  it('drops an import that waits too long for its next piece, and all of them on request', async () => {
    const target = uploads({ idleMs: 30 });
    const first = await target.chunk({ fileName: 'a.log', text: LOG.slice(0, 10), final: false });
    await new Promise((done) => setTimeout(done, 120));
    expect(target.size).toBe(0);
    expect(await readdir(runs)).toEqual([]);
    await expect(
      target.chunk({ uploadId: uploadIdOf(first), offset: 10, text: '', final: true }),
    ).rejects.toThrow(/waited more than 0 s for its next piece/);

    const patient = uploads();
    await patient.chunk({ fileName: 'a.log', text: LOG.slice(0, 10), final: false });
    await patient.chunk({ fileName: 'b.log', text: LOG.slice(0, 10), final: false });
    await patient.discardAll();
    expect(patient.size).toBe(0);
    expect(await readdir(runs)).toEqual([]);
  });
});

describe('runs.importStraceChunk through the request dispatcher', () => {
  const handlers = () =>
    createBackendHandlers({
      host: { kind: 'web', nativeDialogs: false, workspace: dir, version: '9.9.9' },
      files: createWorkspaceFiles(dir),
      runs: { start: () => Promise.reject(new Error('unused')), stop: () => Promise.resolve() },
      savedRuns: new SavedRuns(runs),
    });

  it('imports a log in pieces and lists the run', async () => {
    const backend = handlers();
    const first = await dispatchRequest(backend, 'runs.importStraceChunk', {
      fileName: 'sh.log',
      text: Y_TT_LOG.slice(0, 100),
      final: false,
    });
    expect(first).toMatchObject({ ok: true, result: { received: 100 } });
    const { uploadId } = (first as { result: { uploadId: string } }).result;
    const last = await dispatchRequest(backend, 'runs.importStraceChunk', {
      uploadId,
      offset: 100,
      text: Y_TT_LOG.slice(100),
      final: true,
    });
    expect(last).toMatchObject({ ok: true, result: { id: expect.any(String) } });
    const listed = await dispatchRequest(backend, 'runs.list', {});
    expect(listed).toMatchObject({
      ok: true,
      result: { runs: [{ command: ['/usr/bin/sh', '-c', 'cat /etc/hostname > /dev/null & '] }] },
    });
  });

  it('validates pieces and ids before anything else', async () => {
    const backend = handlers();
    const refused = async (params: unknown) => {
      const reply = await dispatchRequest(backend, 'runs.importStraceChunk', params);
      expect(reply.ok).toBe(false);
      return reply.ok ? '' : reply.error;
    };
    await refused({ uploadId: 'not-an-id', offset: 0, text: '', final: false });
    await refused({
      uploadId: '../../etc/passwd'.padEnd(32, 'a'),
      offset: 0,
      text: '',
      final: true,
    });
    await refused({
      fileName: 'a.log',
      text: 'x'.repeat(STRACE_CHUNK_MAX_CHARS + 1),
      final: false,
    });
    await refused({ fileName: 'a.log', text: '' });
    await refused({
      fileName: 'a.log',
      uploadId: 'a'.repeat(32),
      offset: 0,
      text: '',
      final: false,
    });
    await refused({ uploadId: 'a'.repeat(32), offset: -1, text: '', final: false });
    await refused({ fileName: '', text: '', final: false });
    expect(
      await dispatchRequest(backend, 'runs.importStraceChunk', {
        uploadId: 'a'.repeat(32),
        offset: 0,
        text: '',
        final: true,
      }),
    ).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^no strace import a{32} is under way/),
    });
    expect(
      await dispatchRequest(backend, 'runs.cancelStraceImport', { uploadId: 'a'.repeat(32) }),
    ).toEqual({ ok: true, result: {} });
    expect(
      await dispatchRequest(backend, 'runs.cancelStraceImport', { uploadId: 'x' }),
    ).toMatchObject({ ok: false });
    expect(await readdir(runs).catch(() => [])).toEqual([]);
  });
});
