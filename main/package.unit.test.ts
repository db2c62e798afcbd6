import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { builderArgs, electronBinary, missingElectronMessage } from '../scripts/package-plan.mjs';

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

interface BuilderConfig {
  appId?: string;
  productName?: string;
  npmRebuild?: boolean;
  directories?: { output?: string };
  files?: string[];
  asarUnpack?: string[];
  electronFuses?: Record<string, boolean>;
  linux?: { target?: string[]; category?: string; maintainer?: string; executableName?: string };
  deb?: { depends?: string[]; recommends?: string[] };
  win?: { target?: string[] };
  mac?: { target?: string[] };
}

function builderConfig(): BuilderConfig {
  return parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
}

/** electron-builder's own validation of a configuration against its JSON schema (scheme.json). */
async function validate(config: unknown): Promise<void> {
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
    validateConfiguration(config: unknown, logger: unknown): Promise<void>;
  };
  const { DebugLogger } = require('builder-util') as { DebugLogger: new (on: boolean) => unknown };
  await validateConfiguration(config, new DebugLogger(false));
}

describe('electron-builder.yml', () => {
  it('is valid for electron-builder', async () => {
    await expect(validate(builderConfig())).resolves.toBeUndefined();
  });

  it('is checked for real: a misplaced option is rejected', async () => {
    const broken = { ...builderConfig(), linux: { ...builderConfig().linux, oneClick: true } };
    await expect(validate(broken)).rejects.toThrow(/configuration\.linux/);
  });

  it('names the app and builds an AppImage and a .deb on Linux, NSIS on Windows, a DMG on macOS', () => {
    const config = builderConfig();
    expect(config.productName).toBe('Sandbox Studio');
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z-]+)+$/);
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.linux?.category).toBe('Development');
    expect(config.linux?.maintainer).toMatch(/<.+@.+>/);
    expect(config.deb?.depends).toContain('util-linux');
    expect(config.win?.target).toEqual(['nsis']);
    expect(config.mac?.target).toEqual(['dmg']);
  });

  it('sets every fuse, keeping RunAsNode for the launcher', () => {
    expect(builderConfig().electronFuses).toEqual({
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

  it('keeps RunAsNode because the supervisor starts the launcher as Electron-as-Node', () => {
    const dir = join(root, 'main', 'supervisor');
    const supervisor = readdirSync(dir)
      .filter((file) => file.endsWith('.ts') && !file.includes('.test.'))
      .map((file) => readFileSync(join(dir, file), 'utf8'))
      .join('\n');
    expect(supervisor).toMatch(/launcherInvocation\(\s*process\.execPath/);
    expect(supervisor).toMatch(/ELECTRON_RUN_AS_NODE: '1'/);
  });

  it('does not need file:// privileges: the renderer comes from the app:// scheme', () => {
    const main = readFileSync(join(root, 'main', 'electron', 'main.ts'), 'utf8');
    expect(main).toMatch(/const SCHEME = 'app'/);
    expect(main).not.toMatch(/loadFile\(|file:\/\//);
  });

  it('packages the bundles, lessons and examples, not the sources, tests or source maps', () => {
    const files = builderConfig().files ?? [];
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'dist/main/*.mjs',
        'dist/main/*.cjs',
        'dist/renderer/**',
        '!dist/**/*.map',
        'lessons/**',
        'examples/**',
        '!node_modules/**',
        'node_modules/koffi/**',
      ]),
    );
    for (const source of ['app', 'main', 'renderer', 'native-bridge', 'e2e', 'scripts', 'bench']) {
      expect(files.some((f) => f.startsWith(`${source}/`))).toBe(false);
    }
    // The output folder is not taken back into the next package.
    expect(builderConfig().directories?.output).toBe('dist/packages');
    expect(files.some((f) => f === 'dist/**' || f.startsWith('dist/packages'))).toBe(false);
  });

  it('keeps only koffi external: the bundles import nothing else from node_modules', () => {
    const build = readFileSync(join(root, 'scripts', 'build.mjs'), 'utf8');
    expect(build).toMatch(/external: \['koffi', 'electron'\]/);
  });

  it("unpacks koffi's native binary, the lesson sources and the examples from the ASAR", () => {
    const config = builderConfig();
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining([
        'dist/main/launcher.mjs',
        'dist/main/notify-worker.mjs',
        'node_modules/koffi/**',
        'node_modules/@koromix/**',
        'lessons/**',
        'examples/**',
      ]),
    );
    // koffi 3 loads its prebuilt binary from @koromix/koffi-<platform>-<arch>, resolved from koffi.
    const fromKoffi = createRequire(require.resolve('koffi'));
    const binaries = fromKoffi.resolve(`@koromix/koffi-${process.platform}-${process.arch}`);
    expect(binaries).toContain(join('node_modules', '@koromix', `koffi-${process.platform}-`));
    expect(readdirSync(dirname(binaries), { recursive: true })).toEqual(
      expect.arrayContaining([expect.stringMatching(/koffi\.node$/)]),
    );
    expect(config.npmRebuild).toBe(false);
  });
});

describe('npm run package', () => {
  const exists = (path: string) => path === '/opt/electron/electron';

  it('finds the Electron binary the electron package points at', () => {
    expect(electronBinary(() => '/opt/electron/electron', exists)).toEqual({
      path: '/opt/electron/electron',
    });
  });

  it('says why there is no binary: package missing, binary not downloaded, path gone', () => {
    const notFound = Object.assign(new Error("Cannot find module 'electron'"), {
      code: 'MODULE_NOT_FOUND',
    });
    expect(
      electronBinary(() => {
        throw notFound;
      }, exists),
    ).toEqual({ reason: 'the electron package is not installed (it is an optional dependency)' });
    const failed = electronBinary(() => {
      throw new Error('Electron failed to install correctly, please delete node_modules/electron');
    }, exists);
    expect('reason' in failed && failed.reason).toMatch(
      /installed without its binary: its download was skipped or blocked \("Electron failed to install correctly/,
    );
    expect(electronBinary(() => '/nowhere/electron', exists)).toEqual({
      reason: 'the Electron binary /nowhere/electron does not exist',
    });
    expect(electronBinary(() => 42, exists)).toEqual({
      reason: 'the electron package did not give the path of its binary',
    });
  });

  it('fails with what to do', () => {
    const message = missingElectronMessage('the electron package is not installed');
    expect(message.split('\n')[0]).toBe(
      'Cannot package Sandbox Studio: the electron package is not installed.',
    );
    expect(message).toMatch(/ELECTRON_MIRROR/);
    expect(message).toMatch(/ELECTRON_SKIP_BINARY_DOWNLOAD/);
    expect(message).toMatch(/ELECTRON_OVERRIDE_DIST_PATH/);
    expect(message).toMatch(/npm run serve/);
  });

  it('packages for the host with the installed Electron, publishing nothing', () => {
    expect(builderArgs('linux', [], '/e/dist')).toEqual([
      '--linux',
      '--config.electronDist=/e/dist',
      '--publish',
      'never',
    ]);
    expect(builderArgs('darwin', [])).toEqual(['--mac', '--publish', 'never']);
    expect(builderArgs('win32', [])).toEqual(['--win', '--publish', 'never']);
  });

  it('passes extra arguments through, after its own', () => {
    expect(builderArgs('linux', ['--dir', '--x64'], '/e/dist')).toEqual([
      '--linux',
      '--config.electronDist=/e/dist',
      '--publish',
      'never',
      '--dir',
      '--x64',
    ]);
  });

  it('leaves the platform, the Electron and publishing to the caller when given', () => {
    expect(builderArgs('linux', ['--win', 'nsis'], '/e/dist')).toEqual([
      '--publish',
      'never',
      '--win',
      'nsis',
    ]);
    expect(builderArgs('linux', ['-c.electronDist=/mine'], '/e/dist')).toEqual([
      '--linux',
      '--publish',
      'never',
      '-c.electronDist=/mine',
    ]);
    expect(builderArgs('linux', ['--publish', 'always'])).toEqual([
      '--linux',
      '--publish',
      'always',
    ]);
  });

  it('refuses a host platform electron-builder has no target for', () => {
    expect(() => builderArgs('freebsd', [])).toThrow(
      'electron-builder cannot package for freebsd: pass --linux, --mac or --win explicitly',
    );
    expect(builderArgs('freebsd', ['--linux'])).toEqual(['--publish', 'never', '--linux']);
  });
});
