import { describe, expect, it } from 'vitest';
import committed from '../generated/policy.schema.json';
import { SUPPORTED_ARCHES, syscallNames } from '../linux/syscalls';
import { policyJsonSchema } from './json-schema';

describe('policy JSON Schema', () => {
  it('matches the committed app/generated/policy.schema.json (run `npm run gen` if not)', () => {
    expect(JSON.parse(JSON.stringify(policyJsonSchema()))).toEqual(committed);
  });

  it('offers groups, syscall names of every arch and action strings for completion', () => {
    const schema = policyJsonSchema() as {
      definitions: Record<
        string,
        { enum?: string[]; anyOf?: { enum?: string[]; pattern?: string }[] }
      >;
    };
    const names = schema.definitions.syscallName?.enum ?? [];
    expect(names.slice(0, 3)).toEqual(['@default', '@aio', '@basic-io']);
    expect(names).toEqual(
      expect.arrayContaining(['@file-system', '@network-io', '@system-service']),
    );
    const syscalls = names.filter((n) => !n.startsWith('@'));
    expect(syscalls).toEqual([...new Set(SUPPORTED_ARCHES.flatMap(syscallNames))].sort());
    expect(syscalls).toEqual(expect.arrayContaining(['open', 'mmap2', 'arm_fadvise64_64']));
    const actions = schema.definitions.action?.anyOf ?? [];
    expect(actions[0]?.enum).toEqual(
      expect.arrayContaining(['kill-process', 'trap', 'allow', 'notify', 'errno EACCES']),
    );
    const patterns = actions.flatMap((a) => (a.pattern ? [new RegExp(a.pattern)] : []));
    for (const text of ['errno 13', 'trap 7', 'trace 0', 'trace 0xffff']) {
      expect(
        patterns.some((p) => p.test(text)),
        text,
      ).toBe(true);
    }
  });

  it('documents conditions, includes and intents', () => {
    const text = JSON.stringify(policyJsonSchema());
    expect(text).toContain('"when"');
    expect(text).toContain('"include"');
    expect(text).toContain('"no-new-programs"');
    expect(text).toContain('"bad_arch"');
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
