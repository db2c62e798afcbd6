import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  appliedLayers,
  errors,
  isRoot,
  launch,
  linuxX64,
  requireBuiltLauncher,
  warnings,
} from './test-support';

/** A minimal root: /bin/sh (dash) and the shared objects ldd says it loads, plus /work. */
function makeRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'layers-chroot-'));
  chmodSync(root, 0o755);
  const shell = realpathSync('/bin/sh');
  const libraries = execFileSync('ldd', [shell], { encoding: 'utf8' })
    .split('\n')
    .flatMap((line) => /(\/\S+)/.exec(line)?.[1] ?? []);
  for (const file of [...libraries, '/bin/sh']) {
    const target = join(root, file);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(realpathSync(file), target);
    chmodSync(target, 0o755);
  }
  mkdirSync(join(root, 'work'));
  return root;
}

if (!linuxX64) console.warn('skipping chroot layer tests: they need Linux on x86_64');
if (linuxX64 && !isRoot)
  console.warn('skipping chroot layer tests: they need root (CAP_SYS_CHROOT)');

describe.runIf(linuxX64 && isRoot)('chroot layer on the real kernel', () => {
  beforeAll(requireBuiltLauncher);

  it('runs the target inside the new root, resolving the executable there, in the cwd inside it', async () => {
    const root = makeRoot();
    const outcome = await launch({
      argv: ['sh', '-c', 'echo /*; pwd'],
      env: { PATH: '/bin' },
      layers: { chroot: { path: root, cwd: '/work' } },
    });
    expect(errors(outcome)).toEqual([]);
    const top = execFileSync('ls', [root], { encoding: 'utf8' }).trim().split('\n');
    expect(outcome.stdout).toBe(`${top.map((name) => `/${name}`).join(' ')}\n/work\n`);
    expect(appliedLayers(outcome)).toEqual(['chroot', 'no_new_privs']);
    expect(outcome.messages[0]).toEqual({
      kind: 'applied',
      layer: 'chroot',
      detail: `${root}, cwd /work`,
    });
  });

  it("the spec's cwd is a directory inside the root when the chroot layer names none", async () => {
    const root = makeRoot();
    const outcome = await launch({
      argv: ['/bin/sh', '-c', 'pwd'],
      cwd: '/work',
      layers: { chroot: { path: root } },
    });
    expect(errors(outcome)).toEqual([]);
    expect(outcome.stdout).toBe('/work\n');
  });

  it('a program that exists only outside the root is not found (exit 127)', async () => {
    const root = makeRoot();
    const outcome = await launch({
      argv: ['/bin/cat', '/etc/hostname'],
      layers: { chroot: { path: root } },
    });
    expect(errors(outcome)).toMatchObject([{ layer: 'exec', errnoName: 'ENOENT' }]);
    expect(outcome.code).toBe(127);
  });

  it('a missing root stops the launch with chroot and ENOENT; the target never runs', async () => {
    const outcome = await launch({
      argv: ['/bin/echo', 'ran'],
      layers: { chroot: { path: '/nonexistent/root' } },
    });
    expect(errors(outcome)).toEqual([
      {
        kind: 'error',
        layer: 'chroot',
        message: 'chroot(/nonexistent/root) failed: ENOENT',
        errno: 2,
        errnoName: 'ENOENT',
      },
    ]);
    expect(outcome.stdout).toBe('');
    expect(outcome.code).toBe(126);
  });

  it('best effort: a missing root is a warning; the target runs in the host root and its cwd', async () => {
    const outcome = await launch({
      argv: ['/bin/sh', '-c', 'pwd'],
      cwd: '/tmp',
      layers: { chroot: { path: '/nonexistent/root', bestEffort: true } },
    });
    expect(warnings(outcome)).toEqual([
      {
        kind: 'warning',
        layer: 'chroot',
        message: 'chroot(/nonexistent/root) failed: ENOENT',
        errno: 2,
        errnoName: 'ENOENT',
      },
    ]);
    expect(outcome.stdout).toBe('/tmp\n');
    expect(outcome.code).toBe(0);
  });

  it('a relative cwd resolves inside the new root, never from the old working directory', async () => {
    const root = makeRoot();
    const outcome = await launch({
      argv: ['/bin/sh', '-c', 'pwd'],
      layers: { chroot: { path: root, cwd: 'work' } },
    });
    expect(errors(outcome)).toEqual([]);
    expect(outcome.stdout).toBe('/work\n');
  });
});
