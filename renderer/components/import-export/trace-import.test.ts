import { describe, expect, it } from 'vitest';
import { WEB_MAX_MESSAGE_BYTES } from '../../../app/api/contract';
import { importStraceAsTrace, requestBytes } from './trace-import';
import { memoryBackend, STRACE_LOG, traceStores } from './trace-import-test-helpers';

const LOG_INPUT = { name: 'true.log', content: new TextEncoder().encode(STRACE_LOG) };

describe('importStraceAsTrace', () => {
  it('saves the log as a run and opens it in the event table, as Saved runs does', async () => {
    const backend = memoryBackend();
    const stores = traceStores(backend.client, 'web');
    const outcome = await importStraceAsTrace(stores.deps, LOG_INPUT);
    expect(outcome).toEqual({ kind: 'opened', id: '20250101-100000-learn-00000000' });
    expect(backend.calls.map((c) => c.method)).toEqual([
      'runs.importStrace',
      'runs.list',
      'runs.open',
    ]);
    expect(backend.calls[0]!.params).toEqual({ fileName: 'true.log', text: STRACE_LOG });
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

  it('reports a failed request and text that is not UTF-8 without opening anything', async () => {
    const backend = memoryBackend({
      'runs.importStrace': () => Promise.reject(new Error('cannot save the imported run: ENOSPC')),
    });
    const stores = traceStores(backend.client, 'web');
    expect(await importStraceAsTrace(stores.deps, LOG_INPUT)).toEqual({
      kind: 'failed',
      error: { message: 'Cannot import true.log as a trace: cannot save the imported run: ENOSPC' },
    });
    expect(
      await importStraceAsTrace(stores.deps, { name: 'x.bin', content: new Uint8Array([0xff]) }),
    ).toEqual({ kind: 'failed', error: { message: 'x.bin is not UTF-8 text' } });
    expect(stores.runs.getState().run).toBeNull();
  });

  it('refuses, with the CLI way, a log larger than web mode carries, before sending it', async () => {
    const backend = memoryBackend();
    const stores = traceStores(backend.client, 'web');
    const line = '500 getpid() = 500\n';
    const big = line.repeat(Math.ceil(WEB_MAX_MESSAGE_BYTES / line.length));
    const outcome = await importStraceAsTrace(stores.deps, { name: 'big.log', content: big });
    expect(outcome.kind).toBe('failed');
    if (outcome.kind !== 'failed') return;
    expect(outcome.error.message).toMatch(
      /^big\.log is 2\.\d MB as a request: web mode carries at most 2\.1 MB in one\. .*sandbox-studio import strace FILE --save --workspace DIR/,
    );
    expect(backend.calls).toEqual([]);
    // The desktop app's IPC has no such limit.
    const desktop = traceStores(backend.client, 'electron');
    expect(
      await importStraceAsTrace(desktop.deps, { name: 'big.log', content: big }),
    ).toMatchObject({
      kind: 'opened',
    });
  });

  it('applies the web limit while the host is not known yet', async () => {
    const backend = memoryBackend();
    const stores = traceStores(backend.client, 'web');
    stores.connection.setState({ host: null });
    const big = 'x'.repeat(WEB_MAX_MESSAGE_BYTES);
    expect((await importStraceAsTrace(stores.deps, { name: 'b', content: big })).kind).toBe(
      'failed',
    );
    expect(backend.calls).toEqual([]);
  });

  it('counts the request as the socket sends it, in UTF-8 bytes', () => {
    const ascii = requestBytes({ fileName: 'a', text: 'abc' });
    expect(requestBytes({ fileName: 'a', text: 'ab€' })).toBe(ascii + 2);
    expect(requestBytes({ fileName: 'a', text: 'ab\n' })).toBe(ascii + 1); // "\n" is escaped
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
