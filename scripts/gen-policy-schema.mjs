#!/usr/bin/env node
// Generates app/generated/policy.schema.json, the JSON Schema of *.sandbox.yaml, from the zod
// schema in app/policy/schema.ts. Node cannot import TypeScript, so the generator module is bundled
// with esbuild to a temporary .mjs first. A unit test (app/policy/json-schema.test.ts) fails when
// the committed file is stale: run `npm run gen` after changing the schema.
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const output = join(root, 'app', 'generated', 'policy.schema.json');
const temp = mkdtempSync(join(tmpdir(), 'policy-schema-'));

try {
  const bundle = join(temp, 'json-schema.mjs');
  await build({
    entryPoints: [join(root, 'app', 'policy', 'json-schema.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    absWorkingDir: root,
  });
  const { policyJsonSchema } = await import(pathToFileURL(bundle).href);
  writeFileSync(output, `${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
  console.log(`wrote ${output}`);
} finally {
  rmSync(temp, { recursive: true, force: true });
}
