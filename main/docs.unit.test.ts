import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderCliDocs } from '../scripts/cli-docs.mjs';
import { renderPolicyDocs } from '../scripts/policy-docs.mjs';
import { COMMAND_NAMES } from './cli/args';
import { usageText } from './cli/usage';

const root = join(import.meta.dirname, '..');
const STALE =
  'is stale: run `npm run gen` (or `node scripts/gen-policy-docs.mjs && node scripts/gen-cli-docs.mjs`) and commit the result';

function committed(file: string): string {
  return readFileSync(join(root, 'docs', file), 'utf8');
}

function policySchema(): Record<string, unknown> {
  const path = join(root, 'app', 'generated', 'policy.schema.json');
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

async function cliDocs(): Promise<string> {
  const commands = COMMAND_NAMES.map((name) => ({ name, usage: usageText(name) }));
  return renderCliDocs({ overview: usageText(), commands });
}

describe('docs/policy-format.md', () => {
  it(`matches the policy schema (if not, it ${STALE})`, async () => {
    expect(committed('policy-format.md'), `docs/policy-format.md ${STALE}`).toBe(
      await renderPolicyDocs(policySchema()),
    );
  });

  it('documents every field of the schema with its description', async () => {
    const text = await renderPolicyDocs(policySchema());
    for (const field of ['version', 'no_new_privs', 'bad_arch', 'when', 'nofile', 'net_connect']) {
      expect(text).toContain(`**\`${field}\`**`);
    }
    expect(text).toContain('### `linux.seccomp.rules[]`');
    expect(text).toContain('Apply the rule only when this holds for the arguments');
    // Links point at anchors that exist.
    for (const [, anchor] of text.matchAll(/\]\(#([\w-]+)\)/g)) {
      expect(text, anchor).toContain(`<a id="${anchor}"></a>`);
    }
  });

  it('keeps literal stars and brackets of descriptions out of markdown syntax', async () => {
    const schema = {
      title: 'Test',
      description: 'Files *.yaml and [x]',
      type: 'object',
      properties: { a: { type: 'string', description: 'REMOVE_* and `a*b`' } },
    };
    const text = await renderPolicyDocs(schema);
    expect(text).toContain('Files \\*.yaml and \\[x\\]');
    expect(text).toContain('REMOVE_\\* and `a*b`');
  });
});

describe('docs/cli.md', () => {
  it(`matches main/cli/usage.ts (if not, it ${STALE})`, async () => {
    expect(committed('cli.md'), `docs/cli.md ${STALE}`).toBe(await cliDocs());
  });

  it('has the overview and every command help, verbatim', async () => {
    const text = await cliDocs();
    expect(text).toContain(usageText().trim());
    for (const name of COMMAND_NAMES) {
      expect(text).toContain(`## \`sandbox-studio ${name}\``);
      expect(text).toContain(usageText(name).trim());
    }
  });

  it('fences help texts that contain backquotes with a longer fence', async () => {
    const text = await renderCliDocs({
      overview: 'Usage: x',
      commands: [{ name: 'demo', usage: 'prints ``` as is' }],
    });
    expect(text).toContain('````text\nprints ``` as is\n````');
  });
});
