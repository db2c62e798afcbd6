import { describe, expect, it } from 'vitest';
import {
  learnBenchResult,
  TARGETS,
  verdictAtLeast,
  verdictAtMost,
  workloadFigures,
  type WorkloadMeasurements,
} from './learn-figures';
import type { Workload } from './workloads';

const find: Workload = { name: 'find', command: ['/usr/bin/find'], startup: false };
const startup: Workload = { name: 'startup', command: ['/bin/true'], startup: true };

function measured(
  workload: Workload,
  ms: { unsupervised: number; reference: number; ours: number; strace: number },
  counts: { reference: readonly number[]; ours: number },
): WorkloadMeasurements {
  return {
    workload,
    runsMs: {
      unsupervised: [ms.unsupervised],
      reference: [ms.reference + 50, ms.reference, ms.reference - 10],
      ours: [ms.ours],
      strace: [ms.strace],
    },
    referenceCounts: counts.reference,
    oursCount: counts.ours,
  };
}

describe('workloadFigures', () => {
  const findRuns = measured(
    find,
    { unsupervised: 200, reference: 1000, ours: 1200, strace: 4000 },
    { reference: [1000, 1002, 1001], ours: 1001 },
  );

  it('takes medians, rates from each counter and the two judged ratios', () => {
    const figures = workloadFigures(findRuns);
    expect(figures.notifications).toEqual({ reference: 1001, ours: 1001 });
    expect(figures.variants.map((v) => [v.variant, v.medianMs, v.notificationsPerSecond])).toEqual([
      ['unsupervised', 200, undefined],
      ['reference', 1000, 1001],
      ['ours', 1200, (1001 * 1000) / 1200],
      ['strace', 4000, (1001 * 1000) / 4000],
    ]);
    expect(figures.ratios).toEqual({ oursVsReference: 1.2, straceVsOurs: 4000 / 1200 });
    expect(figures.verdict).toEqual({ oursVsReference: 'PASS', straceVsOurs: 'PASS' });
  });

  it('misses the targets when ours is slow', () => {
    const slow = measured(
      find,
      { unsupervised: 200, reference: 1000, ours: 2400, strace: 3450 },
      { reference: [10], ours: 10 },
    );
    expect(workloadFigures(slow).verdict).toEqual({
      oursVsReference: 'MISS',
      straceVsOurs: 'MISS',
    });
  });

  it('subtracts each variant’s start-up time for the unjudged ratios', () => {
    const fixed = measured(
      startup,
      { unsupervised: 1, reference: 5, ours: 300, strace: 6 },
      { reference: [30], ours: 30 },
    );
    expect(workloadFigures(findRuns, fixed).ratiosWithoutStartup).toEqual({
      oursVsReference: 900 / 995,
      straceVsOurs: 3994 / 900,
    });
  });

  it('leaves out ratios that a noisy subtraction makes negative', () => {
    const fixed = measured(
      startup,
      { unsupervised: 1, reference: 5, ours: 1300, strace: 6 },
      { reference: [30], ours: 30 },
    );
    expect(workloadFigures(findRuns, fixed).ratiosWithoutStartup).toEqual({});
  });

  it('does not judge the start-up workload', () => {
    const fixed = measured(
      startup,
      { unsupervised: 1, reference: 5, ours: 300, strace: 6 },
      { reference: [30], ours: 30 },
    );
    const figures = workloadFigures(fixed, fixed);
    expect(figures.verdict).toBeUndefined();
    expect(figures.ratiosWithoutStartup).toBeUndefined();
  });
});

describe('verdicts', () => {
  it('judge at the limits inclusively', () => {
    expect(verdictAtMost(TARGETS.oursVsReferenceMax, TARGETS.oursVsReferenceMax)).toBe('PASS');
    expect(verdictAtMost(1.26, 1.25)).toBe('MISS');
    expect(verdictAtLeast(3, TARGETS.straceVsOursMin)).toBe('PASS');
    expect(verdictAtLeast(2.99, 3)).toBe('MISS');
    expect(verdictAtMost(undefined, 1)).toBe('n/a');
    expect(verdictAtLeast(undefined, 1)).toBe('n/a');
  });
});

describe('learnBenchResult', () => {
  it('uses the start-up workload for every other workload', () => {
    const result = learnBenchResult(3, [
      measured(
        startup,
        { unsupervised: 1, reference: 5, ours: 300, strace: 6 },
        { reference: [30], ours: 30 },
      ),
      measured(
        find,
        { unsupervised: 200, reference: 1000, ours: 1200, strace: 4000 },
        { reference: [9], ours: 9 },
      ),
    ]);
    expect(result.runs).toBe(3);
    expect(result.targets).toEqual({ oursVsReferenceMax: 1.25, straceVsOursMin: 3 });
    expect(result.workloads[0]?.verdict).toBeUndefined();
    expect(result.workloads[1]?.ratiosWithoutStartup?.oursVsReference).toBeCloseTo(900 / 995);
  });
});
