import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from './cli-error';
import { loadPolicy } from './policy-input';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'studio-policy-input-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function put(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
  return path;
}

const MAIN = `version: 1
include: [lib/base.yaml]
target: { command: [/bin/true] }
linux:
  seccomp:
    rules:
      - allow: [close]
`;

describe('loadPolicy', () => {
  it('follows nested includes relative to each file', async () => {
    const file = await put('app.sandbox.yaml', MAIN);
    await put('lib/base.yaml', 'version: 1\ninclude: [io.yaml]\n');
    await put('lib/io.yaml', 'version: 1\nlinux: {seccomp: {rules: [{allow: [read, write]}]}}\n');
    const loaded = await loadPolicy(file);
    expect(loaded.notes).toEqual([]);
    const rules = loaded.policy.linux.seccomp?.rules ?? [];
    expect(rules.map((r) => [r.syscalls.map((s) => s.name), r.origin?.file])).toEqual([
      [['read', 'write'], join(dir, 'lib', 'io.yaml')],
      [['close'], undefined],
    ]);
  });

  it('resolves includes against the policy file, not the working directory', async () => {
    const file = await put('app.sandbox.yaml', MAIN);
    await put('lib/base.yaml', 'version: 1\n');
    const loaded = await loadPolicy(relative(process.cwd(), file));
    expect(loaded.path).toBe(file);
  });

  it('names the include entry (file:line:col) of a missing file', async () => {
    const file = await put('app.sandbox.yaml', MAIN);
    const failure = loadPolicy(file);
    await expect(failure).rejects.toBeInstanceOf(CliError);
    await expect(failure).rejects.toMatchObject({ exitCode: 2 });
    await expect(failure).rejects.toThrow(
      `${file}:2:11: error: cannot include ${join(dir, 'lib', 'base.yaml')}: no such file or directory (ENOENT)`,
    );
  });

  it('reports a cycle with the chain of files', async () => {
    const file = await put('app.sandbox.yaml', MAIN);
    await put('lib/base.yaml', 'version: 1\ninclude: [../app.sandbox.yaml]\n');
    const base = join(dir, 'lib', 'base.yaml');
    await expect(loadPolicy(file)).rejects.toThrow(
      `${file}:2:11: error: ${base}:2:11: include cycle: ${file} → ${base} → ${file}`,
    );
  });

  it("reports an included file's errors at the include entry, naming the spot in that file", async () => {
    const file = await put('app.sandbox.yaml', MAIN);
    await put('lib/base.yaml', 'version: 1\nlinux: {seccomp: {rules: [{allow: [opne]}]}}\n');
    await expect(loadPolicy(file)).rejects.toThrow(
      new RegExp(
        `^${file}:2:11: error: ${join(dir, 'lib', 'base.yaml')}:2:\\d+: unknown syscall "opne"`,
      ),
    );
  });

  it('is not confined: an include may leave the policy folder', async () => {
    const file = await put(
      'project/app.sandbox.yaml',
      MAIN.replace('lib/base.yaml', '../shared.yml'),
    );
    await put('shared.yml', 'version: 1\nlinux: {seccomp: {rules: [{allow: [getpid]}]}}\n');
    const loaded = await loadPolicy(file);
    expect(loaded.policy.linux.seccomp?.rules.map((r) => r.syscalls[0]?.name)).toEqual([
      'getpid',
      'close',
    ]);
  });
});
