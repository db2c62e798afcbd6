import type { ArgCompare, ArgCondition, ArgIndex, CompareOp } from '../policy/resolved';
import {
  constraintOf,
  type Constraints,
  type MaskAtom,
  type WordConstraint,
} from './decompile-constraints';
import { isFull, union as unionSets, type IntervalSet } from './decompile-intervals';
import { negateRelation } from './decompile-symbolic';
import { SECCOMP_DATA } from './encode';

/**
 * A path's constraints on the arguments as a policy condition. Each argument's two 32-bit words
 * are combined into 64-bit ranges where the shape allows it (`arg1 == 0x100000002`,
 * `arg0 > 5`), otherwise the low half is compared on its own (`(u32)arg0 == 5`) next to 64-bit
 * ranges for the high half. Masked tests become `argN & M rel V`, shifted up for high halves.
 */

/** Inclusive 64-bit ranges, sorted, disjoint, non-adjacent. */
export type Range64 = readonly [bigint, bigint];
export type Set64 = readonly Range64[];

const U32 = 0xffffffffn;
const U64 = 0xffffffffffffffffn;
const ARGS = [0, 1, 2, 3, 4, 5] as const;

export const loWord = (arg: number): number => (SECCOMP_DATA.args + arg * SECCOMP_DATA.argSize) / 4;
export const hiWord = (arg: number): number => loWord(arg) + 1;

/** The `seccomp_data` words a policy condition can talk about (the arguments'). */
export function isArgumentWord(word: number): boolean {
  return word >= loWord(0) && word <= hiWord(5);
}

export function normalize64(ranges: readonly Range64[]): Set64 {
  const sorted = [...ranges]
    .filter(([lo, hi]) => lo <= hi)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: [bigint, bigint][] = [];
  for (const [lo, hi] of sorted) {
    const last = out.at(-1);
    if (last && lo <= last[1] + 1n) last[1] = last[1] > hi ? last[1] : hi;
    else out.push([lo, hi]);
  }
  return out;
}

export const isFull64 = (s: Set64): boolean =>
  s.length === 1 && s[0]?.[0] === 0n && s[0][1] === U64;

function complement64(s: Set64, max: bigint): Set64 {
  const out: Range64[] = [];
  let next = 0n;
  for (const [lo, hi] of s) {
    if (lo > next) out.push([next, lo - 1n]);
    next = hi + 1n;
  }
  if (next <= max) out.push([next, max]);
  return out;
}

/** `hi × lo` as 64-bit ranges when that is a short list: lo unconstrained, or hi one value. */
export function product64(hi: IntervalSet, lo: IntervalSet): Set64 | undefined {
  if (isFull(lo)) {
    return normalize64(hi.map(([a, b]): Range64 => [BigInt(a) << 32n, (BigInt(b) << 32n) | U32]));
  }
  const [only] = hi;
  if (hi.length === 1 && only && only[0] === only[1]) {
    const high = BigInt(only[0]) << 32n;
    return normalize64(lo.map(([a, b]): Range64 => [high | BigInt(a), high | BigInt(b)]));
  }
  return undefined;
}

export function union64(a: Set64, b: Set64): Set64 {
  return normalize64([...a, ...b]);
}

function compare(
  arg: number,
  op: CompareOp,
  value: bigint,
  width: 32 | 64,
  mask?: bigint,
): ArgCompare {
  return {
    kind: 'cmp',
    arg: arg as ArgIndex,
    op,
    value,
    width,
    signed: false,
    ...(mask === undefined ? {} : { mask }),
  };
}

export const and = (items: readonly ArgCondition[]): ArgCondition =>
  items.length === 1
    ? (items[0] as ArgCondition)
    : items.length === 0
      ? { kind: 'true' }
      : { kind: 'and', items };
export const or = (items: readonly ArgCondition[]): ArgCondition =>
  items.length === 1
    ? (items[0] as ArgCondition)
    : items.length === 0
      ? { kind: 'false' }
      : { kind: 'or', items };

const MAX_LISTED_VALUES = 16;

/** `arg ∈ s` (s neither empty nor everything) at `width` bits. */
export function rangesCondition(arg: number, s: Set64, width: 32 | 64): ArgCondition {
  const max = width === 64 ? U64 : U32;
  const points = (set: Set64): boolean =>
    set.length <= MAX_LISTED_VALUES && set.every(([lo, hi]) => lo === hi);
  const outside = complement64(s, max);
  if (points(s)) return or(s.map(([v]) => compare(arg, '==', v, width)));
  if (points(outside)) return and(outside.map(([v]) => compare(arg, '!=', v, width)));
  return or(
    s.map(([lo, hi]) => {
      if (lo === 0n) return atMost(arg, hi, width);
      if (hi === max) return atLeast(arg, lo, width);
      return and([atLeast(arg, lo, width), atMost(arg, hi, width)]);
    }),
  );
}

