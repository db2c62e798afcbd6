import { describe, expect, it } from 'vitest';
import { fps, frameIntervals, frameStats, quantile } from './frame-stats';

describe('quantile', () => {
  it('interpolates between neighbours', () => {
    expect(quantile([10, 20, 30, 40], 0.5)).toBe(25);
    expect(quantile([10, 20, 30, 40], 0)).toBe(10);
    expect(quantile([10, 20, 30, 40], 1)).toBe(40);
    expect(quantile([7], 0.95)).toBe(7);
  });

  it('refuses no values and quantiles outside 0..1', () => {
    expect(() => quantile([], 0.5)).toThrow(/no values/);
    expect(() => quantile([1], 1.5)).toThrow(/0\.\.1/);
    expect(() => quantile([1], Number.NaN)).toThrow(/0\.\.1/);
  });
});

describe('frameIntervals', () => {
  it('takes the differences of consecutive timestamps', () => {
    expect(frameIntervals([100, 116.7, 133.4, 200])).toEqual([
      expect.closeTo(16.7),
      expect.closeTo(16.7),
      expect.closeTo(66.6),
    ]);
    expect(frameIntervals([5])).toEqual([]);
  });

  it('refuses timestamps that go back', () => {
    expect(() => frameIntervals([10, 5])).toThrow(/frame 1/);
  });
});

describe('frameStats', () => {
  it('gives 60 fps for steady 16.7 ms frames', () => {
    const stats = frameStats(new Array(100).fill(1000 / 60));
    expect(stats.medianFps).toBeCloseTo(60);
    expect(stats.p5Fps).toBeCloseTo(60);
    expect(stats.longFrames).toBe(0);
    expect(stats.droppedFrames).toBe(0);
    expect(stats.frames).toBe(100);
  });

  it('reports the slow tail by the 95th percentile interval and counts long frames', () => {
    const intervals = [...new Array(90).fill(16.7), ...new Array(10).fill(100)];
    const stats = frameStats(intervals);
    expect(stats.medianFps).toBeCloseTo(1000 / 16.7);
    expect(stats.p5Fps).toBeCloseTo(10);
    expect(stats.maxMs).toBe(100);
    expect(stats.longFrames).toBe(10);
    expect(stats.droppedFrames).toBe(10);
  });

  it('counts a 33 ms frame as dropped but not long', () => {
    const stats = frameStats([16.7, 33.4, 16.7]);
    expect(stats.droppedFrames).toBe(1);
    expect(stats.longFrames).toBe(0);
  });

  it('refuses no intervals', () => {
    expect(() => frameStats([])).toThrow(/no frame intervals/);
  });
});

describe('fps', () => {
  it('is the inverse of the interval, bounded for zero-length intervals', () => {
    expect(fps(20)).toBe(50);
    expect(fps(0)).toBe(1000);
  });
});
