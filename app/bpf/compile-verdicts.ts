import type { ArgCondition, ResolvedRule } from '../policy/resolved';
import { actionReturnValue } from './actions';
import { factorSharedHighWords } from './compile-factor';
import { conditionKey, normalizeCondition } from './compile-normalize';

/** "If the condition holds, return `ret`": one rule of a syscall that depends on arguments. */
export interface GuardedReturn {
  readonly condition: ArgCondition;
  readonly ret: number;
}

/**
 * What the filter returns for one syscall number: a constant, or argument checks tried in order
 * (first that holds returns its value) and a fallback.
 */
export type Verdict =
  | { readonly kind: 'ret'; readonly ret: number }
  | {
      readonly kind: 'checks';
      readonly checks: readonly GuardedReturn[];
      readonly fallback: number;
    };

/**
 * The verdict of one syscall's rules (file order) over the default: rules whose condition never
 * holds vanish, a rule whose condition always holds ends the list, neighbouring rules with the
 * same action merge, and trailing rules returning what the fallback returns anyway are dropped.
 * Argument-free syscalls thus become constants.
 */
export function verdictOf(rules: readonly ResolvedRule[], defaultRet: number): Verdict {
  const checks: GuardedReturn[] = [];
  let fallback = defaultRet >>> 0;
  for (const rule of rules) {
    let condition = normalizeCondition(rule.condition);
    const ret = actionReturnValue(rule.action);
    const last = checks.at(-1);
    if (condition.kind !== 'false' && last?.ret === ret) {
      // Neighbouring rules with one action act as one rule whose condition is either's.
      checks.pop();
      condition = normalizeCondition({ kind: 'or', items: [last.condition, condition] });
    }
    if (condition.kind === 'false') continue;
    if (condition.kind === 'true') {
      fallback = ret;
      break;
    }
    checks.push({ condition, ret });
  }
  while (checks.length > 0 && checks.at(-1)?.ret === fallback) checks.pop();
  if (checks.length === 0) return { kind: 'ret', ret: fallback };
  const factored = checks.map((c) => ({ ...c, condition: factorSharedHighWords(c.condition) }));
  return { kind: 'checks', checks: factored, fallback };
}

/** Equal keys mean equal code, so one copy serves every syscall (of every arch) with that key. */
export function verdictKey(verdict: Verdict): string {
  if (verdict.kind === 'ret') return `ret ${verdict.ret}`;
  const checks = verdict.checks.map((c) => `${conditionKey(c.condition)}→${c.ret}`);
  return `checks ${checks.join(';')} else ${verdict.fallback}`;
}

/** A run of syscall numbers [start, end) with one verdict (an index into the section's leaves). */
export interface Interval {
  readonly start: number;
  readonly end: number;
  readonly leaf: number;
  /** How likely a syscall lands here, relative to the other intervals of the section. */
  readonly weight: number;
}

/** The distinct verdicts of one arch section, each with the rules behind it. */
export class LeafTable {
  readonly leaves: Verdict[] = [];
  readonly keys: string[] = [];
  readonly origins: ResolvedRule[][] = [];
  private readonly byKey = new Map<string, number>();

  leafOf(verdict: Verdict, rulesBehind: readonly ResolvedRule[] = []): number {
    const key = verdictKey(verdict);
    const known = this.byKey.get(key);
    if (known !== undefined) {
      this.origins[known]?.push(...rulesBehind);
      return known;
    }
    this.leaves.push(verdict);
    this.keys.push(key);
    this.origins.push([...rulesBehind]);
    this.byKey.set(key, this.leaves.length - 1);
    return this.leaves.length - 1;
  }
}

/** Appends [start, end) with `leaf`, merging with the last interval when that has the same leaf. */
function pushInterval(intervals: Interval[], start: number, end: number, leaf: number): void {
  const last = intervals.at(-1);
  if (last && last.leaf === leaf && last.end === start) {
    intervals[intervals.length - 1] = { ...last, end };
  } else intervals.push({ start, end, leaf, weight: 1 });
}

/**
 * Appends the verdicts for the syscall numbers [from, to) of one ABI: every number the rules name
 * gets its verdict, the rest the default; neighbours with the same verdict form one interval.
 * Rules for numbers outside [from, to) belong to no syscall of this ABI and are left out.
 */
export function abiIntervals(
  intervals: Interval[],
  leaves: LeafTable,
  range: { readonly from: number; readonly to: number },
  rules: readonly ResolvedRule[],
  defaultRet: number,
): void {
  const { from, to } = range;
  const byNumber = new Map<number, ResolvedRule[]>();
  for (const rule of rules) {
    const nr = rule.nr >>> 0;
    if (nr < from || nr >= to) continue;
    const list = byNumber.get(nr) ?? [];
    list.push(rule);
    byNumber.set(nr, list);
  }
  const defaultLeaf = leaves.leafOf({ kind: 'ret', ret: defaultRet >>> 0 });
  let cursor = from;
  for (const nr of [...byNumber.keys()].sort((a, b) => a - b)) {
    if (nr > cursor) pushInterval(intervals, cursor, nr, defaultLeaf);
    const list = byNumber.get(nr) ?? [];
    pushInterval(intervals, nr, nr + 1, leaves.leafOf(verdictOf(list, defaultRet), list));
    cursor = nr + 1;
  }
  if (cursor < to) pushInterval(intervals, cursor, to, defaultLeaf);
}

/** Appends [from, to) as one interval returning `ret` (an ABI the policy does not list). */
export function constantInterval(
  intervals: Interval[],
  leaves: LeafTable,
  range: { readonly from: number; readonly to: number },
  ret: number,
): void {
  pushInterval(intervals, range.from, range.to, leaves.leafOf({ kind: 'ret', ret: ret >>> 0 }));
}

/** Part of the total weight spread evenly over all intervals, seen or not. */
const SMOOTHING_SHARE = 0.05;

/**
 * Interval weights from per-number counts: an interval weighs the counts of its numbers, plus an
 * even share of a small smoothing mass so that numbers never seen still get a bounded depth.
 */
export function weighIntervals(
  intervals: readonly Interval[],
  counts: ReadonlyMap<number, number>,
): Interval[] {
  const sums = intervals.map(() => 0);
  for (const [nr, count] of counts) {
    if (!Number.isFinite(count) || count <= 0) continue;
    const i = findInterval(intervals, nr >>> 0);
    if (i >= 0) sums[i] = (sums[i] ?? 0) + count;
  }
  const total = sums.reduce((a, b) => a + b, 0);
  if (total === 0) return [...intervals];
  const smoothing = (total * SMOOTHING_SHARE) / intervals.length;
  return intervals.map((interval, i) => ({ ...interval, weight: (sums[i] ?? 0) + smoothing }));
}

function findInterval(intervals: readonly Interval[], nr: number): number {
  let lo = 0;
  let hi = intervals.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const interval = intervals[mid];
    if (!interval) return -1;
    if (nr < interval.start) hi = mid - 1;
    else if (nr >= interval.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}
