import { mkdtemp, readdir, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-write';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'studio-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('creates a new file and replaces an existing one, keeping its mode', async () => {
    const path = join(dir, 'p.sandbox.yaml');
    await writeFileAtomic(path, 'one');
    expect(await readFile(path, 'utf8')).toBe('one');
    await chmod(path, 0o640);
    await writeFileAtomic(path, 'two ✓');
    expect(await readFile(path, 'utf8')).toBe('two ✓');
    expect((await stat(path)).mode & 0o777).toBe(0o640);
    expect(await readdir(dir)).toEqual(['p.sandbox.yaml']);
  });

  it('refuses to replace an existing file when exclusive, leaving it untouched', async () => {
    const path = join(dir, 'p.sandbox.yaml');
    await writeFile(path, 'original');
    await expect(writeFileAtomic(path, 'new', { exclusive: true })).rejects.toMatchObject({
      code: 'EEXIST',
    });
    expect(await readFile(path, 'utf8')).toBe('original');
    expect(await readdir(dir)).toEqual(['p.sandbox.yaml']);
  });

  it('fails cleanly when the folder does not exist', async () => {
    await expect(
      writeFileAtomic(join(dir, 'missing', 'p.sandbox.yaml'), 'x'),
    ).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});
