import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareHolds, effectiveCondition, forcesBitClear, holdsWith } from './condition-facts';
import { evaluateCompare, evaluateCondition } from './interpret';
import type { ArgCompare, ArgCondition, ArgIndex, ResolvedArchPolicy } from './resolved';

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const bitValues = fc.oneof(
  u64,
  fc.integer({ min: 0, max: 63 }).map((b) => 1n << BigInt(b)),
  fc.constantFrom(0n, 0x10000000n, 0x7e020000n, 0xffffffffn),
);

const compare: fc.Arbitrary<ArgCompare> = fc
  .record({
    arg: fc.constantFrom<ArgIndex>(0, 1),
    op: fc.constantFrom('==', '!=', '<', '<=', '>', '>=' as const),
    width: fc.constantFrom<32 | 64>(32, 64),
    signed: fc.boolean(),
    value: bitValues,
    mask: fc.option(bitValues, { nil: undefined }),
  })
  .map(({ mask, width, value, ...rest }) => ({
    kind: 'cmp' as const,
    ...rest,
    width,
    value: BigInt.asUintN(width, value),
    ...(mask === undefined ? {} : { mask: BigInt.asUintN(width, mask) }),
  }));

const condition: fc.Arbitrary<ArgCondition> = fc.letrec<{ c: ArgCondition }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    compare,
    compare,
    fc.constantFrom<ArgCondition>({ kind: 'true' }, { kind: 'false' }),
    tie('c').map((item): ArgCondition => ({ kind: 'not', item })),
    fc
      .tuple(fc.constantFrom('and' as const, 'or' as const), fc.array(tie('c'), { maxLength: 3 }))
      .map(([kind, items]): ArgCondition => ({ kind, items })),
  ),
})).c;

function args(arg0: bigint, arg1: bigint) {
  return [arg0, arg1, 0n, 0n, 0n, 0n] as const;
}

describe('condition facts are sound', { timeout: 60_000 }, () => {
  it('compareHolds agrees with the reference interpreter', () => {
    fc.assert(
      fc.property(compare, u64, (c, x) => {
        expect(compareHolds(c, x)).toBe(evaluateCompare(c, args(x, x)));
      }),
      { numRuns: 2000 },
    );
  });

  it('forcesBitClear: no value with the bit set satisfies the condition', () => {
    fc.assert(
      fc.property(condition, fc.integer({ min: 0, max: 63 }), u64, u64, (c, bit, x, other) => {
        if (!forcesBitClear(c, 0, BigInt(bit))) return;
        const withBit = x | (1n << BigInt(bit));
        expect(evaluateCondition(c, args(withBit, other))).toBe(false);
      }),
      { numRuns: 5000 },
    );
  });

  it('forcesBitClear recognises the usual ways of keeping a flag clear', () => {
    const flag = 1n << 28n;
    const cmp = (op: ArgCompare['op'], value: bigint, mask?: bigint): ArgCompare => ({
      kind: 'cmp',
      arg: 0,
      op,
      value,
      width: 64,
      signed: false,
      ...(mask === undefined ? {} : { mask }),
    });
    expect(forcesBitClear(cmp('==', 0n, 0x7e020000n), 0, 28n)).toBe(true);
    expect(forcesBitClear({ kind: 'not', item: cmp('!=', 0n, flag) }, 0, 28n)).toBe(true);
    expect(forcesBitClear(cmp('<', flag), 0, 28n)).toBe(true);
    expect(
      forcesBitClear({ kind: 'or', items: [cmp('==', 0x11n), cmp('==', 0x3d0f00n)] }, 0, 28n),
    ).toBe(true);
    expect(forcesBitClear(cmp('!=', flag, flag), 0, 28n)).toBe(false);
    expect(forcesBitClear(cmp('==', 0n, flag), 1, 28n)).toBe(false);
    expect(forcesBitClear({ kind: 'true' }, 0, 28n)).toBe(false);
  });

  it('holdsWith: a definite answer is the answer for every other argument', () => {
    fc.assert(
      fc.property(condition, fc.constantFrom<ArgIndex>(0, 1), u64, u64, (c, arg, value, other) => {
        const known = holdsWith(c, arg, value);
        if (known === undefined) return;
        const all = arg === 0 ? args(value, other) : args(other, value);
        expect(evaluateCondition(c, all)).toBe(known);
      }),
      { numRuns: 5000 },
    );
  });

  it('effectiveCondition holds exactly when that rule is the one that decides', () => {
    const rules = fc.array(fc.record({ nr: fc.constantFrom(1, 2), condition }), {
      minLength: 1,
      maxLength: 5,
    });
    fc.assert(
      fc.property(rules, u64, u64, (list, a0, a1) => {
        const arch: ResolvedArchPolicy = {
          arch: 'x86_64',
          auditArch: 0,
          defaultAction: { kind: 'kill-process' },
          unresolved: [],
          rules: list.map((r, ruleIndex) => ({
            ...r,
            action: { kind: 'errno', errno: ruleIndex + 1 },
            ruleIndex,
            range: {
              start: { line: 1, column: 1, offset: 0 },
              end: { line: 1, column: 1, offset: 0 },
            },
          })),
        };
        const data = args(a0, a1);
        const decider = arch.rules.findIndex(
          (r) => r.nr === 1 && evaluateCondition(r.condition, data),
        );
        arch.rules.forEach((rule, index) => {
          if (rule.nr !== 1) return;
          expect(evaluateCondition(effectiveCondition(arch, index), data)).toBe(index === decider);
        });
      }),
      { numRuns: 1000 },
    );
  });
});
