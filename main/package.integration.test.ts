// Packages the studio with electron-builder and electron-builder.yml exactly as `npm run package`
// does, but with a stand-in for the Electron binary (which cannot be downloaded everywhere): a file
// carrying Electron's fuse wire, so the fuses are really flipped. Checks what the package holds.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Platform, build } from 'electron-builder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtEntry, rendererDir } from './paths';

const root = join(import.meta.dirname, '..');
// Electron's fuse wire: a sentinel, the wire version (1), its length, then one byte per fuse.
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const FUSES_IN_ORDER = [
  'runAsNode',
  'enableCookieEncryption',
  'enableNodeOptionsEnvironmentVariable',
  'enableNodeCliInspectArguments',
  'enableEmbeddedAsarIntegrityValidation',
  'onlyLoadAppFromAsar',
  'loadBrowserProcessSpecificV8Snapshot',
  'grantFileProtocolExtraPrivileges',
] as const;
// Electron's own defaults, which the configuration must change where it says so.
const ELECTRON_DEFAULTS = '10110001';

interface AsarEntry {
  readonly size?: number;
  readonly offset?: string;
  readonly unpacked?: boolean;
  readonly files?: Record<string, AsarEntry>;
}

/** The header of an ASAR archive: a Chromium pickle holding a JSON tree of the files. */
function readAsar(path: string): { files: Map<string, AsarEntry>; read(name: string): Buffer } {
  const bytes = readFileSync(path);
  const headerPickleSize = bytes.readUInt32LE(4);
  const jsonSize = bytes.readUInt32LE(12);
  const tree = JSON.parse(bytes.subarray(16, 16 + jsonSize).toString('utf8')) as AsarEntry;
  const files = new Map<string, AsarEntry>();
  const walk = (entry: AsarEntry, prefix: string) => {
    for (const [name, child] of Object.entries(entry.files ?? {})) {
      const childPath = prefix === '' ? name : `${prefix}/${name}`;
      if (child.files) walk(child, childPath);
      else files.set(childPath, child);
    }
  };
  walk(tree, '');
  const dataStart = 8 + headerPickleSize;
  return {
    files,
    read(name) {
      const entry = files.get(name);
      if (!entry || entry.unpacked || entry.offset === undefined || entry.size === undefined) {
        throw new Error(`${name} is not packed in ${path}`);
      }
      const start = dataStart + Number(entry.offset);
      return bytes.subarray(start, start + entry.size);
    },
  };
}

function standInElectron(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const wire = Buffer.concat([
    Buffer.from('\x7fELF'),
    Buffer.alloc(60),
    Buffer.from(FUSE_SENTINEL),
    Buffer.from([1, FUSES_IN_ORDER.length]),
    Buffer.from(ELECTRON_DEFAULTS),
    Buffer.alloc(16),
  ]);
  writeFileSync(join(dir, 'electron'), wire);
  chmodSync(join(dir, 'electron'), 0o755);
}

function fuseStates(binary: string): Record<string, boolean> {
  const bytes = readFileSync(binary);
  const at = bytes.indexOf(FUSE_SENTINEL) + FUSE_SENTINEL.length;
  expect(bytes[at]).toBe(1);
  return Object.fromEntries(
    FUSES_IN_ORDER.map((name, i) => [name, String.fromCharCode(bytes[at + 2 + i] ?? 0) === '1']),
  );
}

