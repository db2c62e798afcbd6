import type { ArgCompare } from '../policy/resolved';

/*
 * Sets of argument values as unions of ternary patterns `(x & mask) == value`: the one kind of
 * set libseccomp can test besides a single comparison, and closed under intersection. Any
 * interval splits into aligned power-of-two blocks (at most two per bit), so every comparison,
 * its negation and a masked inequality become patterns.
 */

export interface Pattern {
  /** Bits that must equal `value`'s; 0 is "any value". */
  readonly mask: bigint;
  /** Only bits inside `mask`. */
  readonly value: bigint;
}

const full = (width: number): bigint => (1n << BigInt(width)) - 1n;

/** [lo, hi] (unsigned, within `width` bits) as aligned blocks. */
export function intervalPatterns(lo: bigint, hi: bigint, width: 32 | 64): Pattern[] {
  const out: Pattern[] = [];
  let start = lo;
  while (start <= hi) {
    let size = 1n;
    while (
      start % (size * 2n) === 0n &&
      start + size * 2n - 1n <= hi &&
      size * 2n <= 1n << BigInt(width)
    ) {
      size *= 2n;
    }
    out.push({ mask: full(width) & ~(size - 1n), value: start });
    start += size;
  }
  return out;
}

export interface Interval {
  readonly lo: bigint;
  readonly hi: bigint;
}

/** Values of `x op v` for unsigned x at the width. */
function unsignedIntervals(op: ArgCompare['op'], v: bigint, max: bigint): Interval[] {
  const parts: Interval[] = (() => {
    switch (op) {
      case '==':
        return [{ lo: v, hi: v }];
      case '!=':
        return [
          { lo: 0n, hi: v - 1n },
          { lo: v + 1n, hi: max },
        ];
      case '<':
        return [{ lo: 0n, hi: v - 1n }];
      case '<=':
        return [{ lo: 0n, hi: v }];
      case '>':
        return [{ lo: v + 1n, hi: max }];
      case '>=':
        return [{ lo: v, hi: max }];
    }
  })();
  return parts.filter((p) => p.lo <= p.hi);
}

/** Signed order: the interval in signed space, mapped back to unsigned bit patterns. */
function signedIntervals(op: ArgCompare['op'], v: bigint, width: 32 | 64): Interval[] {
  const bias = 1n << BigInt(width - 1);
  // x ↦ x + bias (mod 2^width) turns signed order into unsigned order.
  const shifted = unsignedIntervals(op, BigInt.asUintN(width, v + bias), full(width));
  return shifted.flatMap(({ lo, hi }) => {
    const a = BigInt.asUintN(width, lo - bias);
    const b = BigInt.asUintN(width, hi - bias);
    return a <= b
      ? [{ lo: a, hi: b }]
      : [
          { lo: 0n, hi: b },
          { lo: a, hi: full(width) },
        ];
  });
}

/** Inverse of a masked equality: some masked bit differs, one pattern per bit. */
function maskedDifferent(mask: bigint, value: bigint): Pattern[] {
  const out: Pattern[] = [];
  for (let bit = 1n; bit <= mask; bit <<= 1n) {
    if ((mask & bit) !== 0n) out.push({ mask: bit, value: ~value & bit });
  }
  return out;
}

function isMasked(c: ArgCompare): boolean {
  return c.mask !== undefined && BigInt.asUintN(c.width, c.mask) !== full(c.width);
}

/**
 * For an unmasked compare: the unsigned values of its width (the low `width` bits of the
 * argument) for which it holds, or fails when `negated`. Undefined for masked compares.
 */
export function compareIntervals(c: ArgCompare, negated: boolean): Interval[] | undefined {
  if (isMasked(c)) return undefined;
  const w = c.width;
  const v = BigInt.asUintN(w, c.value);
  const op = negated ? NEGATED[c.op] : c.op;
  const ordered = op !== '==' && op !== '!=';
  return c.signed && ordered ? signedIntervals(op, v, w) : unsignedIntervals(op, v, full(w));
}

/** a ∩ b, both unions of intervals. */
export function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  return a.flatMap((x) =>
    b.flatMap((y) => {
      const lo = x.lo > y.lo ? x.lo : y.lo;
      const hi = x.hi < y.hi ? x.hi : y.hi;
      return lo <= hi ? [{ lo, hi }] : [];
    }),
  );
}

