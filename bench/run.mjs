#!/usr/bin/env node
// `npm run bench`: our seccomp compiler vs libseccomp 2.5.4 on Docker's default profile, an
// OpenSSH-style policy and a policy learned for `python3 -c 'import json'` (bench/compare.ts).
// Node cannot import TypeScript, so compare.ts is bundled with esbuild to a temporary .mjs first.
// Needs dist/ (learn mode records a trace), strace, and Debian's python3-seccomp.
// Then the learn-mode supervision benchmark (bench/learn/run-learn.ts): ours vs a C reference
// supervisor, strace -f and the bare program; needs gcc too.
// Options: --json prints the figures as JSON instead of the table; --only compiler|learn runs one
// of the two; --runs N sets the learn benchmark's timed runs per variant (default 5).
// Then the live what-if benchmark (bench/whatif/run-whatif.ts): one policy edit → the verdict of
// every event of a 1,000,000-event trace, vs every event through the emulator; --only whatif runs
// it alone; --whatif-events N, --whatif-keystrokes N, --whatif-reference-runs N tune it.
// The event table's scrolling in Chromium (bench/ui/run-scroll.ts) runs only with --only scroll
// (it takes several minutes): fps on a saved run of --scroll-events N (default 1,000,000) vs a
// 1,000-event reference; --scroll-reference-events N, --scroll-frames N, --scroll-step PX tune
// it. Needs /usr/bin/chromium.
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const onlyAt = argv.indexOf('--only');
const only = onlyAt >= 0 ? argv[onlyAt + 1] : undefined;
const ONLY = ['compiler', 'learn', 'whatif', 'scroll'];
if (onlyAt >= 0 && !ONLY.includes(only)) {
  process.stderr.write('bench: --only takes compiler, learn, whatif or scroll\n');
  process.exit(2);
}
const temp = mkdtempSync(join(tmpdir(), 'bench-'));

try {
  await build({
    entryPoints: {
      compare: join(root, 'bench', 'compare.ts'),
      'run-learn': join(root, 'bench', 'learn', 'run-learn.ts'),
      'run-whatif': join(root, 'bench', 'whatif', 'run-whatif.ts'),
      'run-scroll': join(root, 'bench', 'ui', 'run-scroll.ts'),
    },
    outdir: temp,
    outExtension: { '.js': '.mjs' },
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
  const load = (name) => import(pathToFileURL(join(temp, name)).href);
  let status = 0;
  if (only === undefined || only === 'compiler') {
    status = (await load('compare.mjs')).runBenchmark({ root, argv });
  }
  if ((only === undefined || only === 'learn') && status === 0) {
    status = (await load('run-learn.mjs')).runLearnBenchmark({ root, argv });
  }
  if ((only === undefined || only === 'whatif') && status === 0) {
    status = (await load('run-whatif.mjs')).runWhatIfBenchmark({ root, argv });
  }
  if (only === 'scroll' && status === 0) {
    status = await (await load('run-scroll.mjs')).runScrollBenchmark({ root, argv });
  }
  process.exitCode = status;
} finally {
  rmSync(temp, { recursive: true, force: true });
}
