import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lessonById } from '../../app/lessons/catalog';
import { NO_COMPILER_MESSAGE } from '../lessons/compile-lesson-target';
import { createBackendHandlers, dispatchRequest } from './handlers';
import { createLessonsService } from './lessons-service';

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'lessons-service-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

function fakeCompiler(): string {
  const bin = mkdtempSync(join(work, 'bin-'));
  const cc = join(bin, 'cc');
  writeFileSync(
    cc,
    '#!/bin/sh\nwhile [ $# -gt 0 ]; do if [ "$1" = -o ]; then shift; : > "$1"; fi; shift; done\n',
  );
  chmodSync(cc, 0o755);
  return bin;
}

describe('the lessons service', () => {
  it('compiles a lesson program and gives its path', async () => {
    const service = createLessonsService({
      cacheDir: join(work, 'cache'),
      env: { PATH: fakeCompiler() },
    });
    const result = await service.prepare('tsync');
    expect(result).toEqual({ path: expect.stringMatching(/\/cache\/[0-9a-f]{16}\/tsync$/) });
  });

  it('answers with an error, not a failure, for what the student can fix', async () => {
    const service = createLessonsService({ cacheDir: join(work, 'cache'), env: { PATH: work } });
    expect(await service.prepare('tsync')).toEqual({ error: NO_COMPILER_MESSAGE });
    expect(await service.prepare('no-such-lesson')).toEqual({
      error: 'there is no lesson "no-such-lesson"',
    });
    expect(lessonById('capsicum-windows')?.target).toBeNull();
    expect(await service.prepare('capsicum-windows')).toEqual({
      error: 'lesson 8 has no program to compile: its goal is about the policy alone',
    });
  });

  it('is served as lessons.prepare, with the id validated by the contract', async () => {
    const handlers = createBackendHandlers({
      host: { kind: 'web', nativeDialogs: false, version: 'test' },
      files: {} as never,
      runs: {} as never,
      lessons: createLessonsService({ cacheDir: join(work, 'cache'), env: { PATH: work } }),
    });
    expect(await dispatchRequest(handlers, 'lessons.prepare', { id: 'strict-mode' })).toEqual({
      ok: true,
      result: { error: NO_COMPILER_MESSAGE },
    });
    expect(await dispatchRequest(handlers, 'lessons.prepare', { id: '../x' })).toEqual({
      ok: false,
      error: 'invalid lessons.prepare request: id: a lesson id like strict-mode',
    });
  });
});
