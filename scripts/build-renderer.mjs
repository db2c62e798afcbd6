// Bundles the renderer into dist/renderer/: index.html, app.js + app.css (React UI with Monaco),
// Monaco's editor worker and monaco-yaml's worker. Everything is served from the bundle itself:
// the page's Content-Security-Policy allows no remote scripts, styles, fonts or workers.
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * monaco-editor 0.57's package "exports" map publishes its esm/vs folder as `monaco-editor/<path>`,
 * but monaco-yaml's worker (through monaco-worker-manager) still imports
 * `monaco-editor/esm/vs/editor/editor.worker.js`: resolve such deep imports by their exported name.
 */
const monacoDeepImports = {
  name: 'monaco-deep-imports',
  setup(build) {
    build.onResolve({ filter: /^monaco-editor\/esm\/vs\// }, (args) =>
      build.resolve(`monaco-editor/${args.path.slice('monaco-editor/esm/vs/'.length)}`, {
        kind: args.kind,
        resolveDir: args.resolveDir,
      }),
    );
  },
};

/** @param {string} root the repository root */
export async function buildRenderer(root) {
  const out = join(root, 'dist', 'renderer');
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });

  const common = {
    absWorkingDir: root,
    bundle: true,
    minify: true,
    sourcemap: 'linked',
    target: ['chrome120'],
    logLevel: 'warning',
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [monacoDeepImports],
  };

  await Promise.all([
    build({
      ...common,
      entryPoints: { app: 'renderer/main.tsx' },
      outdir: out,
      // A classic deferred script also runs from file:// pages, where module scripts are refused.
      format: 'iife',
      platform: 'browser',
      jsx: 'automatic',
      loader: { '.ttf': 'file' },
      assetNames: '[name]-[hash]',
      // Monaco only uses import.meta.url to locate workers when MonacoEnvironment.getWorker is
      // missing; ours is always set (renderer/monaco/environment.ts).
      define: { ...common.define, 'import.meta.url': 'self.location.href' },
    }),
    build({
      ...common,
      entryPoints: { 'editor.worker': 'monaco-editor/editor/editor.worker.js' },
      outdir: out,
      format: 'iife',
      platform: 'browser',
    }),
    build({
      ...common,
      entryPoints: { 'yaml.worker': 'monaco-yaml/yaml.worker.js' },
      outdir: out,
      format: 'iife',
      platform: 'browser',
    }),
    copyFile(join(root, 'renderer', 'index.html'), join(out, 'index.html')),
  ]);
}
