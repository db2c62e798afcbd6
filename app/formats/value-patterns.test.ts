import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateCompare } from '../policy/interpret';
import type { ArgCompare, CompareOp } from '../policy/resolved';
import {
  comparePatterns,
  intersectPatterns,
  intervalPatterns,
  patternHolds,
  simplifyPatterns,
  type Pattern,
} from './value-patterns';

const U64 = (1n << 64n) - 1n;
const holds = (ps: readonly Pattern[], x: bigint) => ps.some((p) => patternHolds(p, x));
const args = (x: bigint) => [x, 0n, 0n, 0n, 0n, 0n] as const;

const value = fc.oneof(
  fc.constantFrom(0n, 1n, 4n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 1n << 32n, 1n << 63n, U64),
  fc.bigInt(0n, U64),
);

const compare: fc.Arbitrary<ArgCompare> = fc
  .record({
    op: fc.constantFrom<CompareOp>('==', '!=', '<', '<=', '>', '>='),
    value,
    width: fc.constantFrom<32 | 64>(32, 64),
    signed: fc.boolean(),
    mask: fc.option(fc.oneof(fc.constantFrom(0n, 0xffn, U64), fc.bigInt(0n, U64)), {
      nil: undefined,
    }),
  })
  .map(({ mask, ...c }) => ({
    kind: 'cmp',
    arg: 0,
    ...c,
    value: BigInt.asUintN(c.width, c.value),
    ...(mask === undefined ? {} : { mask: BigInt.asUintN(c.width, mask) }),
  }));

/** Values worth testing against a compare: its constant ±1 in both halves, and the edges. */
function probes(c: ArgCompare, extra: readonly bigint[]): bigint[] {
  const near = [c.value - 1n, c.value, c.value + 1n].flatMap((v) => [
    v,
    v | (1n << 32n),
    v | (1n << 63n),
  ]);
  return [...near, 0n, U64, 1n << 31n, ...extra].map((v) => BigInt.asUintN(64, v));
}

describe('value patterns', () => {
  it('split an interval into aligned blocks covering exactly it', () => {
    const blocks = intervalPatterns(5n, 20n, 64);
    for (let x = 0n; x < 40n; x++) expect(holds(blocks, x)).toBe(x >= 5n && x <= 20n);
    expect(intervalPatterns(0n, U64, 64)).toEqual([{ mask: 0n, value: 0n }]);
    expect(intervalPatterns(0n, 0xffffffffn, 32)).toEqual([{ mask: 0n, value: 0n }]);
  });

  it('hold exactly where the compare (or its negation) holds', () => {
    fc.assert(
      fc.property(
        compare,
        fc.boolean(),
        fc.array(value, { maxLength: 10 }),
        (c, negated, extra) => {
          const patterns = comparePatterns(c, negated);
          if (patterns === undefined) {
            expect(c.mask !== undefined && c.op !== '==' && c.op !== '!=').toBe(true);
            return;
          }
          for (const x of probes(c, extra)) {
            expect(holds(patterns, x)).toBe(evaluateCompare(c, args(x)) !== negated);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('keep their union when intersected and simplified', () => {
    fc.assert(
      fc.property(compare, compare, fc.array(value, { maxLength: 10 }), (a, b, extra) => {
        const pa = comparePatterns(a, false);
        const pb = comparePatterns(b, true);
        fc.pre(pa !== undefined && pb !== undefined);
        if (!pa || !pb) return;
        const both = simplifyPatterns(intersectPatterns(pa, pb));
        for (const x of [...probes(a, extra), ...probes(b, [])]) {
          expect(holds(both, x)).toBe(holds(pa, x) && holds(pb, x));
        }
      }),
      { numRuns: 300 },
    );
  }, 30_000); // ~2 s alone; slower on a loaded 2-core CI machine

  it('collapse the blocks of an interval around a fixed low half back into one pattern', () => {
    const low = comparePatterns(
      { kind: 'cmp', arg: 0, op: '==', value: 0xffffff9cn, width: 32, signed: true },
      false,
    );
    const notOne = comparePatterns(
      { kind: 'cmp', arg: 0, op: '!=', value: 1n, width: 64, signed: false },
      false,
    );
    if (!low || !notOne) throw new Error('expected patterns');
    expect(simplifyPatterns(intersectPatterns(low, notOne))).toEqual([
      { mask: 0xffffffffn, value: 0xffffff9cn },
    ]);
  });
});