export function intervalsToPatterns(intervals: readonly Interval[], width: 32 | 64): Pattern[] {
  return intervals.flatMap(({ lo, hi }) => intervalPatterns(lo, hi, width));
}

/**
 * The values (of the whole 64-bit argument) for which the compare holds (or fails, when
 * `negated`), or undefined for masked order comparisons, which patterns do not capture cheaply.
 */
export function comparePatterns(c: ArgCompare, negated: boolean): Pattern[] | undefined {
  const w = c.width;
  const v = BigInt.asUintN(w, c.value);
  const op = negated ? NEGATED[c.op] : c.op;
  const intervals = compareIntervals(c, negated);
  if (intervals) return intervalsToPatterns(intervals, w);
  if (c.mask !== undefined) {
    const mask = BigInt.asUintN(w, c.mask);
    if (c.op !== '==' && c.op !== '!=') return undefined;
    const equal = (v & ~mask) === 0n ? [{ mask, value: v }] : [];
    const wantsEqual = op === '==';
    if (wantsEqual) return equal;
    return equal.length === 0 ? [{ mask: 0n, value: 0n }] : maskedDifferent(mask, v);
  }
  return undefined;
}

const NEGATED: Record<ArgCompare['op'], ArgCompare['op']> = {
  '==': '!=',
  '!=': '==',
  '<': '>=',
  '<=': '>',
  '>': '<=',
  '>=': '<',
};

export function negatedOp(op: ArgCompare['op']): ArgCompare['op'] {
  return NEGATED[op];
}

function meet(a: Pattern, b: Pattern): Pattern | undefined {
  if (((a.value ^ b.value) & a.mask & b.mask) !== 0n) return undefined;
  return { mask: a.mask | b.mask, value: a.value | b.value };
}

/** a ∩ b, both unions of patterns. */
export function intersectPatterns(a: readonly Pattern[], b: readonly Pattern[]): Pattern[] {
  return a.flatMap((x) => b.flatMap((y) => meet(x, y) ?? []));
}

export function patternHolds(p: Pattern, x: bigint): boolean {
  return (x & p.mask) === p.value;
}

/** p's values are all q's. */
function within(p: Pattern, q: Pattern): boolean {
  return (q.mask & ~p.mask) === 0n && (p.value & q.mask) === q.value;
}

/** One round of joining: patterns with one mask whose values differ in a single masked bit. */
function joinRound(patterns: readonly Pattern[]): {
  readonly joined: Pattern[];
  readonly changed: boolean;
} {
  const byMask = new Map<bigint, Set<bigint>>();
  for (const p of patterns) byMask.set(p.mask, (byMask.get(p.mask) ?? new Set()).add(p.value));
  const joined: Pattern[] = [];
  let changed = false;
  for (const [mask, values] of byMask) {
    const used = new Set<bigint>();
    for (const value of values) {
      if (used.has(value)) continue;
      let partner: bigint | undefined;
      for (let bit = 1n; bit <= mask && partner === undefined; bit <<= 1n) {
        const other = value ^ bit;
        if ((mask & bit) !== 0n && values.has(other) && !used.has(other)) partner = bit;
      }
      used.add(value);
      if (partner === undefined) {
        joined.push({ mask, value });
        continue;
      }
      used.add(value ^ partner);
      joined.push({ mask: mask & ~partner, value: value & ~partner });
      changed = true;
    }
  }
  return { joined, changed };
}

function withoutContained(patterns: readonly Pattern[]): Pattern[] {
  const unique = [...new Map(patterns.map((p) => [`${p.mask}:${p.value}`, p])).values()];
  return unique.filter((p) => !unique.some((q) => q !== p && within(p, q)));
}

/**
 * The same union with fewer patterns: drops duplicates and patterns inside others, and joins
 * two that differ in one bit, round after round (so that the blocks of an interval split by an
 * intersection collapse back).
 */
export function simplifyPatterns(patterns: readonly Pattern[]): Pattern[] {
  let current = withoutContained(patterns);
  for (let round = 0; round < 130; round++) {
    const { joined, changed } = joinRound(current);
    current = withoutContained(joined);
    if (!changed) break;
  }
  return current;
}
