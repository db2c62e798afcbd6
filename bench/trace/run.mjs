#!/usr/bin/env node
// `node bench/trace/run.mjs [--events N]`: the trace views' figures on a 1,000,000-event run
// (bench/trace/trace-bench.ts). Node cannot import TypeScript: the bench is bundled first.
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const temp = mkdtempSync(join(tmpdir(), 'bench-trace-'));
try {
  await build({
    entryPoints: { 'trace-bench': join(root, 'bench', 'trace', 'trace-bench.ts') },
    outdir: temp,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    absWorkingDir: root,
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
  const bench = await import(pathToFileURL(join(temp, 'trace-bench.mjs')).href);
  process.exitCode = await bench.runTraceBenchmark(process.argv.slice(2));
} finally {
  rmSync(temp, { recursive: true, force: true });
}