describe('the Linux package (electron-builder --dir, stand-in Electron binary)', () => {
  let work: string;
  let appDir: string;

  beforeAll(async () => {
    builtEntry('electron-main.cjs');
    for (const file of ['index.html', 'app.js']) {
      if (!existsSync(join(rendererDir(), file))) {
        throw new Error(`dist/renderer/${file} is missing: run \`npm run build\` first`);
      }
    }
    work = mkdtempSync(join(tmpdir(), 'ss-package-'));
    standInElectron(join(work, 'electron'));
    await build({
      projectDir: root,
      targets: Platform.LINUX.createTarget('dir'),
      publish: 'never',
      // Only these two differ from electron-builder.yml, which electron-builder reads itself.
      config: { electronDist: join(work, 'electron'), directories: { output: join(work, 'out') } },
    });
    appDir = join(work, 'out', 'linux-unpacked');
  }, 120_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('names the executable and flips the fuses as electron-builder.yml says', () => {
    expect(fuseStates(join(appDir, 'sandbox-studio'))).toEqual({
      runAsNode: true,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('holds the bundles, the renderer and the examples, and no sources, tests or maps', () => {
    const { files, read } = readAsar(join(appDir, 'resources', 'app.asar'));
    const names = [...files.keys()];
    for (const entry of [
      'cli.mjs',
      'electron-main.cjs',
      'launcher.mjs',
      'notify-worker.mjs',
      'preload.cjs',
    ]) {
      expect(names).toContain(`dist/main/${entry}`);
    }
    expect(names).toEqual(
      expect.arrayContaining([
        'dist/renderer/index.html',
        'dist/renderer/app.js',
        'examples/ls.sandbox.yaml',
      ]),
    );
    expect(names.filter((n) => n.endsWith('.map') || n.endsWith('.ts'))).toEqual([]);
    expect(
      names.filter((n) => /^(app|main|renderer|native-bridge|e2e|scripts|bench)\//.test(n)),
    ).toEqual([]);
    // Everything else is bundled: koffi is the only module left in node_modules.
    const modules = new Set(
      names
        .filter((n) => n.startsWith('node_modules/'))
        .map((n) => n.split('/').slice(1, 3).join('/')),
    );
    expect(
      [...modules].every((m) => m.startsWith('koffi/') || m.startsWith('@koromix/koffi-')),
    ).toBe(true);
    const manifest = JSON.parse(read('package.json').toString('utf8')) as {
      name: string;
      main: string;
    };
    expect(manifest.name).toBe('sandbox-studio');
    expect(manifest.main).toBe('dist/main/electron-main.cjs');
  });

  it("keeps koffi's native binary, the examples and the lessons as real files next to the archive", () => {
    const { files } = readAsar(join(appDir, 'resources', 'app.asar'));
    // The launcher and the worker run outside the main process (main/paths.ts unpackedEntry).
    for (const name of ['dist/main/launcher.mjs', 'dist/main/notify-worker.mjs']) {
      expect(files.get(name)?.unpacked, name).toBe(true);
      expect(existsSync(join(appDir, 'resources', 'app.asar.unpacked', name)), name).toBe(true);
    }
    const binaries = [...files.entries()].filter(([name]) => name.endsWith('koffi.node'));
    expect(binaries.length).toBeGreaterThan(0);
    for (const [name, entry] of binaries) {
      expect(entry.unpacked, name).toBe(true);
      expect(existsSync(join(appDir, 'resources', 'app.asar.unpacked', name)), name).toBe(true);
    }
    expect(
      existsSync(join(appDir, 'resources', 'app.asar.unpacked', 'examples', 'ls.sandbox.yaml')),
    ).toBe(true);
    // gcc compiles the lesson sources on first use: they must be real files.
    const lessons = existsSync(join(root, 'lessons')) ? readdirSync(join(root, 'lessons')) : [];
    for (const source of lessons) {
      expect(files.get(`lessons/${source}`)?.unpacked, source).toBe(true);
      expect(existsSync(join(appDir, 'resources', 'app.asar.unpacked', 'lessons', source))).toBe(
        true,
      );
    }
  });

  it('has an unpacked koffi that loads its binary and calls libc on its own', () => {
    const koffi = join(
      appDir,
      'resources',
      'app.asar.unpacked',
      'node_modules',
      'koffi',
      'index.js',
    );
    const script = `
      const { default: koffi } = await import(${JSON.stringify(koffi)});
      const getpid = koffi.load('libc.so.6').func('int getpid()');
      console.log(getpid() === process.pid ? 'ok' : 'wrong pid');`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('ok');
  });
});
