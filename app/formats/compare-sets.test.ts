import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateCompare } from '../policy/interpret';
import type { ArgCompare, ArgIndex, CompareOp } from '../policy/resolved';
import { chainsDisjoint, valueSet } from './compare-sets';

const U64 = (1n << 64n) - 1n;

function cmp(op: CompareOp, value: bigint, extra: Partial<ArgCompare> = {}): ArgCompare {
  return { kind: 'cmp', arg: 0, op, value, width: 64, signed: false, ...extra };
}

const args = (a0: bigint) => [a0, 0n, 0n, 0n, 0n, 0n] as const;

describe('chainsDisjoint', () => {
  const disjoint: [string, ArgCompare[], ArgCompare[]][] = [
    ['different equal values', [cmp('==', 1n)], [cmp('==', 2n)]],
    ['== v and != v', [cmp('==', 7n)], [cmp('!=', 7n)]],
    ['< v and >= v', [cmp('<', 10n)], [cmp('>=', 10n)]],
    ['<= v and > v', [cmp('<=', 10n)], [cmp('>', 10n)]],
    ['masked with clashing bits', [cmp('==', 1n, { mask: 3n })], [cmp('==', 2n, { mask: 3n })]],
    ['== c outside a masked set', [cmp('==', 5n)], [cmp('==', 0n, { mask: 1n })]],
    ['an empty compare (< 0)', [cmp('<', 0n)], [cmp('==', 0n)]],
    ['value bits outside the mask', [cmp('==', 0x100n, { mask: 0xffn })], [cmp('>=', 0n)]],
    [
      'one clashing argument among several',
      [cmp('==', 1n), { ...cmp('==', 1n), arg: 2 }],
      [cmp('==', 2n)],
    ],
  ];
  it.each(disjoint)('proves %s', (_, a, b) => {
    expect(chainsDisjoint(a, b)).toBe(true);
    expect(chainsDisjoint(b, a)).toBe(true);
  });

  const overlapping: [string, ArgCompare[], ArgCompare[]][] = [
    ['equal values', [cmp('==', 1n)], [cmp('==', 1n)]],
    ['different arguments', [cmp('==', 1n)], [{ ...cmp('==', 2n), arg: 1 }]],
    ['overlapping ranges', [cmp('<', 10n)], [cmp('>', 5n)]],
    ['compatible masks', [cmp('==', 1n, { mask: 1n })], [cmp('==', 2n, { mask: 2n })]],
    ['signed order (not modelled)', [cmp('<', 0n, { signed: true })], [cmp('>', 5n)]],
  ];
  it.each(overlapping)('does not claim %s disjoint', (_, a, b) => {
    expect(chainsDisjoint(a, b)).toBe(false);
  });

  const op = fc.constantFrom<CompareOp>('==', '!=', '<', '<=', '>', '>=');
  const value = fc.oneof(
    fc.constantFrom(0n, 1n, 2n, 0xffffffffn, 1n << 32n, U64),
    fc.bigInt(0n, U64),
  );
  const compare: fc.Arbitrary<ArgCompare> = fc
    .record({
      arg: fc.constantFrom<ArgIndex>(0, 1),
      op,
      value,
      mask: fc.option(fc.oneof(fc.constantFrom(0n, 0xffn, U64), fc.bigInt(0n, U64)), {
        nil: undefined,
      }),
      width: fc.constantFrom<32 | 64>(32, 64),
    })
    .map(({ mask, ...c }) => ({
      kind: 'cmp',
      ...c,
      op: mask === undefined ? c.op : '==',
      value: BigInt.asUintN(c.width, c.value),
      ...(mask === undefined ? {} : { mask: BigInt.asUintN(c.width, mask) }),
      signed: false,
    }));

  it('is sound: no argument values satisfy two chains it calls disjoint', () => {
    fc.assert(
      fc.property(
        fc.array(compare, { minLength: 1, maxLength: 2 }),
        fc.array(compare, { minLength: 1, maxLength: 2 }),
        fc.array(fc.tuple(value, value), { maxLength: 20 }),
        (a, b, samples) => {
          fc.pre(a.every((x) => b.every((y) => x.arg !== y.arg || x.width === y.width)));
          if (!chainsDisjoint(a, b)) return;
          const interesting = [...a, ...b].flatMap((c) => [c.value - 1n, c.value, c.value + 1n]);
          const tuples = [
            ...samples,
            ...interesting.flatMap((v) => interesting.map((w) => [v, w] as [bigint, bigint])),
          ];
          for (const [a0, a1] of tuples) {
            const data = [BigInt.asUintN(64, a0), BigInt.asUintN(64, a1), 0n, 0n, 0n, 0n] as const;
            const both = [...a, ...b].every((c) => evaluateCompare(c, data));
            expect(both).toBe(false);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('valueSet', () => {
  it('models a full mask as equality and leaves masked order compares out', () => {
    expect(valueSet(cmp('==', 3n, { mask: U64 }))).toEqual({
      kind: 'intervals',
      parts: [{ lo: 3n, hi: 3n }],
    });
    expect(valueSet(cmp('<', 3n, { mask: 0xffn }))).toBeUndefined();
  });

  it('agrees with the interpreter on edge values', () => {
    for (const c of [cmp('!=', 0n), cmp('>', U64), cmp('<=', U64), cmp('>=', 0n)]) {
      const set = valueSet(c);
      if (set?.kind !== 'intervals') throw new Error('expected intervals');
      for (const v of [0n, 1n, U64 - 1n, U64]) {
        const inSet = set.parts.some((p) => p.lo <= v && v <= p.hi);
        expect(inSet).toBe(evaluateCompare(c, args(v)));
      }
    }
  });
});
