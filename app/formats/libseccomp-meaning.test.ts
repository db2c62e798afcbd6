import { describe, expect, it } from 'vitest';
import { archInfo } from '../linux/arches';
import { syscallNumber } from '../linux/syscalls';
import type { SeccompAction } from '../policy/model';
import type { ResolvedArchPolicy } from '../policy/resolved';
import type {
  LibseccompArch,
  LibseccompArgCompare,
  LibseccompFilter,
  LibseccompRule,
} from './libseccomp-filter';
import {
  libseccompArchOf,
  LibseccompMeaningError,
  ourArch,
  resolveLibseccompFilter,
} from './libseccomp-meaning';

const ALLOW: SeccompAction = { kind: 'allow' };
const KILL: SeccompAction = { kind: 'kill-process' };
const errno = (n: number): SeccompAction => ({ kind: 'errno', errno: n });

function filter(rules: LibseccompRule[], arches: LibseccompArch[] = ['x86_64']): LibseccompFilter {
  return { arches, defaultAction: KILL, badArchAction: KILL, optimize: 1, rules };
}

const rule = (
  syscall: string,
  action: SeccompAction,
  args: LibseccompArgCompare[] = [],
): LibseccompRule => ({
  syscall,
  action,
  args,
});

function only(f: LibseccompFilter): ResolvedArchPolicy {
  const [arch] = resolveLibseccompFilter(f).arches;
  if (!arch) throw new Error('no arch');
  return arch;
}

function nr(arch: Parameters<typeof syscallNumber>[0], name: string): number {
  const n = syscallNumber(arch, name);
  if (n === undefined) throw new Error(`no ${name} on ${arch}`);
  return n;
}

