import { median, perSecond, ratio } from './stats';
import {
  OURS_VARIANTS,
  VARIANT_LABELS,
  VARIANTS,
  type OursVariant,
  type VariantName,
} from './variants';
import type { Workload } from './workloads';

/** The targets: ours at most 1.25× the C reference, strace at least 3× slower than ours. */
export const TARGETS = { oursVsReferenceMax: 1.25, straceVsOursMin: 3 } as const;

/** What one workload's runs measured. */
export interface WorkloadMeasurements {
  readonly workload: Workload;
  readonly runsMs: Readonly<Record<VariantName, readonly number[]>>;
  /** Notifications the C reference counted, one per timed run. */
  readonly referenceCounts: readonly number[];
  /** `syscall` events each of ours reported (the CLI in its `--json` run, the studio per run). */
  readonly oursCounts: Readonly<Record<OursVariant, number>>;
}

export interface VariantFigures {
  readonly variant: VariantName;
  readonly label: string;
  readonly medianMs: number;
  readonly runsMs: readonly number[];
  /** Notifications (traced syscalls for strace) per second; none for the unsupervised run. */
  readonly notificationsPerSecond?: number;
}

/** One of our variants against the others. */
export interface Ratios {
  /** Its time / the C reference's time (target ≤ 1.25). */
  readonly vsReference?: number;
  /** strace's time / its time (target ≥ 3). */
  readonly straceVs?: number;
}

export interface Verdicts {
  readonly vsReference: Verdict;
  readonly straceVs: Verdict;
}

export interface WorkloadFigures {
  readonly workload: string;
  readonly command: readonly string[];
  readonly startup: boolean;
  readonly notifications: { readonly reference: number } & Readonly<Record<OursVariant, number>>;
  readonly variants: readonly VariantFigures[];
  readonly ratios: Readonly<Record<OursVariant, Ratios>>;
  /** The same ratios after subtracting each variant's time on /bin/true (its fixed cost). */
  readonly ratiosWithoutStartup?: Readonly<Record<OursVariant, Ratios>>;
  readonly verdict?: Readonly<Record<OursVariant, Verdicts>>;
}

export type Verdict = 'PASS' | 'MISS' | 'n/a';

export interface LearnBenchResult {
  readonly runs: number;
  readonly targets: typeof TARGETS;
  readonly workloads: readonly WorkloadFigures[];
}

type Medians = Readonly<Record<VariantName, number>>;

function mapVariants<T>(f: (variant: VariantName) => T): Record<VariantName, T> {
  return Object.fromEntries(VARIANTS.map((v) => [v, f(v)])) as Record<VariantName, T>;
}

function mapOurs<T>(f: (variant: OursVariant) => T): Record<OursVariant, T> {
  return Object.fromEntries(OURS_VARIANTS.map((v) => [v, f(v)])) as Record<OursVariant, T>;
}

function mediansOf(runsMs: WorkloadMeasurements['runsMs']): Medians {
  return mapVariants((variant) => median(runsMs[variant]));
}

function ratiosOf(ms: Medians): Record<OursVariant, Ratios> {
  return mapOurs((variant) =>
    withoutUndefined({
      vsReference: ratio(ms[variant], ms.reference),
      straceVs: ratio(ms.strace, ms[variant]),
    }),
  );
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function minus(ms: Medians, startup: Medians): Medians {
  return mapVariants((variant) => ms[variant] - startup[variant]);
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
    studio: m.oursCounts.studio,
    ours: m.oursCounts.ours,
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
    notifications: { reference: referenceCount, ...m.oursCounts },
    variants: variantFigures(m, ms, referenceCount),
    ratios,
  };
  if (m.workload.startup) return base;
  return {
    ...base,
    ...(startup ? { ratiosWithoutStartup: ratiosOf(minus(ms, mediansOf(startup.runsMs))) } : {}),
    verdict: mapOurs((variant) => ({
      vsReference: verdictAtMost(ratios[variant].vsReference, TARGETS.oursVsReferenceMax),
      straceVs: verdictAtLeast(ratios[variant].straceVs, TARGETS.straceVsOursMin),
    })),
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
