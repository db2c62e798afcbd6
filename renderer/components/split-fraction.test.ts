import { describe, expect, it } from 'vitest';
import { clampFraction, MAX_FRACTION, MIN_FRACTION, splitterKeyTarget } from './split-fraction';

describe('clampFraction', () => {
  it('keeps both panes usable', () => {
    expect(clampFraction(0.5)).toBe(0.5);
    expect(clampFraction(0)).toBe(MIN_FRACTION);
    expect(clampFraction(1.4)).toBe(MAX_FRACTION);
    expect(clampFraction(Number.NaN)).toBe(0.5);
  });
});

describe('splitterKeyTarget', () => {
  it('moves along the splitter axis and stops at the limits', () => {
    expect(splitterKeyTarget('ArrowLeft', 0.5, true)).toBeCloseTo(0.48);
    expect(splitterKeyTarget('ArrowRight', 0.5, true)).toBeCloseTo(0.52);
    expect(splitterKeyTarget('ArrowUp', 0.5, false)).toBeCloseTo(0.48);
    expect(splitterKeyTarget('ArrowDown', 0.5, false)).toBeCloseTo(0.52);
    expect(splitterKeyTarget('ArrowLeft', MIN_FRACTION, true)).toBe(MIN_FRACTION);
    expect(splitterKeyTarget('Home', 0.5, true)).toBe(MIN_FRACTION);
    expect(splitterKeyTarget('End', 0.5, false)).toBe(MAX_FRACTION);
  });

  it('leaves other keys (and the cross axis) to the page', () => {
    expect(splitterKeyTarget('ArrowUp', 0.5, true)).toBeNull();
    expect(splitterKeyTarget('ArrowLeft', 0.5, false)).toBeNull();
    expect(splitterKeyTarget('Enter', 0.5, true)).toBeNull();
  });
});
