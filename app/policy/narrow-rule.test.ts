import { describe, expect, it } from 'vitest';
import { narrowRule } from './narrow-rule';
import { parsePolicy } from './parse';
import { applyEdit, type TextEdit } from './text-edit';
import { yaml } from './test-helpers';

function apply(text: string, edits: readonly TextEdit[] | undefined): string {
  if (!edits) throw new Error('no edit');
  return [...edits].sort((a, b) => b.start - a.start).reduce(applyEdit, text);
}

function narrowAt(text: string, marker: string, syscall: string, condition: string): string {
  return apply(text, narrowRule(text, text.indexOf(marker), syscall, condition));
}

const HEAD = yaml`
  version: 1
  linux:
    seccomp:
      default: kill-process
      rules:
`;

/** The condition of the first rule allowing `name`, as the parser reads it. */
function conditionOf(text: string, name: string): string | undefined {
  const { policy, diagnostics } = parsePolicy(text);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const rule = policy?.linux.seccomp?.rules.find((r) => r.syscalls.some((s) => s.name === name));
  return rule?.condition?.text;
}

describe('narrowRule', () => {
  it('adds when: to a rule that allows only that syscall', () => {
    const text = `${HEAD}      - allow: ioctl   # terminals\n      - allow: [read]\n`;
    const after = narrowAt(text, 'ioctl', 'ioctl', 'arg1 in {TCGETS, FIONREAD}');
    expect(after).toBe(
      `${HEAD}      - allow: ioctl   # terminals\n        when: "arg1 in {TCGETS, FIONREAD}"\n      - allow: [read]\n`,
    );
    expect(conditionOf(after, 'ioctl')).toBe('arg1 in {TCGETS, FIONREAD}');
  });

  it('adds when: inside a flow mapping', () => {
    const text = HEAD.replace(/rules:\n$/, 'rules: [{allow: [ioctl]}]\n');
    const after = narrowAt(text, 'ioctl', 'ioctl', 'arg1 == 0x5401');
    expect(after).toBe(
      HEAD.replace(/rules:\n$/, 'rules: [{allow: [ioctl], when: "arg1 == 0x5401"}]\n'),
    );
    expect(conditionOf(after, 'ioctl')).toBe('arg1 == 0x5401');
  });

  it('moves the syscall out of a longer list into a narrowed rule of its own', () => {
    const text = `${HEAD}      - allow: [read, ioctl, write]\n      - errno: EPERM\n        syscalls: [openat]\n`;
    const after = narrowAt(text, 'read', 'ioctl', 'arg1 == 21505');
    expect(after).toBe(
      `${HEAD}      - allow: [read, write]\n      - allow: ioctl\n        when: "arg1 == 21505"\n      - errno: EPERM\n        syscalls: [openat]\n`,
    );
    expect(conditionOf(after, 'ioctl')).toBe('arg1 == 21505');
    expect(conditionOf(after, 'read')).toBeUndefined();
  });

  it('keeps the indentation of block lists', () => {
    const text = `${HEAD}    -   allow:\n          - read\n          - ioctl\n`;
    const after = narrowAt(text, 'read', 'ioctl', 'arg0 == 1');
    expect(after).toBe(
      `${HEAD}    -   allow:\n          - read\n    -   allow: ioctl\n        when: "arg0 == 1"\n`,
    );
    expect(conditionOf(after, 'ioctl')).toBe('arg0 == 1');
  });

  it('adds a narrowed rule to a flow list of rules', () => {
    const text = HEAD.replace(/rules:\n$/, 'rules: [{allow: [read, ioctl]}]\n');
    const after = narrowAt(text, 'read', 'ioctl', 'arg1 == 1');
    expect(after).toBe(
      HEAD.replace(/rules:\n$/, 'rules: [{allow: [read]}, {allow: ioctl, when: "arg1 == 1"}]\n'),
    );
  });

  it('declines rules it cannot narrow', () => {
    const conditional = `${HEAD}      - allow: ioctl\n        when: "arg1 == 1"\n`;
    expect(narrowRule(conditional, conditional.indexOf('ioctl'), 'ioctl', 'arg1 == 2')).toBe(
      undefined,
    );
    const errno = `${HEAD}      - errno: EPERM\n        syscalls: [ioctl]\n`;
    expect(narrowRule(errno, errno.indexOf('ioctl'), 'ioctl', 'arg1 == 2')).toBeUndefined();
    const other = `${HEAD}      - allow: [read]\n`;
    expect(narrowRule(other, other.indexOf('read'), 'ioctl', 'arg1 == 2')).toBeUndefined();
    expect(() => narrowRule(other, other.indexOf('read'), 'read', 'a"b')).toThrow(/quotes/);
  });
});
