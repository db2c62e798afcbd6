import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIncludeReader } from './include-reader';

let dir: string;
let outside: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'studio-include-'));
  outside = mkdtempSync(join(tmpdir(), 'studio-outside-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

function put(base: string, relative: string, text: string | Buffer = 'version: 1\n'): string {
  const path = join(base, relative);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

describe('include reader (unconfined: the command line)', () => {
  const read = createIncludeReader();

  it('reads any policy file', () => {
    expect(read(put(outside, 'base.sandbox.yaml', 'version: 1\nname: b\n'))).toBe(
      'version: 1\nname: b\n',
    );
    expect(read(put(outside, 'notes.txt', 'version: 1\n'))).toBe('version: 1\n');
  });

  it('explains failures without repeating the path', () => {
    expect(read(join(dir, 'missing.yaml'))).toEqual({
      error: 'no such file or directory (ENOENT)',
    });
    expect(read(dir)).toEqual({ error: 'not a regular file' });
    expect(read(put(dir, 'big.yaml', 'x'.repeat(1_000_001)))).toEqual({
      error: 'too large (1000001 bytes; a policy may have at most 1 MB)',
    });
    expect(read(put(dir, 'bin.yaml', Buffer.from([0xff, 0xfe, 0x00])))).toEqual({
      error: 'not UTF-8 text',
    });
  });

  it('reads a file of exactly 1 MB', () => {
    expect(read(put(dir, 'max.yaml', '#'.repeat(1_000_000)))).toHaveLength(1_000_000);
  });
});

describe('include reader (confined to a folder: the renderer)', () => {
  it('reads YAML files anywhere below the root', () => {
    const read = createIncludeReader({ root: dir });
    expect(read(put(dir, 'base.yaml', 'version: 1\nname: a\n'))).toBe('version: 1\nname: a\n');
    expect(read(put(dir, 'lib/deep/x.sandbox.yml'))).toBe('version: 1\n');
    expect(read(join(dir, 'lib', '..', 'base.yaml'))).toBe('version: 1\nname: a\n');
  });

  it('refuses files outside the root, without telling whether they exist', () => {
    const read = createIncludeReader({ root: dir });
    const refused = { error: `not inside ${dir} (includes are read only from there)` };
    expect(read(put(outside, 'secret.yaml'))).toEqual(refused);
    expect(read(join(outside, 'missing.yaml'))).toEqual(refused);
    expect(read(join(dir, '..', 'x.yaml'))).toEqual(refused);
    expect(read(dir)).toEqual(refused);
    expect(read('/etc/passwd')).toEqual(refused);
  });

  it('refuses symbolic links that lead out of the root', () => {
    const read = createIncludeReader({ root: dir });
    symlinkSync(put(outside, 'secret.yaml'), join(dir, 'link.yaml'));
    symlinkSync(outside, join(dir, 'linked-dir'));
    const refused = { error: `not inside ${dir} (includes are read only from there)` };
    expect(read(join(dir, 'link.yaml'))).toEqual(refused);
    expect(read(join(dir, 'linked-dir', 'secret.yaml'))).toEqual(refused);
  });

  it('follows symbolic links that stay inside the root', () => {
    const read = createIncludeReader({ root: dir });
    symlinkSync(put(dir, 'real/base.yaml', 'version: 1\nname: r\n'), join(dir, 'alias.yaml'));
    expect(read(join(dir, 'alias.yaml'))).toBe('version: 1\nname: r\n');
  });

  it('reads only .yaml and .yml files, also behind a link', () => {
    const read = createIncludeReader({ root: dir });
    const notYaml = { error: 'not a .yaml or .yml file' };
    expect(read(put(dir, 'notes.txt'))).toEqual(notYaml);
    expect(read(put(dir, 'yaml'))).toEqual(notYaml);
    symlinkSync(join(dir, 'notes.txt'), join(dir, 'disguised.yaml'));
    expect(read(join(dir, 'disguised.yaml'))).toEqual(notYaml);
    expect(read(put(dir, 'UPPER.YAML'))).toBe('version: 1\n');
  });

  it('accepts a root reached through a symbolic link', () => {
    const alias = join(outside, 'alias');
    symlinkSync(dir, alias);
    const read = createIncludeReader({ root: alias });
    put(dir, 'base.yaml');
    expect(read(join(alias, 'base.yaml'))).toBe('version: 1\n');
    expect(read(join(dir, 'base.yaml'))).toBe('version: 1\n');
  });

  it('keeps the checks of policy files', () => {
    const read = createIncludeReader({ root: dir });
    expect(read(join(dir, 'missing.yaml'))).toEqual({
      error: 'no such file or directory (ENOENT)',
    });
    mkdirSync(join(dir, 'folder.yaml'));
    expect(read(join(dir, 'folder.yaml'))).toEqual({ error: 'not a regular file' });
    expect(read(put(dir, 'bin.yaml', Buffer.from([0xc3, 0x28])))).toEqual({
      error: 'not UTF-8 text',
    });
  });
});
