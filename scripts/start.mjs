#!/usr/bin/env node
// `npm start`: the Electron app when an Electron binary is installed, else web mode on the
// examples folder (the electron package installs without its binary when it cannot download it).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

/** The Electron binary's path, or undefined when the package or its binary is missing. */
function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/** Runs a child with our stdio; forwards SIGTERM and exits with its status. */
function runChild(command, childArgs) {
  const child = spawn(command, childArgs, { cwd: root, stdio: 'inherit' });
  // Ctrl+C reaches the child directly (same process group); wait for it to finish cleanly.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('error', (error) => {
    process.stderr.write(`cannot start ${command}: ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const electron = electronBinary();
if (electron) {
  // Chromium refuses to start as root unless its OS-level sandbox is off. The renderer keeps
  // Electron's settings (no Node, contextIsolation, CSP) but loses that OS-level layer: say so.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    process.stdout.write(
      'Running as root: starting Electron with --no-sandbox (Chromium cannot run its OS-level sandbox as root; run as a normal user to keep it).\n',
    );
  }
  runChild(electron, [root, ...(asRoot ? ['--no-sandbox'] : []), ...args]);
} else {
  const cli = join(root, 'dist', 'main', 'cli.mjs');
  if (!existsSync(cli)) {
    process.stderr.write('dist/main/cli.mjs is missing: run `npm run build` first\n');
    process.exit(1);
  }
  process.stdout.write(
    'No Electron binary is available on this machine (the electron package could not download it); starting web mode instead.\n',
  );
  runChild(process.execPath, [cli, 'serve', '--workspace', join(root, 'examples'), ...args]);
}
