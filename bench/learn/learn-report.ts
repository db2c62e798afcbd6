import type { LearnBenchResult, Ratios, VariantFigures, WorkloadFigures } from './learn-figures';

/** 169665 → "169,665" without depending on the machine's locale. */
export function groupDigits(value: number): string {
  const sign = value < 0 ? '-' : '';
  return sign + String(Math.round(Math.abs(value))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatMs(ms: number): string {
  return `${ms.toFixed(1)} ms`;
}

export function formatRatio(value: number | undefined): string {
  return value === undefined ? '-' : `${value.toFixed(2)}×`;
}

function pad(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
    .join('  ');
}

function variantTable(variants: readonly VariantFigures[]): string[] {
  const header = ['variant', 'median', 'notifications/s', 'runs (ms)'];
  const body = variants.map((v) => [
    v.label,
    formatMs(v.medianMs),
    v.notificationsPerSecond === undefined ? '-' : groupDigits(v.notificationsPerSecond),
    v.runsMs.map((ms) => ms.toFixed(0)).join(' '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  return [pad(header, widths), ...body.map((cells) => pad(cells, widths))].map((l) => `  ${l}`);
}

/** A notification count note when ours and the C reference disagree by more than 1 %. */
function countLine(w: WorkloadFigures): string {
  const { reference, ours } = w.notifications;
  const line = `${groupDigits(reference)} notifications (C reference, median), ours reported ${groupDigits(ours)}`;
  const off = reference > 0 ? Math.abs(ours - reference) / reference : ours > 0 ? 1 : 0;
  return off > 0.01 ? `${line} — counts differ by ${(off * 100).toFixed(1)} %` : line;
}

function ratioLines(w: WorkloadFigures, targets: LearnBenchResult['targets']): string[] {
  if (!w.verdict) {
    const ours = w.variants.find((v) => v.variant === 'ours')?.medianMs ?? 0;
    const reference = w.variants.find((v) => v.variant === 'reference')?.medianMs ?? 0;
    return [
      `  fixed cost of ours (Node start-up, CLI, policy compile, launcher, worker): ` +
        `${formatMs(ours)}, of the C reference: ${formatMs(reference)}`,
    ];
  }
  const lines = [
    `  ours / C reference  ${formatRatio(w.ratios.oursVsReference).padStart(7)}` +
      `  target ≤ ${targets.oursVsReferenceMax}×  ${w.verdict.oursVsReference}`,
    `  strace / ours       ${formatRatio(w.ratios.straceVsOurs).padStart(7)}` +
      `  target ≥ ${targets.straceVsOursMin}×     ${w.verdict.straceVsOurs}`,
  ];
  if (w.ratiosWithoutStartup) lines.push(withoutStartupLine(w.ratiosWithoutStartup));
  return lines;
}

function withoutStartupLine(r: Ratios): string {
  return (
    `  without fixed costs (each variant's /bin/true time subtracted; not judged): ` +
    `ours / C ${formatRatio(r.oursVsReference)}, strace / ours ${formatRatio(r.straceVsOurs)}`
  );
}

function workloadBlock(w: WorkloadFigures, targets: LearnBenchResult['targets']): string[] {
  return [
    `${w.workload} — ${countLine(w)}`,
    ...variantTable(w.variants),
    ...ratioLines(w, targets),
  ];
}

/** The human-readable report of the learn-mode benchmark. */
export function formatLearnReport(result: LearnBenchResult): string {
  return [
    'Learn-mode supervision: ours vs a C reference supervisor (same filter, NEW_LISTENER,',
    `SYNC_WAKE_UP, CONTINUE), strace -f and the bare program. Wall clock, median of ${result.runs}`,
    'runs after one warm-up; target output to /dev/null. Shared cores: expect noise.',
    "strace's rate counts the C reference's notifications as the syscalls it traced.",
    '',
    ...result.workloads.flatMap((w) => [...workloadBlock(w, result.targets), '']),
  ]
    .join('\n')
    .trimEnd();
}

/** The result as JSON (figures rounded to 0.001). */
export function formatLearnJson(result: LearnBenchResult): string {
  return JSON.stringify(
    result,
    (_, v: unknown) => (typeof v === 'number' ? Math.round(v * 1000) / 1000 : v),
    2,
  );
}