/*
 * Of `>= v` and `> v - 1` (`<= v`, `< v + 1`) the one with the rounder constant, so that a bound
 * like "above 32 bits" reads `> 0xffffffff` and stays valid on 32-bit arches.
 */
function atLeast(arg: number, lo: bigint, width: 32 | 64): ArgCompare {
  return lo > 0n && rounder(lo - 1n, lo)
    ? compare(arg, '>', lo - 1n, width)
    : compare(arg, '>=', lo, width);
}

function atMost(arg: number, hi: bigint, width: 32 | 64): ArgCompare {
  return rounder(hi + 1n, hi) ? compare(arg, '<', hi + 1n, width) : compare(arg, '<=', hi, width);
}

/** Whether `a` fits 32 bits where `b` does not, or has fewer significant hex digits. */
function rounder(a: bigint, b: bigint): boolean {
  const wide = (v: bigint): boolean => v > U32;
  if (wide(a) !== wide(b)) return !wide(a);
  const digits = (v: bigint): number => v.toString(16).replace(/0+$/, '').length;
  return digits(a) < digits(b);
}

function atomCondition(arg: number, atom: MaskAtom, high: boolean): ArgCondition {
  const shift = high ? 32n : 0n;
  return compare(arg, atom.rel, BigInt(atom.value) << shift, 64, BigInt(atom.mask) << shift);
}

/** What a path says about one argument, in the form the merging step can work with. */
export interface ArgView {
  /** The whole constraint as 64-bit ranges, when it has that shape and no masked tests. */
  readonly set64?: Set64;
  readonly hi: WordConstraint;
  readonly lo: WordConstraint;
}

export function argView(c: Constraints, arg: number): ArgView {
  const hi = constraintOf(c, hiWord(arg));
  const lo = constraintOf(c, loWord(arg));
  const set64 =
    hi.atoms.length === 0 && lo.atoms.length === 0 ? product64(hi.set, lo.set) : undefined;
  return set64 === undefined ? { hi, lo } : { set64, hi, lo };
}

/** One argument's condition; `true` when it is unconstrained. */
export function argCondition(arg: number, view: ArgView): ArgCondition {
  if (view.set64)
    return isFull64(view.set64) ? { kind: 'true' } : rangesCondition(arg, view.set64, 64);
  const parts: ArgCondition[] = [];
  const highSet = product64(view.hi.set, [[0, 0xffffffff]]);
  if (highSet && !isFull64(highSet)) parts.push(rangesCondition(arg, highSet, 64));
  if (!isFull(view.lo.set)) {
    const low = normalize64(view.lo.set.map(([a, b]): Range64 => [BigInt(a), BigInt(b)]));
    parts.push(rangesCondition(arg, low, 32));
  }
  parts.push(...view.hi.atoms.map((atom) => atomCondition(arg, atom, true)));
  parts.push(...view.lo.atoms.map((atom) => atomCondition(arg, atom, false)));
  return and(parts);
}

/** A path's whole argument condition. */
export function pathCondition(views: readonly ArgView[]): ArgCondition {
  return conditionOf(views, ARGS);
}

function conditionOf(views: readonly ArgView[], args: readonly number[]): ArgCondition {
  const parts = args.map((arg) => argCondition(arg, views[arg] as ArgView));
  return and(parts.filter((c) => c.kind !== 'true'));
}

/** Paths joined by `||`, with the argument conditions they all share taken out in front. */
export function anyPath(paths: readonly (readonly ArgView[])[]): ArgCondition {
  const [first] = paths;
  if (!first) return { kind: 'false' };
  const shared = ARGS.filter((arg) =>
    paths.every((p) => viewKey(p[arg] as ArgView) === viewKey(first[arg] as ArgView)),
  );
  const rest = ARGS.filter((arg) => !shared.includes(arg));
  const alternatives = or(paths.map((p) => conditionOf(p, rest)));
  return and([conditionOf(first, shared), alternatives].filter((c) => c.kind !== 'true'));
}

export function argViews(c: Constraints): ArgView[] {
  return ARGS.map((arg) => argView(c, arg));
}

