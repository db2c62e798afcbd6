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
const runSources: (string | undefined)[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'studio-handlers-'));
  await writeFile(join(dir, 'a.sandbox.yaml'), 'version: 1\n');
  runCalls.length = 0;
  runSources.length = 0;
  handlers = createBackendHandlers({
    host: { kind: 'web', nativeDialogs: false, workspace: dir, version: '9.9.9' },
    files: createWorkspaceFiles(dir),
    runs: {
      start: (mode, text, source) => {
        runCalls.push(`start ${mode} ${text}`);
        runSources.push(source?.path);
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

async function handleOf(name: string): Promise<string> {
  const listed = await dispatchRequest(handlers, 'files.list', {});
  const { files } = (listed as { result: { files: { handle: string; name: string }[] } }).result;
  return files.find((f) => f.name === name)!.handle;
}

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

  it('reads the includes of an opened policy, confined to the workspace', async () => {
    await writeFile(join(dir, 'base.yaml'), 'version: 1\nname: base\n');
    const handle = await handleOf('a.sandbox.yaml');
    expect(
      await dispatchRequest(handlers, 'files.readInclude', { handle, path: 'base.yaml' }),
    ).toEqual({ ok: true, result: { text: 'version: 1\nname: base\n' } });
    expect(
      await dispatchRequest(handlers, 'files.readInclude', { handle, path: '/etc/passwd' }),
    ).toEqual({
      ok: true,
      result: { error: `not inside ${dir} (includes are read only from there)` },
    });
    expect(
      await dispatchRequest(handlers, 'files.readInclude', { handle: 'forged', path: 'base.yaml' }),
    ).toEqual({ ok: false, error: 'unknown file handle (choose the file again)' });
    for (const params of [
      { handle, path: '' },
      { handle, path: 'a\0.yaml' },
      { handle, path: 'x'.repeat(4097) },
      { handle },
      { handle, path: 'base.yaml', root: '/' },
    ]) {
      const refused = await dispatchRequest(handlers, 'files.readInclude', params);
      expect(refused).toMatchObject({ ok: false });
      expect((refused as { error: string }).error).toMatch(/^invalid files.readInclude request: /);
    }
  });

  it("passes run.start the file of a handle, to read the policy's includes", async () => {
    const handle = await handleOf('a.sandbox.yaml');
    await dispatchRequest(handlers, 'run.start', { mode: 'learn', policyText: 'p', handle });
    await dispatchRequest(handlers, 'run.start', { mode: 'learn', policyText: 'p' });
    expect(runSources).toEqual([join(dir, 'a.sandbox.yaml'), undefined]);
    expect(
      await dispatchRequest(handlers, 'run.start', {
        mode: 'learn',
        policyText: 'p',
        handle: 'forged',
      }),
    ).toEqual({ ok: false, error: 'unknown file handle (choose the file again)' });
    expect(runSources).toHaveLength(2);
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
    const bad = await dispatchRequest(handlers, 'run.start', { mode: 'replay', policyText: '' });
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
