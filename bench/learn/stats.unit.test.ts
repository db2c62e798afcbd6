import { describe, expect, it } from 'vitest';
import { median, perSecond, ratio } from './stats';

describe('median', () => {
  it('takes the middle value of an odd count, in any order', () => {
    expect(median([5])).toBe(5);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([10, 1, 7, 3, 2])).toBe(3);
  });

  it('averages the middle two of an even count', () => {
    expect(median([4, 1])).toBe(2.5);
    expect(median([1, 9, 3, 5])).toBe(4);
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('refuses an empty list', () => {
    expect(() => median([])).toThrow(/empty/);
  });
});

describe('perSecond', () => {
  it('turns a count over milliseconds into a rate', () => {
    expect(perSecond(169_000, 1000)).toBe(169_000);
    expect(perSecond(500, 250)).toBe(2000);
  });

  it('has no rate for a zero or non-finite time', () => {
    expect(perSecond(10, 0)).toBeUndefined();
    expect(perSecond(10, Number.POSITIVE_INFINITY)).toBeUndefined();
  });
});

describe('ratio', () => {
  it('divides two durations', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(0, 2)).toBe(0);
  });

  it('has no value for a zero denominator or a negative duration', () => {
    expect(ratio(3, 0)).toBeUndefined();
    expect(ratio(-1, 2)).toBeUndefined();
    expect(ratio(1, -2)).toBeUndefined();
    expect(ratio(Number.NaN, 2)).toBeUndefined();
  });
});
