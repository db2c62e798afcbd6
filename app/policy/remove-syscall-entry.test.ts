import { describe, expect, it } from 'vitest';
import { parsePolicy } from './parse';
import { removeSyscallEntry } from './remove-syscall-entry';
import { applyEdit } from './text-edit';
import { yaml } from './test-helpers';

/** Removes the entry at the first occurrence of `marker` (its offset, plus `skip` characters). */
function removeAt(text: string, marker: string, skip = 0): string {
  const at = text.indexOf(marker);
  if (at === -1) throw new Error(`no ${marker}`);
  const edit = removeSyscallEntry(text, at + skip);
  if (!edit) throw new Error(`no edit at ${marker}`);
  return applyEdit(text, edit);
}

const HEAD = yaml`
  version: 1
  linux:
    seccomp:
      default: kill-process
      rules:
`;

describe('removeSyscallEntry', () => {
  it('removes one item of a flow list with its comma, first, middle or last', () => {
    const text = `${HEAD}      - allow: [read, write, close]   # io\n      - allow: read\n`;
    expect(removeAt(text, 'read,')).toBe(
      `${HEAD}      - allow: [write, close]   # io\n      - allow: read\n`,
    );
    expect(removeAt(text, 'write')).toBe(
      `${HEAD}      - allow: [read, close]   # io\n      - allow: read\n`,
    );
    expect(removeAt(text, 'close')).toBe(
      `${HEAD}      - allow: [read, write]   # io\n      - allow: read\n`,
    );
  });

  it('removes the line of an item of a block list', () => {
    const text = `${HEAD}      - errno: EPERM\n        syscalls:\n          - openat  # files\n          - read\n`;
    expect(removeAt(text, 'openat')).toBe(
      `${HEAD}      - errno: EPERM\n        syscalls:\n          - read\n`,
    );
  });

  it('removes the whole rule when it lists only that syscall', () => {
    const text = `${HEAD}      - allow: [read]\n      # the shadowed one\n      - allow: read\n        when: "arg0 == 0"\n      - allow: [write]\n`;
    const after = removeAt(text, 'allow: read', 'allow: '.length);
    expect(after).toBe(
      `${HEAD}      - allow: [read]\n      # the shadowed one\n      - allow: [write]\n`,
    );
    expect(parsePolicy(after).diagnostics).toEqual([]);
  });

  it('leaves an empty list when the last rule goes', () => {
    const text = `${HEAD}      - allow: read\n`;
    expect(removeAt(text, 'read')).toBe(`${HEAD.replace(/rules:\n$/, 'rules: []\n')}`);
    const flow = `${HEAD.replace(/rules:\n$/, 'rules: [{allow: read}]\n')}`;
    expect(removeAt(flow, 'read')).toBe(`${HEAD.replace(/rules:\n$/, 'rules: []\n')}`);
  });

  it('removes a rule from a flow list of rules', () => {
    const text = HEAD.replace(/rules:\n$/, 'rules: [{allow: read}, {allow: [write]}]\n');
    expect(removeAt(text, 'read')).toBe(HEAD.replace(/rules:\n$/, 'rules: [{allow: [write]}]\n'));
  });

  it('removes quoted groups too', () => {
    const text = `${HEAD}      - allow: ["@basic-io", read]\n`;
    expect(removeAt(text, '"@basic-io"')).toBe(`${HEAD}      - allow: [read]\n`);
  });

  it('is undefined away from syscall entries and for invalid YAML', () => {
    const text = `${HEAD}      - allow: [read]\n        when: "arg0 == 1"\n`;
    expect(removeSyscallEntry(text, text.indexOf('arg0'))).toBeUndefined();
    expect(removeSyscallEntry(text, text.indexOf('default'))).toBeUndefined();
    expect(removeSyscallEntry('rules: [', 7)).toBeUndefined();
  });

  it('keeps Windows line breaks', () => {
    const text = `${HEAD}      - allow:\n          - read\n          - write\n`.replace(
      /\n/g,
      '\r\n',
    );
    expect(removeAt(text, 'read')).toBe(
      `${HEAD}      - allow:\n          - write\n`.replace(/\n/g, '\r\n'),
    );
  });
});
