import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { needsQuotes, yamlSafeCompletion } from './scalar-completion';

const item = (insertText: string) => ({ label: insertText, insertText });

describe('yamlSafeCompletion', () => {
  it('quotes a syscall group where a plain scalar goes', () => {
    expect(yamlSafeCompletion(item('@basic-io'), '')).toEqual({
      label: '@basic-io',
      insertText: '"@basic-io"',
    });
    expect(yamlSafeCompletion(item('@basic-io'), '@ba').insertText).toBe('"@basic-io"');
  });

  it('leaves plain syscall names, and values already quoted, as they are', () => {
    for (const text of ['read', 'exit_group', '_llseek', 'errno EPERM', '"@basic-io"', "'@aio'"]) {
      expect(yamlSafeCompletion(item(text), '')).toEqual(item(text));
    }
  });

  it('completes inside the quotes the user opened, matching what they typed', () => {
    expect(yamlSafeCompletion(item('"@basic-io"'), "'@ba")).toEqual({
      label: '"@basic-io"',
      insertText: "'@basic-io'",
      filterText: "'@basic-io",
    });
    expect(yamlSafeCompletion(item('@basic-io'), '"@b')).toMatchObject({
      insertText: '"@basic-io"',
      filterText: '"@basic-io',
    });
    expect(yamlSafeCompletion(item('read'), '"re')).toMatchObject({
      insertText: '"read"',
      filterText: '"read',
    });
  });

  it('leaves keys, snippets and structured values alone', () => {
    for (const text of [
      'rules:',
      'arch: ${1:x86_64}',
      '\n  - ${1:read}',
      'a\\$b',
      '"say \\"hi\\""',
      '[read]',
      '{ command: [] }',
    ]) {
      expect(yamlSafeCompletion(item(text), '')).toEqual(item(text));
      expect(yamlSafeCompletion(item(text), "'")).toEqual(item(text));
    }
  });

  it('inserts text that YAML reads back as the value, in any context it handles', () => {
    const names = fc.stringMatching(/^[@%&*!|>`]?[a-z_][a-z0-9_-]{0,12}$/);
    fc.assert(
      fc.property(names, fc.constantFrom('', '"', "'"), (name, typed) => {
        const { insertText } = yamlSafeCompletion(item(name), typed);
        expect(parse(`- ${insertText}`)).toEqual([name]);
        expect(parse(`[read, ${insertText}]`)).toEqual(['read', name]);
        expect(parse(`allow: ${insertText}`)).toEqual({ allow: name });
      }),
    );
  });
});

describe('needsQuotes', () => {
  it('knows the indicators a plain scalar cannot start with', () => {
    for (const value of [
      '@x',
      '`x',
      '&a',
      '*a',
      '!t',
      '|',
      '>',
      '%x',
      '#c',
      '[a',
      '{a',
      "'",
      '"',
      '- a',
      '? a',
      ': a',
      ',a',
      '',
    ]) {
      expect(needsQuotes(value), value).toBe(true);
    }
    for (const value of ['read', 'a@b', 'x-y', '-1', 'errno EPERM', '?x']) {
      expect(needsQuotes(value), value).toBe(false);
    }
  });
});
