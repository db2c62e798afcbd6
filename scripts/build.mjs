#!/usr/bin/env node
// Bundles every process entry with esbuild into dist/: the Node-side entries (CLI, launcher,
// notification worker, Electron main and preload) and the renderer (scripts/build-renderer.mjs).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'main');

// ESM bundles of CommonJS dependencies need a real `require`.
const esmBanner = {
  js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
};
// CommonJS bundles (Electron) have no import.meta: give them one that points at the bundle file.
const cjsBanner = { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" };

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  external: ['koffi', 'electron'],
  logLevel: 'warning',
  absWorkingDir: root,
};

const nodeEntries = [
  ['main/cli.ts', 'cli.mjs'],
  ['native-bridge/launcher.ts', 'launcher.mjs'],
  ['main/supervisor/notify-worker.ts', 'notify-worker.mjs'],
].filter(([src]) => existsSync(join(root, src)));

// The learn benchmark's studio driver (bench/learn/studio-driver.ts): the backend's run path in a
// process that stays up between runs. Beside dist/main, never packaged with it.
const benchEntries = [['bench/learn/studio-driver.ts', 'learn-studio.mjs']].filter(([src]) =>
  existsSync(join(root, src)),
);

const electronEntries = [['main/electron/main.ts', 'electron-main.cjs']].filter(([src]) =>
  existsSync(join(root, src)),
);

const started = Date.now();
await Promise.all([
  ...nodeEntries.map(([src, file]) =>
    build({
      ...common,
      entryPoints: [src],
      outfile: join(out, file),
      format: 'esm',
      banner: esmBanner,
    }),
  ),
  ...benchEntries.map(([src, file]) =>
    build({
      ...common,
      entryPoints: [src],
      outfile: join(root, 'dist', 'bench', file),
      format: 'esm',
      banner: esmBanner,
    }),
  ),
  // A sandboxed preload has no __filename and needs no import.meta: plain CommonJS.
  build({
    ...common,
    entryPoints: ['main/electron/preload.ts'],
    outfile: join(out, 'preload.cjs'),
    format: 'cjs',
  }),
  ...electronEntries.map(([src, file]) =>
    build({
      ...common,
      entryPoints: [src],
      outfile: join(out, file),
      format: 'cjs',
      banner: cjsBanner,
      define: { 'import.meta.url': '__bundleUrl' },
    }),
  ),
]);
if (existsSync(join(root, 'scripts', 'build-renderer.mjs'))) {
  const { buildRenderer } = await import('./build-renderer.mjs');
  await buildRenderer(root);
}
console.log(`built dist/ in ${Date.now() - started} ms`);
