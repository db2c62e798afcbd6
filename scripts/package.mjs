#!/usr/bin/env node
// `npm run package [-- ELECTRON_BUILDER_ARGS...]`: builds dist/ from scratch and runs
// electron-builder (electron-builder.yml) for the host's platform: on Linux an AppImage and a .deb
// in dist/packages/. Fails at once, with what to do, where the Electron binary is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builderArgs, electronBinary, missingElectronMessage } from './package-plan.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function isFile(path) {
  return existsSync(path) && statSync(path).isFile();
}

/** Runs a Node script with our stdio; exits with its status when it fails. */
function runNode(script, args) {
  const result = spawnSync(process.execPath, [script, ...args], { cwd: root, stdio: 'inherit' });
  if (result.error) {
    process.stderr.write(`cannot run ${script}: ${result.error.message}\n`);
    process.exit(1);
  }
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const electron = electronBinary(() => require('electron'), isFile);
if ('reason' in electron) {
  process.stderr.write(`${missingElectronMessage(electron.reason)}\n`);
  process.exit(1);
}

// The installed Electron is what gets packaged for the host (nothing downloaded again).
const electronDist =
  process.env.ELECTRON_OVERRIDE_DIST_PATH ??
  join(dirname(require.resolve('electron/package.json')), 'dist');

let args;
try {
  args = builderArgs(process.platform, process.argv.slice(2), electronDist);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : error}\n`);
  process.exit(1);
}

// Only what scripts/build.mjs makes now goes into the package, nothing left from older builds.
for (const folder of ['main', 'renderer']) {
  rmSync(join(root, 'dist', folder), { recursive: true, force: true });
}
runNode(join(root, 'scripts', 'build.mjs'), []);
runNode(require.resolve('electron-builder/cli.js'), args);
