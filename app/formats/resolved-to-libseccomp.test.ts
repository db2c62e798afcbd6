import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTION, CONDITION, DATA_CHOICE, seccompDataFrom } from '../bpf/compile-arbitraries';
import { archInfo } from '../linux/arches';
import { syscallNumber } from '../linux/syscalls';
import { interpretResolved } from '../policy/interpret';
import type { SeccompAction } from '../policy/model';
import type { ArgCompare, ArgCondition, ResolvedPolicy, ResolvedRule } from '../policy/resolved';
import { resolveLibseccompFilter } from './libseccomp-meaning';
import { LibseccompExportError, resolvedToLibseccomp } from './resolved-to-libseccomp';

const ALLOW: SeccompAction = { kind: 'allow' };
const KILL: SeccompAction = { kind: 'kill-process' };
const errno = (n: number): SeccompAction => ({ kind: 'errno', errno: n });
const RANGE = { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } };
const NAMES = ['read', 'write', 'ioctl', 'mmap', 'openat'];

function cmp(arg: 0 | 1 | 2, op: ArgCompare['op'], value: bigint, extra: Partial<ArgCompare> = {}) {
  return { kind: 'cmp', arg, op, value, width: 64, signed: false, ...extra } as const;
}

function nr(name: string): number {
  const n = syscallNumber('x86_64', name);
  if (n === undefined) throw new Error(name);
  return n;
}

function policy(
  rules: [string, SeccompAction, ArgCondition][],
  defaultAction: SeccompAction = KILL,
): ResolvedPolicy {
  return {
    arches: [
      {
        arch: 'x86_64',
        auditArch: archInfo('x86_64').auditArch,
        defaultAction,
        rules: rules.map(([name, action, condition], i): ResolvedRule => ({
          nr: nr(name),
          action,
          condition,
          ruleIndex: i,
          range: RANGE,
        })),
        unresolved: [],
      },
    ],
    badArchAction: KILL,
  };
}

describe('resolvedToLibseccomp', () => {
  it('writes plain rules and one rule per OR-ed chain', () => {
    const filter = resolvedToLibseccomp(
      policy([
        ['read', ALLOW, { kind: 'true' }],
        ['ioctl', ALLOW, { kind: 'or', items: [cmp(1, '==', 0x5401n), cmp(1, '==', 0x541bn)] }],
        ['mmap', ALLOW, cmp(2, '==', 0n, { mask: ~3n & ((1n << 64n) - 1n) })],
      ]),
    );
    expect(filter.arches).toEqual(['x86_64']);
    expect(filter.rules.map((r) => [r.syscall, r.args.map((a) => a.op)])).toEqual([
      ['read', []],
      ['ioctl', ['EQ']],
      ['ioctl', ['EQ']],
      ['mmap', ['MASKED_EQ']],
    ]);
  });

  it('subtracts what earlier rules took (first match wins, libseccomp has no order)', () => {
    const filter = resolvedToLibseccomp(
      policy([
        ['openat', ALLOW, cmp(2, '==', 0n)],
        ['openat', errno(13), { kind: 'true' }],
      ]),
    );
    expect(filter.rules.map((r) => [r.action, r.args])).toEqual([
      [ALLOW, [{ arg: 2, op: 'EQ', value: 0n }]],
      [errno(13), [{ arg: 2, op: 'NE', value: 0n }]],
    ]);
  });

  it('writes 32-bit equality as a masked compare and leaves default-action rules out', () => {
    const filter = resolvedToLibseccomp(
      policy([
        ['write', KILL, cmp(0, '==', 1n)],
        ['write', ALLOW, cmp(0, '==', 0xffffff9cn, { width: 32, signed: true })],
      ]),
    );
    expect(filter.rules).toEqual([
      {
        syscall: 'write',
        action: ALLOW,
        args: [{ arg: 0, op: 'MASKED_EQ', mask: 0xffffffffn, value: 0xffffff9cn }],
      },
    ]);
  });

  it('writes what libseccomp has no comparison for as value patterns', () => {
    // The complement of a set: arg2 anything but 0 or 4, as aligned blocks of values.
    const filter = resolvedToLibseccomp(
      policy([
        ['madvise', ALLOW, { kind: 'or', items: [cmp(2, '==', 0n), cmp(2, '==', 4n)] }],
        ['madvise', errno(22), { kind: 'true' }],
      ]),
    );
    const einval = filter.rules.filter((r) => r.action.kind === 'errno');
    expect(einval.length).toBeGreaterThan(3);
    expect(einval.every((r) => r.args.every((a) => a.op === 'MASKED_EQ' || a.op === 'EQ'))).toBe(
      true,
    );
    // Signed order and 32-bit order on a 64-bit ABI.
    for (const c of [cmp(0, '<', 5n, { signed: true }), cmp(0, '<', 5n, { width: 32 })]) {
      const rules = resolvedToLibseccomp(policy([['read', ALLOW, c]])).rules;
      expect(rules.every((r) => r.args.every((a) => a.op === 'MASKED_EQ'))).toBe(true);
    }
  });

  it('refuses what libseccomp cannot say', () => {
    const refuse = (rules: [string, SeccompAction, ArgCondition][], message: RegExp) =>
      expect(() => resolvedToLibseccomp(policy(rules))).toThrow(message);
    refuse([['read', ALLOW, cmp(0, '<', 5n, { mask: 0xffn })]], /masked order/);
    // Two chains, so no range comparisons (libseccomp's bug), and each a product of patterns.
    const notV = (arg: number) => cmp(arg as 0, '!=', 0x5555_5555_5555_5555n);
    const chain = (a: number, b: number): ArgCondition => ({
      kind: 'and',
      items: [notV(a), notV(b)],
    });
    refuse(
      [['read', ALLOW, { kind: 'or', items: [chain(0, 1), chain(2, 3)] }]],
      /more than \d+ rules/,
    );
    const [x86_64] = policy([['read', ALLOW, { kind: 'true' }]]).arches;
    if (!x86_64) throw new Error('no arch');
    const differing: ResolvedPolicy = {
      arches: [x86_64, { ...x86_64, arch: 'x32', rules: [] }],
      badArchAction: KILL,
    };
    if (syscallNumber('x32', 'read') !== undefined) {
      expect(() => resolvedToLibseccomp(differing)).toThrow(/differ between arches/);
    }
  });

  it('means what the policy means wherever it succeeds', () => {
    const rules = fc.array(
      fc.tuple(fc.constantFrom(...NAMES), ACTION, CONDITION) as fc.Arbitrary<
        [string, SeccompAction, ArgCondition]
      >,
      { maxLength: 6 },
    );
    let exported = 0;
    fc.assert(
      fc.property(
        rules,
        ACTION,
        fc.array(DATA_CHOICE, { minLength: 30, maxLength: 30 }),
        (r, d, data) => {
          const original = policy(r, d);
          let meaning: ResolvedPolicy;
          try {
            meaning = resolveLibseccompFilter(resolvedToLibseccomp(original));
          } catch (error) {
            if (error instanceof LibseccompExportError) return;
            throw error;
          }
          exported++;
          for (const choice of data) {
            const input = seccompDataFrom(original, choice);
            expect(interpretResolved(meaning, input)).toEqual(interpretResolved(original, input));
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(exported).toBeGreaterThan(75);
  }, 60_000);
});