describe('resolveLibseccompFilter', () => {
  it('maps arches, numbers and actions', () => {
    const policy = resolveLibseccompFilter(
      filter([rule('read', ALLOW), rule('write', errno(13))], ['x86_64', 'x86']),
    );
    expect(policy.badArchAction).toEqual(KILL);
    expect(policy.arches.map((a) => a.arch)).toEqual(['x86_64', 'i386']);
    const [x86_64, i386] = policy.arches;
    expect(x86_64?.auditArch).toBe(archInfo('x86_64').auditArch);
    expect(i386?.auditArch).toBe(archInfo('i386').auditArch);
    expect(i386?.rules.map((r) => [r.nr, r.action])).toEqual([
      [nr('i386', 'read'), ALLOW],
      [nr('i386', 'write'), errno(13)],
    ]);
    expect(x86_64?.rules.every((r) => r.condition.kind === 'true')).toBe(true);
  });

  it('leaves out rules whose action is the default (libseccomp refuses them)', () => {
    const arch = only(filter([rule('read', KILL), rule('write', ALLOW)]));
    expect(arch.rules.map((r) => r.ruleIndex)).toEqual([1]);
  });

  it('lets an unconditional rule override conditional ones in any order; the first wins', () => {
    const a0is1: LibseccompArgCompare = { arg: 0, op: 'EQ', value: 1n };
    const arch = only(
      filter([rule('read', errno(1), [a0is1]), rule('read', ALLOW), rule('read', errno(2))]),
    );
    expect(arch.rules).toHaveLength(1);
    expect(arch.rules[0]).toMatchObject({ action: ALLOW, condition: { kind: 'true' } });
  });

  it('keeps OR-ed chains with one action, 64-bit and unsigned on 64-bit arches', () => {
    const arch = only(
      filter([
        rule('mmap', ALLOW, [{ arg: 2, op: 'MASKED_EQ', mask: 0xffn, value: 0x1ffn }]),
        rule('mmap', ALLOW, [
          { arg: 0, op: 'LT', value: 1n << 40n },
          { arg: 1, op: 'NE', value: 3n },
        ]),
      ]),
    );
    expect(arch.rules.map((r) => r.condition)).toEqual([
      // libseccomp compares value & mask.
      { kind: 'cmp', arg: 2, op: '==', value: 0xffn, mask: 0xffn, width: 64, signed: false },
      {
        kind: 'and',
        items: [
          { kind: 'cmp', arg: 0, op: '<', value: 1n << 40n, width: 64, signed: false },
          { kind: 'cmp', arg: 1, op: '!=', value: 3n, width: 64, signed: false },
        ],
      },
    ]);
  });

  it('compares the low 32 bits on 32-bit ABIs (x86, arm, x32), truncating values', () => {
    for (const arch of ['x86', 'arm', 'x32'] as const) {
      if (ourArch(arch) === undefined) continue;
      const [resolved] = resolveLibseccompFilter(
        filter([rule('close', ALLOW, [{ arg: 0, op: 'EQ', value: 0x1_0000_0005n }])], [arch]),
      ).arches;
      expect(resolved?.rules[0]?.condition).toEqual({
        kind: 'cmp',
        arg: 0,
        op: '==',
        value: 5n,
        width: 32,
        signed: false,
      });
    }
  });

  it('drops a comparison whose mask is 0, which can make a rule unconditional', () => {
    const upperOnly = 0xffff_ffff_0000_0000n;
    const rules = [
      rule('close', errno(2), [{ arg: 1, op: 'MASKED_EQ', mask: upperOnly, value: 5n }]),
      rule('close', errno(3)),
    ];
    expect(only(filter(rules)).rules.map((r) => r.action)).toEqual([errno(3)]);
    if (ourArch('arm') !== undefined) {
      // On arm the mask truncates to 0: the first rule becomes unconditional and wins.
      expect(only(filter(rules, ['arm'])).rules.map((r) => r.action)).toEqual([errno(2)]);
    }
  });

  it('accepts different actions on provably disjoint values', () => {
    const arch = only(
      filter([
        rule('ioctl', ALLOW, [{ arg: 1, op: 'EQ', value: 0x5401n }]),
        rule('ioctl', errno(25), [{ arg: 1, op: 'EQ', value: 0x541an }]),
        rule('ioctl', errno(1), [{ arg: 1, op: 'GT', value: 0xffffn }]),
      ]),
    );
    expect(arch.rules.map((r) => r.action)).toEqual([ALLOW, errno(25), errno(1)]);
  });

  it('rejects different actions on overlapping values (libseccomp leaves the order open)', () => {
    const f = filter([
      rule('openat', ALLOW, [{ arg: 2, op: 'EQ', value: 0n }]),
      rule('openat', errno(13), [{ arg: 3, op: 'EQ', value: 0n }]),
    ]);
    expect(() => resolveLibseccompFilter(f)).toThrow(LibseccompMeaningError);
    expect(() => resolveLibseccompFilter(f)).toThrow(/rules 0 \(allow\) and 1 \(errno 13\)/);
  });

  it('rejects what libseccomp refuses', () => {
    const twice = filter([
      rule('read', ALLOW, [
        { arg: 0, op: 'GT', value: 1n },
        { arg: 0, op: 'LT', value: 9n },
      ]),
    ]);
    expect(() => resolveLibseccompFilter(twice)).toThrow(/one comparison per argument/);
    const strayMask = filter([rule('read', ALLOW, [{ arg: 0, op: 'EQ', value: 1n, mask: 1n }])]);
    expect(() => resolveLibseccompFilter(strayMask)).toThrow(/MASKED_EQ/);
    expect(() => resolveLibseccompFilter(filter([], []))).toThrow(/needs an arch/);
    expect(() => resolveLibseccompFilter(filter([], ['x86_64', 'x86_64']))).toThrow(/twice/);
  });

  it('lists names an arch does not have as unresolved', () => {
    const arch = only(filter([rule('mmap2', ALLOW), rule('read', ALLOW)]));
    expect(arch.unresolved).toEqual(['mmap2']);
    expect(arch.rules).toHaveLength(1);
  });

  it('names arches both ways', () => {
    expect(ourArch('x86_64')).toBe('x86_64');
    expect(libseccompArchOf('x86_64')).toBe('x86_64');
    if (ourArch('x86') !== undefined) expect(libseccompArchOf('i386')).toBe('x86');
  });
});
