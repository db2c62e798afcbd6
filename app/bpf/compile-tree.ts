import type { Interval } from './compile-verdicts';

/**
 * The syscall-number dispatch of one ABI, with A = nr. `split` is `JGE at` (numbers from `at` up
 * go above); `equal` is `JEQ nr` picking one number out, its leaf, before the rest is decided.
 */
export type DispatchTree =
  | { readonly kind: 'leaf'; readonly leaf: number }
  | {
      readonly kind: 'split';
      readonly at: number;
      readonly below: DispatchTree;
      readonly above: DispatchTree;
    }
  | {
      readonly kind: 'equal';
      readonly nr: number;
      readonly leaf: number;
      readonly otherwise: DispatchTree;
    };

/** A run of intervals decided by a chain of `JEQ`s: the exceptions, then the majority leaf. */
interface ChainPlan {
  readonly cost: number;
  readonly size: number;
  readonly majority: number;
  /** Interval indices, most likely first. */
  readonly exceptions: readonly number[];
}

/** Spans longer than this are not tried as JEQ chains: searches win there (measured on Docker's profile). */
const MAX_CHAIN_SPAN = 7;

/** Above this many intervals the quadratic search gives way to a weight-median split. */
const MAX_OPTIMAL_INTERVALS = 1024;

const SPLIT = 1;
const CHAIN = 2;

class TreePlanner {
  private readonly n: number;
  private readonly prefix: Float64Array;
  private readonly cost: Float64Array;
  private readonly size: Int32Array;
  private readonly root: Int32Array;
  private readonly choice: Uint8Array;
  private readonly epsilon: number;

  constructor(private readonly intervals: readonly Interval[]) {
    const n = intervals.length;
    this.n = n;
    this.prefix = new Float64Array(n + 1);
    intervals.forEach((interval, i) => {
      this.prefix[i + 1] = (this.prefix[i] ?? 0) + interval.weight;
    });
    this.epsilon = (this.prefix[n] ?? 0) * 1e-9;
    this.cost = new Float64Array(n * n);
    this.size = new Int32Array(n * n);
    this.root = new Int32Array(n * n);
    this.choice = new Uint8Array(n * n);
  }

  private weight(i: number, j: number): number {
    return (this.prefix[j + 1] ?? 0) - (this.prefix[i] ?? 0);
  }

  private at(array: Float64Array | Int32Array, i: number, j: number): number {
    return array[i * this.n + j] ?? 0;
  }

  private better(cost: number, size: number, bestCost: number, bestSize: number): boolean {
    return cost < bestCost - this.epsilon || (cost <= bestCost + this.epsilon && size < bestSize);
  }

  /**
   * Optimal alphabetic tree by dynamic programming over interval ranges, minimizing the expected
   * number of dispatch instructions run (ties: fewer instructions). Knuth's bound on the root
   * keeps it quadratic; chains of JEQ are considered for short ranges.
   */
  plan(): DispatchTree {
    const { n } = this;
    for (let i = 0; i < n; i++) this.root[i * n + i] = i;
    for (let length = 2; length <= n; length++) {
      for (let i = 0; i + length <= n; i++) this.planRange(i, i + length - 1, length);
    }
    return this.build(0, n - 1);
  }

  private planRange(i: number, j: number, length: number): void {
    const { n } = this;
    let lo = Math.max(this.at(this.root, i, j - 1), i + 1);
    let hi = Math.min(this.at(this.root, i + 1, j), j);
    if (lo > hi) [lo, hi] = [i + 1, j];
    let bestCost = Number.POSITIVE_INFINITY;
    let bestSize = Number.MAX_SAFE_INTEGER;
    let bestRoot = lo;
    for (let k = lo; k <= hi; k++) {
      const cost = this.at(this.cost, i, k - 1) + this.at(this.cost, k, j);
      const size = this.at(this.size, i, k - 1) + this.at(this.size, k, j) + 1;
      if (this.better(cost, size, bestCost, bestSize)) {
        [bestCost, bestSize, bestRoot] = [cost, size, k];
      }
    }
    const cell = i * n + j;
    this.root[cell] = bestRoot;
    this.cost[cell] = bestCost + this.weight(i, j);
    this.size[cell] = bestSize;
    this.choice[cell] = SPLIT;
    if (length > MAX_CHAIN_SPAN) return;
    const chain = this.chainPlan(i, j);
    if (chain && this.better(chain.cost, chain.size, this.cost[cell] ?? 0, bestSize + 1)) {
      this.cost[cell] = chain.cost;
      this.size[cell] = chain.size;
      this.choice[cell] = CHAIN;
    }
  }

