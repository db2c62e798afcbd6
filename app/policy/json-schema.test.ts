import { describe, expect, it } from 'vitest';
import committed from '../generated/policy.schema.json';
import { syscallNames } from '../linux/syscalls';
import { policyJsonSchema } from './json-schema';

describe('policy JSON Schema', () => {
  it('matches the committed app/generated/policy.schema.json (run `npm run gen` if not)', () => {
    expect(JSON.parse(JSON.stringify(policyJsonSchema()))).toEqual(committed);
  });

  it('offers syscall names and action strings for completion', () => {
    const schema = policyJsonSchema() as {
      definitions: Record<string, { enum?: string[]; anyOf?: { enum?: string[] }[] }>;
    };
    expect(schema.definitions.syscallName?.enum).toEqual([...syscallNames('x86_64')].sort());
    const actions = schema.definitions.action?.anyOf?.[0]?.enum ?? [];
    expect(actions).toEqual(expect.arrayContaining(['kill-process', 'allow', 'errno EACCES']));
  });

  it('rejects unknown keys and explains fields', () => {
    const schema = policyJsonSchema() as {
      additionalProperties: boolean;
      properties: Record<string, { description?: string }>;
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.version?.description).toBeTruthy();
  });
});
