#!/usr/bin/env node
// The `sandbox-studio` command: runs the bundled CLI (dist/main/cli.mjs runs itself on import).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/main/cli.mjs', import.meta.url);
if (!existsSync(cli)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  process.stderr.write(`sandbox-studio is not built: run \`npm run build\` first (in ${root})\n`);
  process.exit(1);
}
await import(cli.href);
