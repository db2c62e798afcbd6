import { describe, expect, it } from 'vitest';
import { formatElapsed } from './elapsed';

describe('formatElapsed', () => {
  it('shows tenths below ten seconds', () => {
    expect(formatElapsed(0)).toBe('0.0 s');
    expect(formatElapsed(420)).toBe('0.4 s');
    expect(formatElapsed(9_949)).toBe('9.9 s');
  });

  it('shows whole seconds, then minutes', () => {
    expect(formatElapsed(12_700)).toBe('12 s');
    expect(formatElapsed(59_999)).toBe('59 s');
    expect(formatElapsed(185_000)).toBe('3 min 5 s');
  });

  it('never shows a negative or broken duration', () => {
    expect(formatElapsed(-5)).toBe('0.0 s');
    expect(formatElapsed(Number.NaN)).toBe('0.0 s');
  });
});
