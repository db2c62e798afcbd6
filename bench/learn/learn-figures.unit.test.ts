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
  ms: { unsupervised: number; reference: number; studio: number; ours: number; strace: number },
  counts: { reference: readonly number[]; studio: number; ours: number },
): WorkloadMeasurements {
  return {
    workload,
    runsMs: {
      unsupervised: [ms.unsupervised],
      reference: [ms.reference + 50, ms.reference, ms.reference - 10],
      studio: [ms.studio, ms.studio + 1, ms.studio - 1],
      ours: [ms.ours],
      strace: [ms.strace],
    },
    referenceCounts: counts.reference,
    oursCounts: { studio: counts.studio, ours: counts.ours },
  };
}

describe('workloadFigures', () => {
  const findRuns = measured(
    find,
    { unsupervised: 200, reference: 1000, studio: 1100, ours: 1400, strace: 4000 },
    { reference: [1000, 1002, 1001], studio: 1001, ours: 1001 },
  );

  it('takes medians, rates from each counter and the judged ratios of both of ours', () => {
    const figures = workloadFigures(findRuns);
    expect(figures.notifications).toEqual({ reference: 1001, studio: 1001, ours: 1001 });
    expect(figures.variants.map((v) => [v.variant, v.medianMs, v.notificationsPerSecond])).toEqual([
      ['unsupervised', 200, undefined],
      ['reference', 1000, 1001],
      ['studio', 1100, (1001 * 1000) / 1100],
      ['ours', 1400, (1001 * 1000) / 1400],
      ['strace', 4000, (1001 * 1000) / 4000],
    ]);
    expect(figures.ratios).toEqual({
      studio: { vsReference: 1.1, straceVs: 4000 / 1100 },
      ours: { vsReference: 1.4, straceVs: 4000 / 1400 },
    });
    expect(figures.verdict).toEqual({
      studio: { vsReference: 'PASS', straceVs: 'PASS' },
      ours: { vsReference: 'MISS', straceVs: 'MISS' },
    });
  });

  it('misses the targets when ours is slow', () => {
    const slow = measured(
      find,
      { unsupervised: 200, reference: 1000, studio: 2400, ours: 2400, strace: 3450 },
      { reference: [10], studio: 10, ours: 10 },
    );
    expect(workloadFigures(slow).verdict?.studio).toEqual({
      vsReference: 'MISS',
      straceVs: 'MISS',
    });
  });

  it('subtracts each variant’s start-up time for the unjudged ratios', () => {
    const fixed = measured(
      startup,
      { unsupervised: 1, reference: 5, studio: 50, ours: 300, strace: 6 },
      { reference: [30], studio: 30, ours: 30 },
    );
    expect(workloadFigures(findRuns, fixed).ratiosWithoutStartup).toEqual({
      studio: { vsReference: 1050 / 995, straceVs: 3994 / 1050 },
      ours: { vsReference: 1100 / 995, straceVs: 3994 / 1100 },
    });
  });

  it('leaves out ratios that a noisy subtraction makes negative', () => {
    const fixed = measured(
      startup,
      { unsupervised: 1, reference: 5, studio: 1200, ours: 1500, strace: 6 },
      { reference: [30], studio: 30, ours: 30 },
    );
    expect(workloadFigures(findRuns, fixed).ratiosWithoutStartup).toEqual({
      studio: {},
      ours: {},
    });
  });

  it('does not judge the start-up workload', () => {
    const fixed = measured(
      startup,
      { unsupervised: 1, reference: 5, studio: 50, ours: 300, strace: 6 },
      { reference: [30], studio: 30, ours: 30 },
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
        { unsupervised: 1, reference: 5, studio: 50, ours: 300, strace: 6 },
        { reference: [30], studio: 30, ours: 30 },
      ),
      measured(
        find,
        { unsupervised: 200, reference: 1000, studio: 1100, ours: 1200, strace: 4000 },
        { reference: [9], studio: 9, ours: 9 },
      ),
    ]);
    expect(result.runs).toBe(3);
    expect(result.targets).toEqual({ oursVsReferenceMax: 1.25, straceVsOursMin: 3 });
    expect(result.workloads[0]?.verdict).toBeUndefined();
    expect(result.workloads[1]?.ratiosWithoutStartup?.ours.vsReference).toBeCloseTo(900 / 995);
    expect(result.workloads[1]?.ratiosWithoutStartup?.studio.vsReference).toBeCloseTo(1050 / 995);
  });
});
