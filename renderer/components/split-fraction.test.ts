import { describe, expect, it } from 'vitest';
import { clampFraction, MAX_FRACTION, MIN_FRACTION } from './split-fraction';

describe('clampFraction', () => {
  it('keeps both panes usable', () => {
    expect(clampFraction(0.5)).toBe(0.5);
    expect(clampFraction(0)).toBe(MIN_FRACTION);
    expect(clampFraction(1.4)).toBe(MAX_FRACTION);
    expect(clampFraction(Number.NaN)).toBe(0.5);
  });
});
