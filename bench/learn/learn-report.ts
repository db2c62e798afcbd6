import type { LearnBenchResult, Ratios, VariantFigures, WorkloadFigures } from './learn-figures';
import { OURS_VARIANTS, VARIANT_LABELS, type OursVariant } from './variants';

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
  const { reference, studio, ours } = w.notifications;
  const line =
    `${groupDigits(reference)} notifications (C reference, median), ` +
    `ours reported ${groupDigits(studio)} (studio), ${groupDigits(ours)} (CLI)`;
  const off = (count: number) =>
    reference > 0 ? Math.abs(count - reference) / reference : count > 0 ? 1 : 0;
  const worst = Math.max(off(studio), off(ours));
  return worst > 0.01 ? `${line} — counts differ by up to ${(worst * 100).toFixed(1)} %` : line;
}

function medianOf(w: WorkloadFigures, variant: string): number {
  return w.variants.find((v) => v.variant === variant)?.medianMs ?? 0;
}

function ratioLines(w: WorkloadFigures, targets: LearnBenchResult['targets']): string[] {
  if (!w.verdict) {
    return [
      `  fixed cost of ours: ${formatMs(medianOf(w, 'studio'))} from the running studio ` +
        `(policy compile, launcher and worker taken warm), ${formatMs(medianOf(w, 'ours'))} ` +
        `from the CLI (Node start-up, CLI bundle, policy compile, launcher, worker); ` +
        `of the C reference: ${formatMs(medianOf(w, 'reference'))}`,
    ];
  }
  const verdict = w.verdict;
  const lines = OURS_VARIANTS.flatMap((variant) => {
    const label = VARIANT_LABELS[variant].padEnd(16);
    return [
      `  ${label} / C reference  ${formatRatio(w.ratios[variant].vsReference).padStart(7)}` +
        `  target ≤ ${targets.oursVsReferenceMax}×  ${verdict[variant].vsReference}`,
      `  strace / ${label}     ${formatRatio(w.ratios[variant].straceVs).padStart(7)}` +
        `  target ≥ ${targets.straceVsOursMin}×     ${verdict[variant].straceVs}`,
    ];
  });
  if (w.ratiosWithoutStartup) lines.push(...withoutStartupLines(w.ratiosWithoutStartup));
  return lines;
}

function withoutStartupLines(r: Readonly<Record<OursVariant, Ratios>>): string[] {
  return [
    `  without fixed costs (each variant's /bin/true time subtracted; not judged):`,
    ...OURS_VARIANTS.map(
      (variant) =>
        `    ${VARIANT_LABELS[variant]} / C ${formatRatio(r[variant].vsReference)}, ` +
        `strace / ${VARIANT_LABELS[variant]} ${formatRatio(r[variant].straceVs)}`,
    ),
  ];
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
    'ours (studio): run.start to the final state in a Node process that stays up (the backend',
    'run path, the run saved to a file); ours (CLI learn): a fresh CLI process, spawn to exit.',
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
