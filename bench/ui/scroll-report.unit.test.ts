import { describe, expect, it } from 'vitest';
import {
  formatScrollJson,
  formatScrollReport,
  meetsTarget,
  viewFigures,
  type RunMeasurement,
  type ScrollBenchResult,
} from './scroll-report';
import { frameStats } from './frame-stats';

const steady = (ms: number, n = 50): number[] => new Array(n).fill(ms);

function run(events: number, ms: number): RunMeasurement {
  return {
    events,
    openMs: events / 10,
    heapBytes: events * 1000,
    filterMs: 120,
    views: ['flat', 'grouped'].map((view) => ({
      view,
      rows: events,
      intervals: steady(ms),
      blankFrames: 0,
      longTasks: 0,
      longAnimationFrames: 0,
    })),
  };
}

const result = (largeMs: number, referenceMs: number): ScrollBenchResult => ({
  trace: 'test trace',
  browser: 'Chromium test',
  frames: 50,
  step: 220,
  large: run(1_000_000, largeMs),
  reference: run(1_000, referenceMs),
});

describe('meetsTarget', () => {
  it('needs a median frame near 16.7 ms and no frame over 50 ms', () => {
    expect(meetsTarget(frameStats(steady(16.7)))).toBe(true);
    expect(meetsTarget(frameStats(steady(20)))).toBe(false);
    expect(meetsTarget(frameStats([...steady(16.7), 60]))).toBe(false);
  });
});

describe('viewFigures', () => {
  it('pairs each view with the reference and gives the fps ratio', () => {
    const figures = viewFigures(result(33.3, 16.7));
    expect(figures.map((f) => f.view)).toEqual(['flat', 'grouped']);
    expect(figures[0]?.ratio).toBeCloseTo(0.5, 2);
    expect(figures[0]?.targetMet).toBe(false);
  });

  it('refuses a reference that lacks a view', () => {
    const broken = result(16.7, 16.7);
    const reference = { ...broken.reference, views: broken.reference.views.slice(0, 1) };
    expect(() => viewFigures({ ...broken, reference })).toThrow(/no grouped/);
  });
});

describe('formatScrollReport', () => {
  it('says whether the target was met, with both runs and the ratio', () => {
    const text = formatScrollReport(result(16.7, 16.7));
    expect(text).toContain('1,000,000 events vs a 1,000-event reference');
    expect(text).toMatch(/flat: target 60 fps met, 100 % of the reference/);
    expect(text).toMatch(/large +59\.9 fps median/);
    expect(text).not.toContain('note:');
    expect(text).toContain('page JS heap with the run open: 1,000 MB (reference 1 MB)');
  });

  it('is honest when even the reference misses the target', () => {
    const text = formatScrollReport(result(40, 40));
    expect(text).toMatch(/NOT MET/);
    expect(text).toMatch(/note: the reference does not reach the target either/);
  });

  it('has a JSON form with the figures per view', () => {
    const json = JSON.parse(formatScrollJson(result(16.7, 16.7))) as {
      views: { view: string; targetMet: boolean }[];
      openMs: { large: number };
    };
    expect(json.views.map((v) => v.targetMet)).toEqual([true, true]);
    expect(json.openMs.large).toBe(100_000);
  });
});
