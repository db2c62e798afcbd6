import type { ProgramFigures } from './measure';

/** One compiled program of one policy, measured on the policy's workload. */
export interface Row {
  readonly compiler: string;
  readonly figures: ProgramFigures;
}

export interface PolicyResult {
  readonly policy: string;
  readonly source: string;
  readonly workload: string;
  /** Syscalls of the workload the policy allows (the ones measured). */
  readonly calls: number;
  /** Workload calls on which our program and libseccomp's return different values. */
  readonly disagreements: number;
  readonly rows: readonly Row[];
}

export interface BenchResult {
  readonly policies: readonly PolicyResult[];
  readonly compileMs: { readonly compile: number; readonly importAndCompile: number };
}

const LIBSECCOMP = /^libseccomp/;

/** Ratio of a figure to libseccomp's best (lowest) value for it. */
function ratio(rows: readonly Row[], value: number, pick: (f: ProgramFigures) => number): string {
  const best = Math.min(
    ...rows.filter((r) => LIBSECCOMP.test(r.compiler)).map((r) => pick(r.figures)),
  );
  return best > 0 ? (value / best).toFixed(2) : '-';
}

function pad(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
    .join('  ');
}

function policyTable(result: PolicyResult): string[] {
  const header = [
    'compiler',
    'instructions',
    'mean executed',
    'max executed',
    'length ratio',
    'mean ratio',
  ];
  const body = result.rows.map((row) => [
    row.compiler,
    String(row.figures.instructions),
    row.figures.meanExecuted.toFixed(2),
    String(row.figures.maxExecuted),
    ratio(result.rows, row.figures.instructions, (f) => f.instructions),
    ratio(result.rows, row.figures.meanExecuted, (f) => f.meanExecuted),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  return [
    `${result.policy} — ${result.source}`,
    `  workload: ${result.workload} (${result.calls} allowed syscalls measured)`,
    `  verdicts: ${result.disagreements === 0 ? 'ours and libseccomp agree on every call' : `${result.disagreements} calls DISAGREE`}`,
    `  ${pad(header, widths)}`,
    ...body.map((cells) => `  ${pad(cells, widths)}`),
  ];
}

/** The human-readable report; ratios are against libseccomp's best, lower is better. */
export function formatReport(result: BenchResult): string {
  return [
    "Seccomp filters: ours vs libseccomp 2.5.4 (ratios vs libseccomp's best; lower is better)",
    '',
    ...result.policies.flatMap((p) => [...policyTable(p), '']),
    `Compile Docker's profile (median of 20): compileResolved ${result.compileMs.compile.toFixed(2)} ms; ` +
      `parse JSON + import + compile ${result.compileMs.importAndCompile.toFixed(2)} ms`,
  ].join('\n');
}

/** The result as JSON (figures rounded for reading). */
export function formatJson(result: BenchResult): string {
  return JSON.stringify(
    result,
    (_, v: unknown) => (typeof v === 'number' ? Math.round(v * 1000) / 1000 : v),
    2,
  );
}
