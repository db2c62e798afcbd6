import type { ArgCompare } from '../policy/resolved';

/*
 * Which argument values a comparison accepts, precisely enough to prove that two AND-chains of
 * comparisons can never hold together. "Not proven" is always a safe answer: callers treat it as
 * a possible overlap.
 */

interface Interval {
  readonly lo: bigint;
  readonly hi: bigint;
}

/** Either a union of disjoint intervals, or `(x & mask) == value` with `value ⊆ mask`. */
type ValueSet =
  | { readonly kind: 'intervals'; readonly parts: readonly Interval[] }
  | { readonly kind: 'masked'; readonly mask: bigint; readonly value: bigint };

const EMPTY: ValueSet = { kind: 'intervals', parts: [] };

function intervals(...parts: Interval[]): ValueSet {
  return { kind: 'intervals', parts: parts.filter((p) => p.lo <= p.hi) };
}

/** The values of an unsigned comparison at its width; undefined when not modelled (signed). */
export function valueSet(compare: ArgCompare): ValueSet | undefined {
  if (compare.signed && !['==', '!='].includes(compare.op)) return undefined;
  const max = (1n << BigInt(compare.width)) - 1n;
  const v = BigInt.asUintN(compare.width, compare.value);
  if (compare.mask !== undefined && compare.mask !== max) {
    const mask = BigInt.asUintN(compare.width, compare.mask);
    if (compare.op !== '==') return undefined;
    return (v & ~mask) !== 0n ? EMPTY : { kind: 'masked', mask, value: v };
  }
  switch (compare.op) {
    case '==':
      return intervals({ lo: v, hi: v });
    case '!=':
      return intervals({ lo: 0n, hi: v - 1n }, { lo: v + 1n, hi: max });
    case '<':
      return intervals({ lo: 0n, hi: v - 1n });
    case '<=':
      return intervals({ lo: 0n, hi: v });
    case '>':
      return intervals({ lo: v + 1n, hi: max });
    case '>=':
      return intervals({ lo: v, hi: max });
  }
}

function isEmpty(set: ValueSet): boolean {
  return set.kind === 'intervals' && set.parts.length === 0;
}

function intervalsMeet(a: readonly Interval[], b: readonly Interval[]): boolean {
  return a.some((x) => b.some((y) => x.lo <= y.hi && y.lo <= x.hi));
}

/** A masked set lies within [value, value | ~mask]; a single point is tested exactly. */
function maskedMeetsIntervals(
  masked: { readonly mask: bigint; readonly value: bigint },
  parts: readonly Interval[],
  width: number,
): boolean {
  const max = (1n << BigInt(width)) - 1n;
  const hull: Interval = { lo: masked.value, hi: masked.value | (~masked.mask & max) };
  return parts.some(
    (p) => intervalsMeet([p], [hull]) && (p.lo !== p.hi || (p.lo & masked.mask) === masked.value),
  );
}

function setsMeet(a: ValueSet, b: ValueSet, width: number): boolean {
  if (isEmpty(a) || isEmpty(b)) return false;
  if (a.kind === 'intervals' && b.kind === 'intervals') return intervalsMeet(a.parts, b.parts);
  if (a.kind === 'masked' && b.kind === 'masked') {
    return ((a.value ^ b.value) & a.mask & b.mask) === 0n;
  }
  const [masked, other] = a.kind === 'masked' ? [a, b] : [b, a];
  if (masked.kind !== 'masked' || other.kind !== 'intervals') return true;
  return maskedMeetsIntervals(masked, other.parts, width);
}

/** True when no argument values satisfy both compares (same argument and width assumed). */
function comparesDisjoint(a: ArgCompare, b: ArgCompare): boolean {
  if (a.width !== b.width) return false;
  const sa = valueSet(a);
  const sb = valueSet(b);
  if (sa === undefined || sb === undefined) return false;
  return !setsMeet(sa, sb, a.width);
}

function unsatisfiable(chain: readonly ArgCompare[]): boolean {
  return chain.some((c) => {
    const set = valueSet(c);
    return set !== undefined && isEmpty(set);
  });
}

/** True when the two AND-chains can be shown never to hold for the same arguments. */
export function chainsDisjoint(a: readonly ArgCompare[], b: readonly ArgCompare[]): boolean {
  if (unsatisfiable(a) || unsatisfiable(b)) return true;
  return a.some((x) => b.some((y) => x.arg === y.arg && comparesDisjoint(x, y)));
}
