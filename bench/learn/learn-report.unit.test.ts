import { describe, expect, it } from 'vitest';
import { learnBenchResult, type WorkloadMeasurements } from './learn-figures';
import { formatLearnJson, formatLearnReport, formatRatio, groupDigits } from './learn-report';

/** ms: unsupervised, reference, studio, ours (CLI), strace; counts: reference, studio, ours. */
function measured(
  name: string,
  startup: boolean,
  ms: readonly [number, number, number, number, number],
  counts: readonly [number, number, number],
): WorkloadMeasurements {
  return {
    workload: { name, command: ['/bin/x'], startup },
    runsMs: {
      unsupervised: [ms[0]],
      reference: [ms[1]],
      studio: [ms[2]],
      ours: [ms[3]],
      strace: [ms[4]],
    },
    referenceCounts: [counts[0]],
    oursCounts: { studio: counts[1], ours: counts[2] },
  };
}

const result = learnBenchResult(1, [
  measured('startup: /bin/true', true, [1.2, 4.6, 52.5, 385.5, 6.1], [30, 30, 30]),
  measured(
    "find /usr/lib -name '*.so'",
    false,
    [207, 1082, 1300, 3715.4, 7529.5],
    [169666, 169665, 169665],
  ),
  measured('python3', false, [27.2, 35.8, 44, 40, 132.5], [800, 800, 700]),
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
      "find /usr/lib -name '*.so' — 169,666 notifications (C reference, median), ours reported 169,665 (studio), 169,665 (CLI)",
    );
    expect(text).toMatch(/C reference\s+1082\.0 ms\s+156,808\s+1082/);
    expect(text).toMatch(/ours \(studio\)\s+1300\.0 ms\s+130,512\s+1300/);
    expect(text).toMatch(/ours \(CLI learn\)\s+3715\.4 ms\s+45,665\s+3715/);
    expect(text).toMatch(/unsupervised\s+207\.0 ms\s+-\s+207/);
  });

  it('judges the targets for the studio and the CLI with PASS or MISS', () => {
    expect(text).toMatch(/ours \(studio\)\s+\/ C reference\s+1\.20×\s+target ≤ 1\.25×\s+PASS/);
    expect(text).toMatch(/strace \/ ours \(studio\)\s+5\.79×\s+target ≥ 3×\s+PASS/);
    expect(text).toMatch(/ours \(CLI learn\)\s+\/ C reference\s+3\.43×\s+target ≤ 1\.25×\s+MISS/);
    expect(text).toMatch(/strace \/ ours \(CLI learn\)\s+2\.03×\s+target ≥ 3×\s+MISS/);
    expect(text).toMatch(/ours \(CLI learn\)\s+\/ C reference\s+1\.12×\s+target ≤ 1\.25×\s+PASS/);
  });

  it('shows the fixed start-up costs and the ratios without them', () => {
    expect(text).toContain('fixed cost of ours: 52.5 ms from the running studio');
    expect(text).toContain('385.5 ms from the CLI');
    expect(text).toContain('of the C reference: 4.6 ms');
    expect(text).toMatch(/ours \(CLI learn\) \/ C 3\.09×, strace \/ ours \(CLI learn\) 2\.26×/);
    expect(text).toMatch(/ours \(studio\) \/ C 1\.16×, strace \/ ours \(studio\) 6\.03×/);
    expect(text).toMatch(/ours \(CLI learn\) \/ C -, strace \/ ours \(CLI learn\) -/);
  });

  it('flags notification counts that differ by more than 1 %', () => {
    expect(text).toContain(
      '800 notifications (C reference, median), ours reported 800 (studio), 700 (CLI) — counts differ by up to 12.5 %',
    );
    expect(text).not.toMatch(/169,665 \(CLI\) — counts differ/);
  });
});

describe('formatLearnJson', () => {
  it('is the result as JSON with rounded figures', () => {
    const parsed = JSON.parse(formatLearnJson(result)) as typeof result;
    expect(parsed.runs).toBe(1);
    expect(parsed.workloads[1]?.ratios.ours.vsReference).toBe(3.434);
    expect(parsed.workloads[1]?.verdict).toEqual({
      studio: { vsReference: 'PASS', straceVs: 'PASS' },
      ours: { vsReference: 'MISS', straceVs: 'MISS' },
    });
    expect(parsed.workloads[0]?.notifications).toEqual({ reference: 30, studio: 30, ours: 30 });
  });
});
