import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackendHandlers } from '../../app/api/contract';
import { createWorkspaceFiles } from './files-service';
import { createBackendHandlers, dispatchRequest } from './handlers';

let dir: string;
let handlers: BackendHandlers;
const runCalls: string[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'studio-handlers-'));
  await writeFile(join(dir, 'a.sandbox.yaml'), 'version: 1\n');
  runCalls.length = 0;
  handlers = createBackendHandlers({
    host: { kind: 'web', nativeDialogs: false, workspace: dir, version: '9.9.9' },
    files: createWorkspaceFiles(dir),
    runs: {
      start: (mode, text) => {
        runCalls.push(`start ${mode} ${text}`);
        if (text === 'bad') return Promise.reject(new Error('the policy has errors: 1:1: nope'));
        return Promise.resolve({ runId: 'run-1' });
      },
      stop: (runId) => {
        runCalls.push(`stop ${runId}`);
        return Promise.resolve();
      },
    },
  });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('dispatchRequest', () => {
  it('answers host.info', async () => {
    expect(await dispatchRequest(handlers, 'host.info', {})).toEqual({
      ok: true,
      result: { kind: 'web', nativeDialogs: false, workspace: dir, version: '9.9.9' },
    });
  });

  it('lists, reads and saves files through the files service', async () => {
    const listed = await dispatchRequest(handlers, 'files.list', {});
    expect(listed.ok).toBe(true);
    const { files } = (listed as { result: { files: { handle: string; name: string }[] } }).result;
    expect(files.map((f) => f.name)).toEqual(['a.sandbox.yaml']);
    const read = await dispatchRequest(handlers, 'files.read', { handle: files[0]!.handle });
    expect(read).toEqual({
      ok: true,
      result: { handle: files[0]!.handle, name: 'a.sandbox.yaml', text: 'version: 1\n' },
    });
    const saveAs = await dispatchRequest(handlers, 'files.saveAs', {
      text: 'version: 1\n',
      suggestedName: 'b.sandbox.yaml',
    });
    expect(saveAs).toMatchObject({ ok: true, result: { file: { name: 'b.sandbox.yaml' } } });
  });

  it('forwards run.start and run.stop', async () => {
    expect(
      await dispatchRequest(handlers, 'run.start', { mode: 'check', policyText: 'p' }),
    ).toEqual({
      ok: true,
      result: { runId: 'run-1' },
    });
    expect(await dispatchRequest(handlers, 'run.stop', { runId: 'run-1' })).toEqual({
      ok: true,
      result: {},
    });
    expect(runCalls).toEqual(['start check p', 'stop run-1']);
  });

  it('turns handler failures into error messages', async () => {
    expect(
      await dispatchRequest(handlers, 'run.start', { mode: 'learn', policyText: 'bad' }),
    ).toEqual({
      ok: false,
      error: 'the policy has errors: 1:1: nope',
    });
    expect(await dispatchRequest(handlers, 'files.read', { handle: 'nope' })).toEqual({
      ok: false,
      error: 'unknown file handle (choose the file again)',
    });
    expect(await dispatchRequest(handlers, 'files.openDialog', {})).toMatchObject({ ok: false });
  });

  it('rejects unknown methods and invalid params with a message naming the field', async () => {
    expect(await dispatchRequest(handlers, 'fs.unlink', {})).toEqual({
      ok: false,
      error: 'unknown method "fs.unlink"',
    });
    const bad = await dispatchRequest(handlers, 'run.start', { mode: 'enforce', policyText: '' });
    expect(bad).toMatchObject({ ok: false });
    expect((bad as { error: string }).error).toMatch(/^invalid run.start request: mode: /);
    const extra = await dispatchRequest(handlers, 'files.read', {
      handle: 'x',
      path: '/etc/passwd',
    });
    expect(extra).toMatchObject({ ok: false });
    expect(runCalls).toEqual([]);
  });

  it('reports a handler result that breaks the contract instead of sending it', async () => {
    const broken = { ...handlers, 'run.start': () => Promise.resolve({ runId: '' }) };
    expect(await dispatchRequest(broken, 'run.start', { mode: 'learn', policyText: 'p' })).toEqual({
      ok: false,
      error: 'internal error: run.start produced an invalid result',
    });
  });

  it('never throws, even when a handler throws synchronously', async () => {
    const throwing = {
      ...handlers,
      'host.info': () => {
        throw new Error('boom');
      },
    };
    expect(await dispatchRequest(throwing, 'host.info', {})).toEqual({ ok: false, error: 'boom' });
  });
});
