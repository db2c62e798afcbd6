import { median, perSecond, ratio } from './stats';
import { VARIANT_LABELS, VARIANTS, type VariantName } from './variants';
import type { Workload } from './workloads';

/** The targets: ours at most 1.25× the C reference, strace at least 3× slower than ours. */
export const TARGETS = { oursVsReferenceMax: 1.25, straceVsOursMin: 3 } as const;

/** What one workload's runs measured. */
export interface WorkloadMeasurements {
  readonly workload: Workload;
  readonly runsMs: Readonly<Record<VariantName, readonly number[]>>;
  /** Notifications the C reference counted, one per timed run. */
  readonly referenceCounts: readonly number[];
  /** `syscall` events ours printed in its `--json` run. */
  readonly oursCount: number;
}

export interface VariantFigures {
  readonly variant: VariantName;
  readonly label: string;
  readonly medianMs: number;
  readonly runsMs: readonly number[];
  /** Notifications (traced syscalls for strace) per second; none for the unsupervised run. */
  readonly notificationsPerSecond?: number;
}

export interface Ratios {
  /** Ours' time / the C reference's time (target ≤ 1.25). */
  readonly oursVsReference?: number;
  /** strace's time / ours' time (target ≥ 3). */
  readonly straceVsOurs?: number;
}

export interface WorkloadFigures {
  readonly workload: string;
  readonly command: readonly string[];
  readonly startup: boolean;
  readonly notifications: { readonly reference: number; readonly ours: number };
  readonly variants: readonly VariantFigures[];
  readonly ratios: Ratios;
  /** The same ratios after subtracting each variant's time on /bin/true (its fixed cost). */
  readonly ratiosWithoutStartup?: Ratios;
  readonly verdict?: { readonly oursVsReference: Verdict; readonly straceVsOurs: Verdict };
}

export type Verdict = 'PASS' | 'MISS' | 'n/a';

export interface LearnBenchResult {
  readonly runs: number;
  readonly targets: typeof TARGETS;
  readonly workloads: readonly WorkloadFigures[];
}

type Medians = Readonly<Record<VariantName, number>>;

function mediansOf(runsMs: WorkloadMeasurements['runsMs']): Medians {
  return {
    unsupervised: median(runsMs.unsupervised),
    reference: median(runsMs.reference),
    ours: median(runsMs.ours),
    strace: median(runsMs.strace),
  };
}

function ratiosOf(ms: Medians): Ratios {
  return withoutUndefined({
    oursVsReference: ratio(ms.ours, ms.reference),
    straceVsOurs: ratio(ms.strace, ms.ours),
  });
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function minus(ms: Medians, startup: Medians): Medians {
  return {
    unsupervised: ms.unsupervised - startup.unsupervised,
    reference: ms.reference - startup.reference,
    ours: ms.ours - startup.ours,
    strace: ms.strace - startup.strace,
  };
}

export function verdictAtMost(value: number | undefined, limit: number): Verdict {
  return value === undefined ? 'n/a' : value <= limit ? 'PASS' : 'MISS';
}

export function verdictAtLeast(value: number | undefined, limit: number): Verdict {
  return value === undefined ? 'n/a' : value >= limit ? 'PASS' : 'MISS';
}

function variantFigures(
  m: WorkloadMeasurements,
  ms: Medians,
  referenceCount: number,
): VariantFigures[] {
  const countFor: Readonly<Record<VariantName, number | undefined>> = {
    unsupervised: undefined,
    reference: referenceCount,
    ours: m.oursCount,
    strace: referenceCount,
  };
  return VARIANTS.map((variant) => {
    const count = countFor[variant];
    const rate = count === undefined ? undefined : perSecond(count, ms[variant]);
    return {
      variant,
      label: VARIANT_LABELS[variant],
      medianMs: ms[variant],
      runsMs: m.runsMs[variant],
      ...(rate !== undefined ? { notificationsPerSecond: rate } : {}),
    };
  });
}

/**
 * Medians, rates and ratios of one workload. `startup` (the /bin/true workload's measurements)
 * gives the ratios without fixed costs; targets are judged on the plain ratios.
 */
export function workloadFigures(
  m: WorkloadMeasurements,
  startup?: WorkloadMeasurements,
): WorkloadFigures {
  const ms = mediansOf(m.runsMs);
  const referenceCount = Math.round(median(m.referenceCounts));
  const ratios = ratiosOf(ms);
  const base = {
    workload: m.workload.name,
    command: m.workload.command,
    startup: m.workload.startup,
    notifications: { reference: referenceCount, ours: m.oursCount },
    variants: variantFigures(m, ms, referenceCount),
    ratios,
  };
  if (m.workload.startup) return base;
  return {
    ...base,
    ...(startup ? { ratiosWithoutStartup: ratiosOf(minus(ms, mediansOf(startup.runsMs))) } : {}),
    verdict: {
      oursVsReference: verdictAtMost(ratios.oursVsReference, TARGETS.oursVsReferenceMax),
      straceVsOurs: verdictAtLeast(ratios.straceVsOurs, TARGETS.straceVsOursMin),
    },
  };
}

/** Figures of every workload; the start-up workload (if measured) serves the others. */
export function learnBenchResult(
  runs: number,
  measurements: readonly WorkloadMeasurements[],
): LearnBenchResult {
  const startup = measurements.find((m) => m.workload.startup);
  return {
    runs,
    targets: TARGETS,
    workloads: measurements.map((m) => workloadFigures(m, startup)),
  };
}
