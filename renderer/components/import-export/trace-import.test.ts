import { describe, expect, it } from 'vitest';
import {
  STRACE_CHUNK_MAX_CHARS,
  WEB_MAX_MESSAGE_BYTES,
  type RequestParams,
} from '../../../app/api/contract';
import { importStraceAsTrace, type TraceImportProgress } from './trace-import';
import { memoryBackend, requestBytes, STRACE_LOG, traceStores } from './trace-import-test-helpers';

const LOG_INPUT = { name: 'true.log', content: new TextEncoder().encode(STRACE_LOG) };
type Chunk = RequestParams<'runs.importStraceChunk'>;

/** A log of `lines` getpid calls with a path-heavy line first. */
function bigLog(bytes: number): string {
  const line =
    '500 openat(AT_FDCWD</tmp>, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3</etc/ld.so.cache>\n';
  return `${STRACE_LOG.split('\n')[0]}\n${line.repeat(Math.ceil(bytes / line.length))}`;
}

describe('importStraceAsTrace', () => {
  it('sends the log in pieces, saves it as a run and opens it in the event table', async () => {
    const backend = memoryBackend();
    const stores = traceStores(backend.client, 'web');
    const outcome = await importStraceAsTrace(stores.deps, LOG_INPUT);
    expect(outcome).toEqual({ kind: 'opened', id: '20250101-100000-learn-00000000' });
    expect(backend.calls.map((c) => c.method)).toEqual([
      'runs.importStraceChunk',
      'runs.importStraceChunk',
      'runs.list',
      'runs.open',
    ]);
    expect(backend.calls[0]!.params).toEqual({
      fileName: 'true.log',
      size: LOG_INPUT.content.byteLength,
      text: STRACE_LOG,
      final: false,
    });
    expect(backend.calls[1]!.params).toEqual({
      uploadId: '1'.padStart(32, '0'),
      offset: STRACE_LOG.length,
      text: '',
      final: true,
    });
    const run = stores.runs.getState().run;
    expect(run?.runId).toBe('saved:20250101-100000-learn-00000000');
    expect(
      stores.runs
        .getState()
        .events.toArray()
        .map((e) => e.type),
    ).toEqual(['syscall', 'exec', 'syscall', 'syscall', 'exit']);
    expect(stores.savedRuns.getState().opened).toMatchObject({
      status: 'loaded',
      title: '/usr/bin/true',
    });
    expect(stores.traceView.getState().tab).toBe('events');
  });

  it('sends a log larger than one web message, every piece within the limit, in order', async () => {
    const backend = memoryBackend();
    const stores = traceStores(backend.client, 'web');
    const text = bigLog(3 * WEB_MAX_MESSAGE_BYTES);
    const progress: TraceImportProgress[] = [];
    const outcome = await importStraceAsTrace(
      stores.deps,
      { name: 'big.log', content: text },
      { onProgress: (p) => progress.push(p) },
    );
    expect(outcome.kind).toBe('opened');
    const pieces = backend.calls
      .filter((c) => c.method === 'runs.importStraceChunk')
      .map((c) => c.params as Chunk);
    expect(pieces.length).toBeGreaterThan(3 * (WEB_MAX_MESSAGE_BYTES / STRACE_CHUNK_MAX_CHARS));
    for (const piece of pieces) {
      expect(piece.text.length).toBeLessThanOrEqual(STRACE_CHUNK_MAX_CHARS);
      expect(requestBytes('runs.importStraceChunk', piece)).toBeLessThan(WEB_MAX_MESSAGE_BYTES);
    }
    expect(pieces.map((p) => p.text).join('')).toBe(text);
    const fractions = progress.flatMap((p) => (p.phase === 'sending' ? [p.fraction] : []));
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBe(1);
    expect(progress.slice(-2)).toEqual([{ phase: 'saving' }, { phase: 'opening' }]);
    const opened = stores.runs.getState().events.toArray();
    expect(opened.find((e) => e.type === 'syscall' && e.name === 'openat')).toMatchObject({
      strings: { '1': '/etc/ld.so.cache' },
      fds: { '0': '/tmp' },
    });
  });

  it('reads a file too large to read at once a slice at a time', async () => {
    const backend = memoryBackend();
    const stores = traceStores(backend.client, 'electron');
    const text = bigLog(2.5 * 1024 * 1024).replace('/etc/ld.so.cache"', '/etc/ld.so.cache€"');
    const file = new Blob([text]);
    const outcome = await importStraceAsTrace(stores.deps, {
      name: 'big.log',
      content: '',
      size: file.size,
      file,
    });
    expect(outcome.kind).toBe('opened');
    const pieces = backend.calls
      .filter((c) => c.method === 'runs.importStraceChunk')
      .map((c) => c.params as Chunk);
    expect(pieces[0]).toMatchObject({ fileName: 'big.log', size: file.size });
    expect(pieces.map((p) => p.text).join('')).toBe(text);
  });

  it('cancels: stops sending and tells the backend to drop what it got', async () => {
    const backend = memoryBackend();
    const stores = traceStores(backend.client, 'web');
    const controller = new AbortController();
    const outcome = await importStraceAsTrace(
      stores.deps,
      { name: 'big.log', content: bigLog(4 * STRACE_CHUNK_MAX_CHARS) },
      {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.phase === 'sending' && p.fraction > 0.4) controller.abort();
        },
      },
    );
    expect(outcome).toEqual({ kind: 'cancelled' });
    expect(backend.cancelled).toEqual(['1'.padStart(32, '0')]);
    expect(backend.uploads.size).toBe(0);
    expect(backend.saved.size).toBe(0);
    expect(stores.runs.getState().run).toBeNull();
  });

  it('shows the backend refusal of a malformed log at its line and column', async () => {
    const backend = memoryBackend();
    const stores = traceStores(backend.client, 'electron');
    const outcome = await importStraceAsTrace(stores.deps, {
      name: 'bad.log',
      content: `${STRACE_LOG}garbage\n`,
    });
    expect(outcome).toEqual({
      kind: 'failed',
      error: {
        message: 'not a line of strace output: "garbage"',
        range: {
          start: { line: 5, column: 1, offset: 0 },
          end: { line: 5, column: 1, offset: 0 },
        },
      },
    });
    expect(stores.traceView.getState().tab).toBe('histogram');
  });

  it('reports a failed request, dropping the import, and text that is not UTF-8', async () => {
    let pieces = 0;
    const backend = memoryBackend({
      'runs.importStraceChunk': async (params) => {
        if (++pieces > 1) throw new Error('cannot save the imported run: ENOSPC');
        return { uploadId: 'a'.repeat(32), received: params.text.length };
      },
    });
    const stores = traceStores(backend.client, 'web');
    expect(await importStraceAsTrace(stores.deps, LOG_INPUT)).toEqual({
      kind: 'failed',
      error: { message: 'Cannot import true.log as a trace: cannot save the imported run: ENOSPC' },
    });
    expect(backend.cancelled).toEqual(['a'.repeat(32)]);
    expect(
      await importStraceAsTrace(stores.deps, { name: 'x.bin', content: new Uint8Array([0xff]) }),
    ).toEqual({ kind: 'failed', error: { message: 'x.bin is not UTF-8 text' } });
    const file = new Blob([STRACE_LOG, new Uint8Array([0xc3])]);
    expect(await importStraceAsTrace(stores.deps, { name: 'cut.log', content: '', file })).toEqual({
      kind: 'failed',
      error: { message: 'cut.log is not UTF-8 text' },
    });
    expect(stores.runs.getState().run).toBeNull();
  });

  it('leaves the run saved but not shown while a live run holds the run panel', async () => {
    const backend = memoryBackend();
    const stores = traceStores(backend.client, 'web');
    stores.runs.getState().requested('check', 0);
    stores.runs.getState().started('live-1');
    const outcome = await importStraceAsTrace(stores.deps, LOG_INPUT);
    expect(outcome).toEqual({
      kind: 'saved',
      id: '20250101-100000-learn-00000000',
      message:
        'Saved as the run 20250101-100000-learn-00000000, not opened (stop the current run first). Open it from Saved runs.',
    });
    expect(stores.runs.getState().run?.runId).toBe('live-1');
    expect(stores.savedRuns.getState().runs?.map((r) => r.importedFrom)).toEqual([
      { format: 'strace', fileName: 'true.log' },
    ]);
  });
});
