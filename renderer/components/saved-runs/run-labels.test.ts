import { describe, expect, it } from 'vitest';
import { formatBytes, formatDelta, formatStart } from './run-labels';

describe('run labels', () => {
  it('formats start times, sizes and differences', () => {
    expect(formatStart('not a date')).toBe('not a date');
    expect(formatStart(new Date(2025, 10, 23, 15, 6, 2).toISOString())).toBe('2025-11-23 15:06:02');
    expect([
      formatBytes(512),
      formatBytes(830_000),
      formatBytes(1_234_567),
      formatBytes(2e9),
    ]).toEqual(['512 B', '830 kB', '1.2 MB', '2.0 GB']);
    expect([formatDelta(1, 4), formatDelta(4, 1), formatDelta(2, 2)]).toEqual(['+3', '−3', '0']);
  });
});