  /** The cheapest JEQ chain for intervals i..j, if every interval but one leaf's is one number. */
  private chainPlan(i: number, j: number): ChainPlan | undefined {
    let best: ChainPlan | undefined;
    // Only single numbers can be picked out by JEQ: every longer interval is the majority's.
    let forced: number | undefined;
    const candidates = new Set<number>();
    for (let k = i; k <= j; k++) {
      const interval = this.interval(k);
      candidates.add(interval.leaf);
      if (interval.end - interval.start === 1) continue;
      if (forced !== undefined && forced !== interval.leaf) return undefined;
      forced = interval.leaf;
    }
    for (const majority of forced === undefined ? candidates : [forced]) {
      const exceptions: number[] = [];
      let majorityWeight = 0;
      let valid = true;
      for (let k = i; k <= j && valid; k++) {
        const interval = this.interval(k);
        if (interval.leaf === majority) majorityWeight += interval.weight;
        else if (interval.end - interval.start === 1) exceptions.push(k);
        else valid = false;
      }
      if (!valid) continue;
      exceptions.sort((a, b) => this.interval(b).weight - this.interval(a).weight || a - b);
      let cost = majorityWeight * exceptions.length;
      exceptions.forEach((k, position) => {
        cost += this.interval(k).weight * (position + 1);
      });
      const plan = { cost, size: exceptions.length, majority, exceptions };
      if (!best || this.better(plan.cost, plan.size, best.cost, best.size)) best = plan;
    }
    return best;
  }

  private interval(k: number): Interval {
    const interval = this.intervals[k];
    if (!interval) throw new Error(`internal: no interval ${k}`);
    return interval;
  }

  private build(i: number, j: number): DispatchTree {
    if (i === j) return { kind: 'leaf', leaf: this.interval(i).leaf };
    const cell = i * this.n + j;
    if (this.choice[cell] === CHAIN) {
      const chain = this.chainPlan(i, j);
      if (chain) return chainTree(this.intervals, chain);
    }
    const k = this.root[cell] ?? j;
    return {
      kind: 'split',
      at: this.interval(k).start,
      below: this.build(i, k - 1),
      above: this.build(k, j),
    };
  }
}

function chainTree(intervals: readonly Interval[], chain: ChainPlan): DispatchTree {
  return chain.exceptions.reduceRight<DispatchTree>(
    (otherwise, k) => {
      const interval = intervals[k];
      if (!interval) throw new Error(`internal: no interval ${k}`);
      return { kind: 'equal', nr: interval.start, leaf: interval.leaf, otherwise };
    },
    { kind: 'leaf', leaf: chain.majority },
  );
}

/** For very many intervals: split where the weight is halved, recursively. */
function medianTree(intervals: readonly Interval[], i: number, j: number): DispatchTree {
  const first = intervals[i];
  if (!first) throw new Error(`internal: no interval ${i}`);
  if (i === j) return { kind: 'leaf', leaf: first.leaf };
  let total = 0;
  for (let k = i; k <= j; k++) total += intervals[k]?.weight ?? 0;
  let k = i + 1;
  let below = first.weight;
  while (k < j && below + (intervals[k]?.weight ?? 0) / 2 < total / 2) {
    below += intervals[k]?.weight ?? 0;
    k++;
  }
  return {
    kind: 'split',
    at: intervals[k]?.start ?? 0,
    below: medianTree(intervals, i, k - 1),
    above: medianTree(intervals, k, j),
  };
}

/** The dispatch for a section's intervals (sorted, contiguous, neighbours with different leaves). */
export function buildDispatchTree(intervals: readonly Interval[]): DispatchTree {
  if (intervals.length === 0) throw new Error('internal: a dispatch over no intervals');
  if (intervals.length > MAX_OPTIMAL_INTERVALS) {
    return medianTree(intervals, 0, intervals.length - 1);
  }
  return new TreePlanner(intervals).plan();
}
