#!/usr/bin/env node
// `npm run bench`: our seccomp compiler vs libseccomp 2.5.4 on Docker's default profile, an
// OpenSSH-style policy and a policy learned for `python3 -c 'import json'` (bench/compare.ts).
// Node cannot import TypeScript, so compare.ts is bundled with esbuild to a temporary .mjs first.
// Needs dist/ (learn mode records a trace), strace, and Debian's python3-seccomp.
// Options: --json prints the figures as JSON instead of the table.
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const temp = mkdtempSync(join(tmpdir(), 'bench-'));

try {
  const bundle = join(temp, 'compare.mjs');
  await build({
    entryPoints: [join(root, 'bench', 'compare.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    absWorkingDir: root,
    external: ['koffi', 'electron'],
    // ESM bundles of CommonJS dependencies (yaml) need a real `require`.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
  const { runBenchmark } = await import(pathToFileURL(bundle).href);
  process.exitCode = runBenchmark({ root, argv: process.argv.slice(2) });
} finally {
  rmSync(temp, { recursive: true, force: true });
}
