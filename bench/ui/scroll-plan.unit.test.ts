import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pingPong, scrollPlan } from './scroll-plan';

describe('pingPong', () => {
  it('moves by the step and turns back at the ends', () => {
    expect(pingPong(0, 10, 5, 25)).toEqual([0, 10, 20, 10, 0]);
    expect(pingPong(25, -10, 4, 25)).toEqual([25, 15, 5, 15]);
  });

  it('stays at 0 on a table that does not scroll', () => {
    expect(pingPong(0, 10, 3, 0)).toEqual([0, 0, 0]);
  });

  it('clamps a start outside the range', () => {
    expect(pingPong(99, 10, 2, 50)[0]).toBe(50);
  });

  it('keeps every position in range and moves every frame when the range exceeds the step', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 300 }),
        fc.boolean(),
        (max, step, frames, up) => {
          const positions = pingPong(max / 3, up ? -step : step, frames, max);
          expect(positions).toHaveLength(frames);
          for (const p of positions) expect(p >= 0 && p <= max).toBe(true);
          if (max >= 2 * step) {
            for (let i = 1; i < positions.length; i++) {
              expect(positions[i]).not.toBe(positions[i - 1]);
            }
          }
        },
      ),
    );
  });
});

describe('scrollPlan', () => {
  it('scrolls down from the top, up from the middle, then jumps', () => {
    const [down, up, jumps] = scrollPlan({ maxScroll: 22_000_000, frames: 300, step: 220 });
    expect(down?.positions).toHaveLength(300);
    expect(down?.positions[0]).toBe(0);
    expect(down?.positions[299]).toBe(299 * 220);
    expect(up?.positions[0]).toBe(11_000_000);
    expect(up?.positions[1]).toBe(11_000_000 - 220);
    expect(jumps?.positions).toContain(22_000_000);
    expect(jumps?.positions[0]).toBe(22_000_000);
    expect(jumps?.positions).toContain(0);
  });

  it('gives a small table the same number of frames as a large one', () => {
    const small = scrollPlan({ maxScroll: 21_000, frames: 300, step: 220 });
    const large = scrollPlan({ maxScroll: 21_000_000, frames: 300, step: 220 });
    expect(small.map((p) => p.positions.length)).toEqual(large.map((p) => p.positions.length));
  });

  it('refuses nonsense input', () => {
    expect(() => scrollPlan({ maxScroll: -1, frames: 10, step: 10 })).toThrow(/range/);
    expect(() => scrollPlan({ maxScroll: 10, frames: 0, step: 10 })).toThrow(/frames/);
    expect(() => scrollPlan({ maxScroll: 10, frames: 10, step: 0 })).toThrow(/step/);
  });
});
