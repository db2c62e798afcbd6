import {
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkPlainPolicyName, createDialogFiles, createWorkspaceFiles } from './files-service';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'studio-files-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function put(relative: string, text = 'version: 1\n'): Promise<void> {
  const path = join(dir, relative);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
}

describe('workspace files (web mode)', () => {
  it('lists policy files up to three folders deep, sorted, skipping node_modules and .git', async () => {
    await put('b.sandbox.yaml');
    await put('a.sandbox.yaml');
    await put('notes.yaml');
    await put('x/y/z/deep.sandbox.yaml');
    await put('x/y/z/w/too-deep.sandbox.yaml');
    await put('node_modules/pkg/dep.sandbox.yaml');
    await put('.git/hooks/h.sandbox.yaml');
    const files = createWorkspaceFiles(dir);
    const listed = await files.list();
    expect(listed.map((f) => f.name)).toEqual([
      'a.sandbox.yaml',
      'b.sandbox.yaml',
      'x/y/z/deep.sandbox.yaml',
    ]);
    // Handles are opaque, unique and stable across listings.
    expect(new Set(listed.map((f) => f.handle)).size).toBe(3);
    expect(listed.every((f) => !f.handle.includes('/'))).toBe(true);
    expect(await files.list()).toEqual(listed);
  });

  it('does not follow symbolic links out of the workspace', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'studio-outside-'));
    try {
      await writeFile(join(outside, 'secret.sandbox.yaml'), 'x');
      await symlink(join(outside, 'secret.sandbox.yaml'), join(dir, 'link.sandbox.yaml'));
      await symlink(outside, join(dir, 'linked-dir'));
      expect(await createWorkspaceFiles(dir).list()).toEqual([]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('reads and saves by handle, atomically, keeping the file mode', async () => {
    await put('p.sandbox.yaml', 'version: 1\nname: old\n');
    await chmod(join(dir, 'p.sandbox.yaml'), 0o600);
    const files = createWorkspaceFiles(dir);
    const [entry] = await files.list();
    expect(entry).toBeDefined();
    const opened = await files.read(entry!.handle);
    expect(opened).toEqual({
      handle: entry!.handle,
      name: 'p.sandbox.yaml',
      text: 'version: 1\nname: old\n',
    });

    expect(await files.save(entry!.handle, 'version: 1\nname: new\n')).toEqual(entry);
    expect(await readFile(join(dir, 'p.sandbox.yaml'), 'utf8')).toBe('version: 1\nname: new\n');
    expect((await stat(join(dir, 'p.sandbox.yaml'))).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['p.sandbox.yaml']); // no temp file left behind
  });

  it('refuses handles it never issued', async () => {
    const files = createWorkspaceFiles(dir);
    await expect(files.read('made-up')).rejects.toThrow('unknown file handle');
    await expect(files.save('made-up', 'x')).rejects.toThrow('unknown file handle');
  });

  it('creates new files only as plain names inside the workspace, never overwriting', async () => {
    const files = createWorkspaceFiles(dir);
    const created = await files.saveAs('version: 1\n', 'new.sandbox.yaml');
    expect(created?.name).toBe('new.sandbox.yaml');
    expect(await readFile(join(dir, 'new.sandbox.yaml'), 'utf8')).toBe('version: 1\n');
    expect((await files.read(created!.handle)).text).toBe('version: 1\n');

    await expect(files.saveAs('other', 'new.sandbox.yaml')).rejects.toThrow('already exists');
    expect(await readFile(join(dir, 'new.sandbox.yaml'), 'utf8')).toBe('version: 1\n');
    for (const bad of [
      '../x.sandbox.yaml',
      'a/b.sandbox.yaml',
      '.hidden.sandbox.yaml',
      'x.yaml',
      '',
    ]) {
      await expect(files.saveAs('x', bad)).rejects.toThrow('plain file name');
    }
    expect((await readdir(dir)).sort()).toEqual(['new.sandbox.yaml']);
  });

  it('refuses files over 1 MB and non-UTF-8 files with a clear message', async () => {
    await put('big.sandbox.yaml', 'x'.repeat(1_000_001));
    await writeFile(join(dir, 'bin.sandbox.yaml'), Buffer.from([0xff, 0xfe, 0x00]));
    const files = createWorkspaceFiles(dir);
    const byName = new Map((await files.list()).map((f) => [f.name, f.handle]));
    await expect(files.read(byName.get('big.sandbox.yaml')!)).rejects.toThrow(
      /big\.sandbox\.yaml is too large .*1 MB/,
    );
    await expect(files.read(byName.get('bin.sandbox.yaml')!)).rejects.toThrow('is not UTF-8 text');
  });

  it('reports a deleted file without a stack of internals', async () => {
    await put('gone.sandbox.yaml');
    const files = createWorkspaceFiles(dir);
    const [entry] = await files.list();
    await rm(join(dir, 'gone.sandbox.yaml'));
    await expect(files.read(entry!.handle)).rejects.toThrow(
      'cannot open gone.sandbox.yaml: no such file or directory (ENOENT)',
    );
  });

  it('has no native open dialog', async () => {
    await expect(createWorkspaceFiles(dir).openDialog()).rejects.toThrow('no native dialogs');
  });
});

describe('dialog files (Electron)', () => {
  it('opens the chosen file and issues a handle for it', async () => {
    await put('chosen.sandbox.yaml', 'version: 1\n');
    const files = createDialogFiles({
      chooseFileToOpen: () => Promise.resolve(join(dir, 'chosen.sandbox.yaml')),
      chooseFileToSave: () => Promise.resolve(null),
    });
    const opened = await files.openDialog();
    expect(opened).toMatchObject({ name: 'chosen.sandbox.yaml', text: 'version: 1\n' });
    expect(await files.list()).toEqual([{ handle: opened!.handle, name: 'chosen.sandbox.yaml' }]);
    await files.save(opened!.handle, 'version: 1\n# edited\n');
    expect(await readFile(join(dir, 'chosen.sandbox.yaml'), 'utf8')).toBe('version: 1\n# edited\n');
  });

  it('returns null when a dialog is cancelled', async () => {
    const files = createDialogFiles({
      chooseFileToOpen: () => Promise.resolve(null),
      chooseFileToSave: () => Promise.resolve(null),
    });
    expect(await files.openDialog()).toBeNull();
    expect(await files.saveAs('x', 'a.sandbox.yaml')).toBeNull();
    expect(await files.list()).toEqual([]);
  });

  it('saves under the name chosen in the save dialog, passing the suggestion', async () => {
    const suggestions: string[] = [];
    const files = createDialogFiles({
      chooseFileToOpen: () => Promise.resolve(null),
      chooseFileToSave: (suggested) => {
        suggestions.push(suggested);
        return Promise.resolve(join(dir, 'picked.sandbox.yaml'));
      },
    });
    const saved = await files.saveAs('version: 1\n', 'hint.sandbox.yaml');
    expect(suggestions).toEqual(['hint.sandbox.yaml']);
    expect(saved?.name).toBe('picked.sandbox.yaml');
    expect(await readFile(join(dir, 'picked.sandbox.yaml'), 'utf8')).toBe('version: 1\n');
  });
});

describe('includes of an opened policy', () => {
  it('web mode: reads YAML files of the workspace, relative to the policy or absolute', async () => {
    await put('sub/main.sandbox.yaml');
    await put('sub/lib/base.yaml', 'version: 1\nname: base\n');
    await put('common.yml', 'version: 1\nname: common\n');
    await put('notes.txt');
    const files = createWorkspaceFiles(dir);
    const [main] = await files.list();
    const handle = main!.handle;
    expect(await files.readInclude(handle, 'lib/base.yaml')).toEqual({
      text: 'version: 1\nname: base\n',
    });
    expect(await files.readInclude(handle, '../common.yml')).toEqual({
      text: 'version: 1\nname: common\n',
    });
    expect(await files.readInclude(handle, join(dir, 'common.yml'))).toEqual({
      text: 'version: 1\nname: common\n',
    });
    expect(await files.readInclude(handle, 'lib/missing.yaml')).toEqual({
      error: 'no such file or directory (ENOENT)',
    });
    expect(await files.readInclude(handle, '../notes.txt')).toEqual({
      error: 'not a .yaml or .yml file',
    });
    for (const escape of ['../../x.yaml', '/etc/passwd', '/etc/hosts.yaml']) {
      expect(await files.readInclude(handle, escape)).toEqual({
        error: `not inside ${dir} (includes are read only from there)`,
      });
    }
  });

  it('refuses handles it never issued', async () => {
    const files = createWorkspaceFiles(dir);
    await expect(files.readInclude('made-up', 'a.yaml')).rejects.toThrow('unknown file handle');
    expect(() => files.includeSource('made-up')).toThrow('unknown file handle');
  });

  it("gives the parser the policy's path and a reader confined to the workspace", async () => {
    await put('p.sandbox.yaml');
    await put('base.yaml', 'version: 1\n');
    const files = createWorkspaceFiles(dir);
    const [entry] = await files.list();
    const source = files.includeSource(entry!.handle);
    expect(source.path).toBe(join(dir, 'p.sandbox.yaml'));
    expect(source.readInclude(join(dir, 'base.yaml'))).toBe('version: 1\n');
    expect(source.readInclude('/etc/passwd')).toMatchObject({ error: /^not inside / });
  });

  it("Electron: reads below the opened policy's folder only", async () => {
    await put('project/app.sandbox.yaml');
    await put('project/rules/net.yaml', 'version: 1\nname: net\n');
    await put('elsewhere.yaml');
    const files = createDialogFiles({
      chooseFileToOpen: () => Promise.resolve(join(dir, 'project', 'app.sandbox.yaml')),
      chooseFileToSave: () => Promise.resolve(null),
    });
    const opened = await files.openDialog();
    expect(await files.readInclude(opened!.handle, 'rules/net.yaml')).toEqual({
      text: 'version: 1\nname: net\n',
    });
    expect(await files.readInclude(opened!.handle, '../elsewhere.yaml')).toEqual({
      error: `not inside ${join(dir, 'project')} (includes are read only from there)`,
    });
    expect(files.includeSource(opened!.handle).path).toBe(join(dir, 'project', 'app.sandbox.yaml'));
  });
});

describe('checkPlainPolicyName', () => {
  it('accepts plain policy names only', () => {
    expect(checkPlainPolicyName('my-app_v2.sandbox.yaml')).toBe('my-app_v2.sandbox.yaml');
    for (const bad of [
      'a..b.sandbox.yaml',
      '/etc/x.sandbox.yaml',
      'x.sandbox.yaml/',
      'a b.sandbox.yaml',
    ]) {
      expect(() => checkPlainPolicyName(bad)).toThrow('plain file name');
    }
  });
});
