/**
 * Sets of unsigned 32-bit values as sorted, disjoint, non-adjacent inclusive ranges: the domains
 * the decompiler keeps for each `seccomp_data` word along a path. Immutable.
 */
export type Range = readonly [lo: number, hi: number];
export type IntervalSet = readonly Range[];

export const U32_MAX = 0xffffffff;
export const EMPTY: IntervalSet = [];
export const FULL: IntervalSet = [[0, U32_MAX]];

export class FragmentationError extends Error {
  override readonly name = 'FragmentationError';
}

/** Sorts, clips to u32 and merges overlapping or adjacent ranges. */
export function normalize(ranges: readonly Range[]): IntervalSet {
  const sorted = ranges
    .map(([lo, hi]): Range => [Math.max(0, lo), Math.min(U32_MAX, hi)])
    .filter(([lo, hi]) => lo <= hi)
    .sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out.at(-1);
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

export const single = (value: number): IntervalSet => [[value >>> 0, value >>> 0]];
export const range = (lo: number, hi: number): IntervalSet => normalize([[lo, hi]]);

export function union(a: IntervalSet, b: IntervalSet): IntervalSet {
  return normalize([...a, ...b]);
}

export function complement(a: IntervalSet): IntervalSet {
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of a) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= U32_MAX) out.push([next, U32_MAX]);
  return out;
}

export function intersect(a: IntervalSet, b: IntervalSet): IntervalSet {
  const out: Range[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [alo, ahi] = a[i] as Range;
    const [blo, bhi] = b[j] as Range;
    const lo = Math.max(alo, blo);
    const hi = Math.min(ahi, bhi);
    if (lo <= hi) out.push([lo, hi]);
    if (ahi < bhi) i += 1;
    else j += 1;
  }
  return out;
}

export const subtract = (a: IntervalSet, b: IntervalSet): IntervalSet =>
  intersect(a, complement(b));

export const isEmpty = (a: IntervalSet): boolean => a.length === 0;

export function isFull(a: IntervalSet): boolean {
  return a.length === 1 && a[0]?.[0] === 0 && a[0][1] === U32_MAX;
}

/** How many values the set holds. */
export function size(a: IntervalSet): number {
  return a.reduce((sum, [lo, hi]) => sum + (hi - lo + 1), 0);
}

/** The only value of a one-value set. */
export function onlyValue(a: IntervalSet): number | undefined {
  const [first] = a;
  return a.length === 1 && first && first[0] === first[1] ? first[0] : undefined;
}

export function contains(a: IntervalSet, value: number): boolean {
  return a.some(([lo, hi]) => lo <= value && value <= hi);
}

export function isSubset(a: IntervalSet, b: IntervalSet): boolean {
  return isEmpty(subtract(a, b));
}

export function equals(a: IntervalSet, b: IntervalSet): boolean {
  return a.length === b.length && a.every(([lo, hi], i) => b[i]?.[0] === lo && b[i][1] === hi);
}

/** `{ x + delta mod 2^32 | x in a }`. */
export function shift(a: IntervalSet, delta: number): IntervalSet {
  const d = delta >>> 0;
  if (d === 0) return a;
  const out: Range[] = [];
  for (const [lo, hi] of a) {
    const nlo = lo + d;
    const nhi = hi + d;
    if (nhi <= U32_MAX) out.push([nlo, nhi]);
    else if (nlo > U32_MAX) out.push([nlo - 2 ** 32, nhi - 2 ** 32]);
    else out.push([nlo, U32_MAX], [0, nhi - 2 ** 32]);
  }
  return normalize(out);
}

export type Relation = '==' | '!=' | '>' | '>=' | '<' | '<=';

/** `{ x | x rel k }`. */
export function relationSet(rel: Relation, k: number): IntervalSet {
  const v = k >>> 0;
  switch (rel) {
    case '==':
      return single(v);
    case '!=':
      return complement(single(v));
    case '>':
      return range(v + 1, U32_MAX);
    case '>=':
      return range(v, U32_MAX);
    case '<':
      return v === 0 ? EMPTY : range(0, v - 1);
    case '<=':
      return range(0, v);
  }
}

export function holds(rel: Relation, left: number, right: number): boolean {
  switch (rel) {
    case '==':
      return left === right;
    case '!=':
      return left !== right;
    case '>':
      return left > right;
    case '>=':
      return left >= right;
    case '<':
      return left < right;
    case '<=':
      return left <= right;
  }
}

/**
 * `{ x in within | (x & mask) rel k }` as ranges, found by splitting on the bits from the top
 * until every block is decided. Throws FragmentationError beyond `limit` ranges (a mask with low
 * bits set on a wide domain can need millions).
 */
export function maskedSet(
  mask: number,
  rel: Relation,
  k: number,
  within: IntervalSet,
  limit = 4096,
): IntervalSet {
  const m = mask >>> 0;
  const out: Range[] = [];
  const visit = (base: number, bits: number, maskedHigh: number): void => {
    const top = base + 2 ** bits - 1;
    if (isEmpty(intersect(within, [[base, top]]))) return;
    const lowMask = bits === 32 ? m : m & (2 ** bits - 1);
    const lowest = maskedHigh;
    const highest = (maskedHigh + lowMask) >>> 0;
    const decided = decide(rel, k >>> 0, lowest, highest, lowMask === 0);
    if (decided === false) return;
    if (decided === true) {
      out.push(...intersect(within, [[base, top]]));
      if (out.length > limit) {
        throw new FragmentationError(`more than ${limit} ranges`);
      }
      return;
    }
    const half = 2 ** (bits - 1);
    const bit = m & half ? half : 0;
    visit(base, bits - 1, maskedHigh);
    visit(base + half, bits - 1, (maskedHigh + bit) >>> 0);
  };
  visit(0, 32, 0);
  return normalize(out);
}

/** Whether `v rel k` holds for every / no v in [lowest, highest]; undefined if it depends. */
function decide(
  rel: Relation,
  k: number,
  lowest: number,
  highest: number,
  exact: boolean,
): boolean | undefined {
  if (exact) return holds(rel, lowest, k);
  switch (rel) {
    case '==':
      return k < lowest || k > highest ? false : undefined;
    case '!=':
      return k < lowest || k > highest ? true : undefined;
    case '>':
      return lowest > k ? true : highest <= k ? false : undefined;
    case '>=':
      return lowest >= k ? true : highest < k ? false : undefined;
    case '<':
      return highest < k ? true : lowest >= k ? false : undefined;
    case '<=':
      return highest <= k ? true : lowest > k ? false : undefined;
  }
}

/**
 * `{ x | x ^ bits in s }`: XOR with a constant permutes each aligned block, so blocks whose image
 * lies inside or outside `s` are decided whole. Throws FragmentationError beyond `limit` ranges.
 */
export function xorPreimage(s: IntervalSet, bits: number, limit = 4096): IntervalSet {
  const b = bits >>> 0;
  if (b === 0) return s;
  const out: Range[] = [];
  const visit = (base: number, size: number): void => {
    const low = size === 2 ** 32 ? 0 : (b & ~(size - 1)) >>> 0;
    const image = (base ^ low) >>> 0;
    const block: IntervalSet = [[image, image + size - 1]];
    if (isEmpty(intersect(s, block))) return;
    if (isSubset(block, s)) {
      out.push([base, base + size - 1]);
      if (out.length > limit) throw new FragmentationError(`more than ${limit} ranges`);
      return;
    }
    visit(base, size / 2);
    visit(base + size / 2, size / 2);
  };
  visit(0, 2 ** 32);
  return normalize(out);
}
