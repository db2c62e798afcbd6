#!/usr/bin/env node
// Writes docs/policy-format.md from app/generated/policy.schema.json (see scripts/policy-docs.mjs).
// Part of `npm run gen`, after gen-policy-schema.mjs; main/docs.unit.test.ts fails when it is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderPolicyDocs } from './policy-docs.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemaPath = join(root, 'app', 'generated', 'policy.schema.json');
const output = join(root, 'docs', 'policy-format.md');

const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
writeFileSync(output, await renderPolicyDocs(schema));
console.log(`wrote ${output}`);
