#!/usr/bin/env node
// Writes docs/cli.md from the CLI's help texts (main/cli/usage.ts, commands from main/cli/args.ts;
// see scripts/cli-docs.mjs). Node cannot import TypeScript, so both are bundled with esbuild to a
// temporary .mjs first. Part of `npm run gen`; main/docs.unit.test.ts fails when docs/cli.md is stale.
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderCliDocs } from './cli-docs.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const output = join(root, 'docs', 'cli.md');
const temp = mkdtempSync(join(tmpdir(), 'cli-docs-'));

try {
  const bundle = join(temp, 'usage.mjs');
  await build({
    stdin: {
      contents:
        "export { usageText } from './main/cli/usage';\nexport { COMMAND_NAMES } from './main/cli/args';\n",
      resolveDir: root,
      loader: 'ts',
    },
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['koffi', 'electron'],
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: 'warning',
    absWorkingDir: root,
  });
  const { usageText, COMMAND_NAMES } = await import(pathToFileURL(bundle).href);
  const commands = COMMAND_NAMES.map((name) => ({ name, usage: usageText(name) }));
  writeFileSync(output, await renderCliDocs({ overview: usageText(), commands }));
  console.log(`wrote ${output}`);
} finally {
  rmSync(temp, { recursive: true, force: true });
}
