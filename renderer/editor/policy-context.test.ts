import { describe, expect, it } from 'vitest';
import { conditionOffset, policyArches, policyContextAt } from './policy-context';

const POLICY = `version: 1
linux:
  seccomp:
    arch: [x86_64, aarch64]
    default: errno EPERM
    rules:
      - allow: [read, "@basic-io"]
      - allow: ioctl
        when: "arg1 in {TCGETS, FIONREAD}"
      - errno: EACCES
        syscalls:
          - openat
      - action: trap 3
        syscalls: mmap
        when: 'arg2 == PROT_EXEC'
`;

const at = (marker: string, skip = 0) => {
  const offset = POLICY.indexOf(marker);
  if (offset === -1) throw new Error(`no ${marker}`);
  return policyContextAt(POLICY, offset + skip);
};

describe('policyContextAt', () => {
  it('finds syscalls and groups in rule lists, with their ranges', () => {
    const read = at('read');
    expect(read).toEqual({
      kind: 'syscall',
      name: 'read',
      start: POLICY.indexOf('read'),
      end: POLICY.indexOf('read') + 4,
    });
    expect(at('"@basic-io"', 3)).toMatchObject({ kind: 'group', name: '@basic-io' });
    expect(at('ioctl')).toMatchObject({ kind: 'syscall', name: 'ioctl' });
    expect(at('openat')).toMatchObject({ kind: 'syscall', name: 'openat' });
    expect(at('mmap')).toMatchObject({ kind: 'syscall', name: 'mmap' });
  });

  it('finds actions: default, action:, and the allow/errno keys', () => {
    expect(at('errno EPERM')).toMatchObject({ kind: 'action', text: 'errno EPERM' });
    expect(at('trap 3')).toMatchObject({ kind: 'action', text: 'trap 3' });
    expect(at('allow: ioctl')).toMatchObject({ kind: 'action', text: 'allow' });
    expect(at('errno: EACCES')).toMatchObject({ kind: 'action', text: 'errno' });
    expect(at('EACCES')).toMatchObject({ kind: 'errno', name: 'EACCES' });
  });

  it('places the cursor inside a condition, quotes undone, with the rule’s syscalls', () => {
    const context = at('TCGETS', 2);
    expect(context).toMatchObject({
      kind: 'condition',
      text: 'arg1 in {TCGETS, FIONREAD}',
      cursor: 'arg1 in {TC'.length,
      syscalls: ['ioctl'],
    });
    if (context?.kind !== 'condition') throw new Error('not a condition');
    expect(conditionOffset(context, 0)).toBe(POLICY.indexOf('arg1 in'));
    expect(conditionOffset(context, context.text.length)).toBe(
      POLICY.indexOf('FIONREAD}') + 'FIONREAD}'.length,
    );
    expect(at('PROT_EXEC')).toMatchObject({ kind: 'condition', syscalls: ['mmap'] });
  });

  it('handles an empty condition', () => {
    const text = 'linux:\n  seccomp:\n    rules:\n      - allow: read\n        when: ""\n';
    const context = policyContextAt(text, text.indexOf('""') + 1);
    expect(context).toMatchObject({ kind: 'condition', text: '', cursor: 0 });
    if (context?.kind !== 'condition') throw new Error('not a condition');
    expect(conditionOffset(context, 0)).toBe(text.indexOf('""') + 1);
  });

  it('is undefined elsewhere and for broken YAML', () => {
    expect(at('version')).toBeUndefined();
    expect(at('x86_64')).toBeUndefined();
    expect(policyContextAt('rules: [', 3)).toBeUndefined();
  });
});

describe('policyArches', () => {
  it('lists the valid arches, x86_64 by default', () => {
    expect(policyArches(POLICY)).toEqual(['x86_64', 'aarch64']);
    expect(policyArches('linux: {seccomp: {arch: [sparc, i386, i386]}}')).toEqual(['i386']);
    expect(policyArches('version: 1')).toEqual(['x86_64']);
    expect(policyArches('[')).toEqual(['x86_64']);
  });
});