/** A stable text for an argument's constraint, to tell equal ones apart. */
export function viewKey(view: ArgView): string {
  if (view.set64) return `s:${view.set64.map(([a, b]) => `${a}-${b}`).join(',')}`;
  const word = (w: WordConstraint): string =>
    `${w.set.map(([a, b]) => `${a}-${b}`).join(',')}|${w.atoms
      .map((a) => `${a.mask}${a.rel}${a.value}`)
      .sort()
      .join(',')}`;
  return `w:${word(view.hi)}/${word(view.lo)}`;
}

/**
 * Joins paths that differ in one argument's 64-bit ranges only (how libseccomp's `arg > V` over
 * two words comes apart), until no two can be joined.
 */
export function mergeViews(paths: readonly (readonly ArgView[])[]): ArgView[][] {
  const out = paths.map((p) => [...p]);
  for (let merged = true; merged;) {
    merged = false;
    outer: for (let i = 0; i < out.length; i++) {
      for (let j = i + 1; j < out.length; j++) {
        const joined = joinOnOneArg(out[i] as ArgView[], out[j] as ArgView[]);
        if (joined) {
          out[i] = joined;
          out.splice(j, 1);
          merged = true;
          break outer;
        }
      }
    }
  }
  return out;
}

function joinOnOneArg(a: readonly ArgView[], b: readonly ArgView[]): ArgView[] | undefined {
  const differing = ARGS.filter((arg) => viewKey(a[arg] as ArgView) !== viewKey(b[arg] as ArgView));
  if (differing.length === 0) return [...a];
  if (differing.length !== 1) return undefined;
  const arg = differing[0] as number;
  const joined = joinViews(a[arg] as ArgView, b[arg] as ArgView);
  if (!joined) return undefined;
  const out = [...a];
  out[arg] = joined;
  return out;
}

const atomKey = (atoms: readonly MaskAtom[]): string =>
  atoms
    .map((a) => `${a.mask}${a.rel}${a.value}`)
    .sort()
    .join(',');
const setKey = (s: IntervalSet): string => s.map(([a, b]) => `${a}-${b}`).join(',');

function viewOf(hi: WordConstraint, lo: WordConstraint): ArgView {
  const set64 =
    hi.atoms.length === 0 && lo.atoms.length === 0 ? product64(hi.set, lo.set) : undefined;
  return set64 === undefined ? { hi, lo } : { set64, hi, lo };
}

/** `a || b` as one view of the argument, when that has the shape of a view. */
function joinViews(a: ArgView, b: ArgView): ArgView | undefined {
  if (a.set64 && b.set64) return { ...a, set64: union64(a.set64, b.set64) };
  // A joined 64-bit view's word sets are out of date; only other 64-bit views join it.
  if (a.set64 || b.set64) return undefined;
  const sameAtoms =
    atomKey(a.hi.atoms) === atomKey(b.hi.atoms) && atomKey(a.lo.atoms) === atomKey(b.lo.atoms);
  const sameHi = setKey(a.hi.set) === setKey(b.hi.set);
  const sameLo = setKey(a.lo.set) === setKey(b.lo.set);
  if (sameAtoms && sameHi) return viewOf(a.hi, { ...a.lo, set: unionSets(a.lo.set, b.lo.set) });
  if (sameAtoms && sameLo) return viewOf({ ...a.hi, set: unionSets(a.hi.set, b.hi.set) }, a.lo);
  if (!sameHi || !sameLo) return undefined;
  // The same but for one test and its negation: the test does not matter.
  const hi = complementaryAtoms(a.hi.atoms, b.hi.atoms);
  const lo = complementaryAtoms(a.lo.atoms, b.lo.atoms);
  if (hi && atomKey(a.lo.atoms) === atomKey(b.lo.atoms))
    return viewOf({ ...a.hi, atoms: hi }, a.lo);
  if (lo && atomKey(a.hi.atoms) === atomKey(b.hi.atoms))
    return viewOf(a.hi, { ...a.lo, atoms: lo });
  return undefined;
}

/** The atoms both lists share when they differ by exactly one test and its negation. */
function complementaryAtoms(
  a: readonly MaskAtom[],
  b: readonly MaskAtom[],
): MaskAtom[] | undefined {
  const key = (x: MaskAtom): string => `${x.mask}${x.rel}${x.value}`;
  const onlyA = a.filter((x) => !b.some((y) => key(x) === key(y)));
  const onlyB = b.filter((y) => !a.some((x) => key(x) === key(y)));
  const [x] = onlyA;
  const [y] = onlyB;
  if (onlyA.length !== 1 || onlyB.length !== 1 || !x || !y) return undefined;
  if (x.mask !== y.mask || x.value !== y.value || negateRelation(x.rel) !== y.rel) return undefined;
  return a.filter((atom) => atom !== x);
}
