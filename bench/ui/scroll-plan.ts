/** One scroll scenario: where the table's scrollTop is set, frame by frame. */
export interface ScrollPhase {
  readonly name: string;
  /** scrollTop for each animation frame, in order. */
  readonly positions: readonly number[];
}

export interface ScrollPlanInput {
  /** The table's scroll range: content height minus viewport height. */
  readonly maxScroll: number;
  /** Frames per continuous phase (down, up). */
  readonly frames: number;
  /** Pixels per frame of a continuous phase (a fast flick is ~ 20 rows of 22 px). */
  readonly step: number;
}

/**
 * The same gestures on any table, so that a 1,000,000-row run and a 1,000-row reference do the
 * same work per frame: continuous scrolling down from the top and up from the middle (bouncing
 * off the ends of a short table, so every frame moves), then jumps between top, end and middle
 * with a few frames of small steps after each landing.
 */
export function scrollPlan({ maxScroll, frames, step }: ScrollPlanInput): ScrollPhase[] {
  if (!(maxScroll >= 0)) throw new RangeError(`scroll range must be >= 0, got ${maxScroll}`);
  if (!Number.isInteger(frames) || frames < 1) throw new RangeError(`frames must be >= 1`);
  if (!(step > 0)) throw new RangeError(`step must be > 0, got ${step}`);
  const middle = Math.round(maxScroll / 2);
  return [
    { name: 'down', positions: pingPong(0, step, frames, maxScroll) },
    { name: 'up', positions: pingPong(middle, -step, frames, maxScroll) },
    { name: 'jumps', positions: jumps(maxScroll, step) },
  ];
}

/** `frames` positions from `start` moving by `step`, turning back at 0 and at `max`. */
export function pingPong(start: number, step: number, frames: number, max: number): number[] {
  const positions: number[] = [];
  let at = clamp(start, max);
  let direction = Math.sign(step);
  const size = Math.abs(step);
  for (let i = 0; i < frames; i++) {
    positions.push(at);
    if (max === 0) continue;
    let next = at + direction * size;
    if (next > max || next < 0) {
      direction = -direction;
      next = at + direction * size;
    }
    at = clamp(next, max);
  }
  return positions;
}

const LANDINGS = ['end', 'top', 'middle', 'end', 'middle', 'top'] as const;
const FRAMES_AFTER_LANDING = 10;

function jumps(max: number, step: number): number[] {
  const positions: number[] = [];
  for (const landing of LANDINGS) {
    const at = landing === 'top' ? 0 : landing === 'end' ? max : Math.round(max / 2);
    const direction = landing === 'end' ? -step : step;
    positions.push(...pingPong(at, direction / 4, FRAMES_AFTER_LANDING, max));
  }
  return positions;
}

function clamp(value: number, max: number): number {
  return Math.min(Math.max(0, value), max);
}
