import { describe, expect, it } from 'vitest';
import { learnBenchResult, type WorkloadMeasurements } from './learn-figures';
import { formatLearnJson, formatLearnReport, formatRatio, groupDigits } from './learn-report';

function measured(
  name: string,
  startup: boolean,
  ms: readonly [number, number, number, number],
  counts: readonly [number, number],
): WorkloadMeasurements {
  return {
    workload: { name, command: ['/bin/x'], startup },
    runsMs: { unsupervised: [ms[0]], reference: [ms[1]], ours: [ms[2]], strace: [ms[3]] },
    referenceCounts: [counts[0]],
    oursCount: counts[1],
  };
}

const result = learnBenchResult(1, [
  measured('startup: /bin/true', true, [1.2, 4.6, 385.5, 6.1], [30, 30]),
  measured("find /usr/lib -name '*.so'", false, [207, 1082, 3715.4, 7529.5], [169666, 169665]),
  measured('python3', false, [27.2, 35.8, 40, 132.5], [800, 700]),
]);

describe('groupDigits and formatRatio', () => {
  it('group thousands without the locale and round', () => {
    expect(groupDigits(169665)).toBe('169,665');
    expect(groupDigits(1234567.6)).toBe('1,234,568');
    expect(groupDigits(999)).toBe('999');
    expect(groupDigits(-1000)).toBe('-1,000');
  });

  it('prints ratios with two decimals', () => {
    expect(formatRatio(3.4321)).toBe('3.43×');
    expect(formatRatio(undefined)).toBe('-');
  });
});

describe('formatLearnReport', () => {
  const text = formatLearnReport(result);

  it('prints every variant of every workload with its median and rate', () => {
    expect(text).toContain(
      "find /usr/lib -name '*.so' — 169,666 notifications (C reference, median), ours reported 169,665",
    );
    expect(text).toMatch(/C reference\s+1082\.0 ms\s+156,808\s+1082/);
    expect(text).toMatch(/ours \(CLI learn\)\s+3715\.4 ms\s+45,665\s+3715/);
    expect(text).toMatch(/unsupervised\s+207\.0 ms\s+-\s+207/);
  });

  it('judges the targets with PASS or MISS', () => {
    expect(text).toMatch(/ours \/ C reference\s+3\.43×\s+target ≤ 1\.25×\s+MISS/);
    expect(text).toMatch(/strace \/ ours\s+2\.03×\s+target ≥ 3×\s+MISS/);
    expect(text).toMatch(/ours \/ C reference\s+1\.12×\s+target ≤ 1\.25×\s+PASS/);
    expect(text).toMatch(/strace \/ ours\s+3\.31×\s+target ≥ 3×\s+PASS/);
  });

  it('shows the fixed start-up cost and the ratios without it', () => {
    expect(text).toContain(
      'fixed cost of ours (Node start-up, CLI, policy compile, launcher, worker): 385.5 ms, of the C reference: 4.6 ms',
    );
    expect(text).toMatch(/without fixed costs .*ours \/ C 3\.09×, strace \/ ours 2\.26×/);
    expect(text).toMatch(/without fixed costs .*ours \/ C -, strace \/ ours -/);
  });

  it('flags notification counts that differ by more than 1 %', () => {
    expect(text).toContain(
      '800 notifications (C reference, median), ours reported 700 — counts differ by 12.5 %',
    );
    expect(text).not.toMatch(/169,665 — counts differ/);
  });
});

describe('formatLearnJson', () => {
  it('is the result as JSON with rounded figures', () => {
    const parsed = JSON.parse(formatLearnJson(result)) as typeof result;
    expect(parsed.runs).toBe(1);
    expect(parsed.workloads[1]?.ratios.oursVsReference).toBe(3.434);
    expect(parsed.workloads[1]?.verdict).toEqual({ oursVsReference: 'MISS', straceVsOurs: 'MISS' });
    expect(parsed.workloads[0]?.notifications).toEqual({ reference: 30, ours: 30 });
  });
});
