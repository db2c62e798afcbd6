import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lessonCacheDir, othersCanReach, SHARED_ROOT_CACHE } from './lesson-cache-dir';

let base: string;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'lesson-cache-'));
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

describe('lessonCacheDir', () => {
  it('uses $XDG_CACHE_HOME, else ~/.cache', () => {
    chmodSync(base, 0o755);
    expect(lessonCacheDir({ env: { XDG_CACHE_HOME: base }, uid: 1000 })).toBe(
      join(base, 'sandbox-studio', 'lessons'),
    );
    expect(lessonCacheDir({ env: { HOME: base }, uid: 1000 })).toBe(
      join(base, '.cache', 'sandbox-studio', 'lessons'),
    );
    // A relative XDG_CACHE_HOME is invalid by the spec: ignored.
    expect(lessonCacheDir({ env: { XDG_CACHE_HOME: 'rel', HOME: base }, uid: 1000 })).toBe(
      join(base, '.cache', 'sandbox-studio', 'lessons'),
    );
  });

  it("moves root's programs to /var/cache when others cannot reach its own cache", () => {
    chmodSync(base, 0o700);
    expect(lessonCacheDir({ env: { XDG_CACHE_HOME: base }, uid: 0 })).toBe(SHARED_ROOT_CACHE);
    // Another user keeps its private cache: it cannot switch users anyway.
    expect(lessonCacheDir({ env: { XDG_CACHE_HOME: base }, uid: 1000 })).toBe(
      join(base, 'sandbox-studio', 'lessons'),
    );
    chmodSync(base, 0o711);
    expect(lessonCacheDir({ env: { XDG_CACHE_HOME: base }, uid: 0 })).toBe(
      join(base, 'sandbox-studio', 'lessons'),
    );
  });
});

describe('othersCanReach', () => {
  it('needs search permission for others on every existing folder on the way', () => {
    chmodSync(base, 0o755);
    mkdirSync(join(base, 'private'), { mode: 0o700 });
    chmodSync(join(base, 'private'), 0o700);
    expect(othersCanReach(join(base, 'not', 'made', 'yet'))).toBe(true);
    expect(othersCanReach(join(base, 'private', 'x'))).toBe(false);
    expect(othersCanReach(join(base, 'private'))).toBe(false);
  });
});
