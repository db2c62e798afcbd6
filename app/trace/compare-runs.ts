import {
  compareSyscallCounts,
  type RunExit,
  type RunSummary,
  type SyscallCount,
} from './run-summary';

/** How one (syscall, verdict, action) differs from run A to run B. */
export type ChangeKind = 'new' | 'removed' | 'more' | 'fewer' | 'same';

export interface SyscallComparison {
  readonly name: string;
  readonly verdict: SyscallCount['verdict'];
  readonly action: string;
  readonly a: number;
  readonly b: number;
  readonly kind: ChangeKind;
}

/** A syscall whose verdicts differ between the runs, e.g. denied in A, gone (allowed) in B. */
export interface VerdictChange {
  readonly name: string;
  readonly a: readonly string[];
  readonly b: readonly string[];
}

export interface RunTotals {
  readonly events: number;
  readonly processes: number;
  readonly duration: number;
  readonly errors: number;
  readonly denials: number;
}

export interface RunComparison {
  /** Every (syscall, verdict, action) of either run, by name. */
  readonly rows: readonly SyscallComparison[];
  /** Rows that are not `same`. */
  readonly changes: number;
  /** Syscall names (any verdict) only B has, and only A has. */
  readonly addedNames: readonly string[];
  readonly removedNames: readonly string[];
  readonly verdictChanges: readonly VerdictChange[];
  readonly exit: {
    readonly a: RunExit | null;
    readonly b: RunExit | null;
    readonly changed: boolean;
  };
  readonly totals: { readonly a: RunTotals; readonly b: RunTotals };
}

/** What changed from run A to run B: syscalls, their verdicts and counts, the exit. */
export function compareRuns(a: RunSummary, b: RunSummary): RunComparison {
  const rows = mergeRows(a.syscalls, b.syscalls);
  const namesA = new Set(a.syscalls.map((s) => s.name));
  const namesB = new Set(b.syscalls.map((s) => s.name));
  return {
    rows,
    changes: rows.filter((row) => row.kind !== 'same').length,
    addedNames: [...namesB].filter((name) => !namesA.has(name)).sort(),
    removedNames: [...namesA].filter((name) => !namesB.has(name)).sort(),
    verdictChanges: verdictChanges(a.syscalls, b.syscalls),
    exit: { a: a.targetExit, b: b.targetExit, changed: !sameExit(a.targetExit, b.targetExit) },
    totals: { a: totals(a), b: totals(b) },
  };
}

/** `denied (errno EACCES)`, `not allowed yet`: one verdict as the comparison shows it. */
export function describeVerdict(count: Pick<SyscallCount, 'verdict' | 'action'>): string {
  if (count.verdict === 'denied') return `denied (${count.action || 'unknown action'})`;
  return 'not allowed yet';
}

export function describeExit(exit: RunExit | null): string {
  if (!exit) return 'no exit seen';
  return exit.signal !== null ? `killed by ${exit.signal}` : `exit status ${exit.code ?? '?'}`;
}

function mergeRows(a: readonly SyscallCount[], b: readonly SyscallCount[]): SyscallComparison[] {
  const byKey = new Map<string, { count: SyscallCount; a: number; b: number }>();
  for (const [side, counts] of [
    ['a', a],
    ['b', b],
  ] as const) {
    for (const count of counts) {
      const key = `${count.name}\u0000${count.verdict}\u0000${count.action}`;
      const entry = byKey.get(key) ?? { count, a: 0, b: 0 };
      entry[side] += count.count;
      byKey.set(key, entry);
    }
  }
  return [...byKey.values()]
    .sort((x, y) => compareSyscallCounts(x.count, y.count))
    .map(({ count, a: countA, b: countB }) => ({
      name: count.name,
      verdict: count.verdict,
      action: count.action,
      a: countA,
      b: countB,
      kind: changeKind(countA, countB),
    }));
}

function changeKind(a: number, b: number): ChangeKind {
  if (a === 0) return 'new';
  if (b === 0) return 'removed';
  if (b > a) return 'more';
  if (b < a) return 'fewer';
  return 'same';
}

function verdictChanges(a: readonly SyscallCount[], b: readonly SyscallCount[]): VerdictChange[] {
  const verdicts = (counts: readonly SyscallCount[]) => {
    const byName = new Map<string, Set<string>>();
    for (const count of counts) {
      const set = byName.get(count.name) ?? new Set<string>();
      set.add(describeVerdict(count));
      byName.set(count.name, set);
    }
    return byName;
  };
  const inA = verdicts(a);
  const inB = verdicts(b);
  const names = [...new Set([...inA.keys(), ...inB.keys()])].sort();
  const changes: VerdictChange[] = [];
  for (const name of names) {
    const va = [...(inA.get(name) ?? [])].sort();
    const vb = [...(inB.get(name) ?? [])].sort();
    if (va.join('\u0000') !== vb.join('\u0000')) changes.push({ name, a: va, b: vb });
  }
  return changes;
}

function sameExit(a: RunExit | null, b: RunExit | null): boolean {
  if (!a || !b) return a === b;
  return a.code === b.code && a.signal === b.signal;
}

function totals(summary: RunSummary): RunTotals {
  return {
    events: summary.events,
    processes: summary.processes,
    duration: summary.duration,
    errors: summary.errors,
    denials: summary.syscalls
      .filter((s) => s.verdict === 'denied')
      .reduce((sum, s) => sum + s.count, 0),
  };
}
