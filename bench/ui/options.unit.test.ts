import { describe, expect, it } from 'vitest';
import { SCROLL_DEFAULTS, parseScrollBenchArgs } from './options';

describe('parseScrollBenchArgs', () => {
  it('defaults to 1,000,000 events against a 1,000-event reference', () => {
    expect(parseScrollBenchArgs([])).toEqual({ ...SCROLL_DEFAULTS, json: false });
    expect(SCROLL_DEFAULTS.events).toBe(1_000_000);
  });

  it('reads its flags in both spellings and ignores the other benchmarks', () => {
    expect(
      parseScrollBenchArgs([
        '--only',
        'scroll',
        '--scroll-events',
        '2_000',
        '--scroll-frames=60',
        '--scroll-step',
        '100',
        '--scroll-reference-events=50',
        '--whatif-events',
        '7',
        '--json',
      ]),
    ).toEqual({ events: 2000, referenceEvents: 50, frames: 60, step: 100, json: true });
  });

  it('says which flag is wrong', () => {
    expect(() => parseScrollBenchArgs(['--scroll-events'])).toThrow(/--scroll-events needs/);
    expect(() => parseScrollBenchArgs(['--scroll-frames', '5'])).toThrow(/10\.\.100000/);
    expect(() => parseScrollBenchArgs(['--scroll-step=-3'])).toThrow(/whole number/);
  });
});
