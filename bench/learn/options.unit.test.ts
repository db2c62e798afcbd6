import { describe, expect, it } from 'vitest';
import { DEFAULT_RUNS, parseLearnBenchArgs } from './options';

describe('parseLearnBenchArgs', () => {
  it('defaults to the table and DEFAULT_RUNS runs', () => {
    expect(parseLearnBenchArgs([])).toEqual({ runs: DEFAULT_RUNS, json: false });
  });

  it('reads --runs N, --runs=N and --json, ignoring the other benchmark options', () => {
    expect(parseLearnBenchArgs(['--only', 'learn', '--runs', '3'])).toEqual({
      runs: 3,
      json: false,
    });
    expect(parseLearnBenchArgs(['--runs=7', '--json'])).toEqual({ runs: 7, json: true });
  });

  it('the last --runs wins', () => {
    expect(parseLearnBenchArgs(['--runs', '3', '--runs=9']).runs).toBe(9);
  });

  it('rejects a missing, non-numeric or out-of-range count', () => {
    expect(() => parseLearnBenchArgs(['--runs'])).toThrow(/got nothing/);
    expect(() => parseLearnBenchArgs(['--runs', 'many'])).toThrow(/whole number.*many/);
    expect(() => parseLearnBenchArgs(['--runs=-1'])).toThrow(/whole number/);
    expect(() => parseLearnBenchArgs(['--runs=2.5'])).toThrow(/whole number/);
    expect(() => parseLearnBenchArgs(['--runs', '0'])).toThrow(/1\.\.100/);
    expect(() => parseLearnBenchArgs(['--runs', '101'])).toThrow(/1\.\.100/);
  });
});
