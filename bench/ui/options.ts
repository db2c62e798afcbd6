export interface ScrollBenchOptions {
  /** Events in the large saved run. */
  readonly events: number;
  /** Events in the reference run (what the browser does with a table that is small). */
  readonly referenceEvents: number;
  /** Animation frames per continuous scroll phase. */
  readonly frames: number;
  /** Pixels the table moves per frame while scrolling continuously. */
  readonly step: number;
  readonly json: boolean;
}

export const SCROLL_DEFAULTS = {
  events: 1_000_000,
  referenceEvents: 1_000,
  frames: 300,
  // Ten 22-pixel rows a frame: 13,200 px/s at 60 fps, a brisk wheel or a dragged scrollbar.
  step: 220,
} as const;

const LIMITS = {
  '--scroll-events': { min: 1, max: 5_000_000 },
  '--scroll-reference-events': { min: 1, max: 5_000_000 },
  '--scroll-frames': { min: 10, max: 100_000 },
  '--scroll-step': { min: 1, max: 100_000 },
} as const;
type Flag = keyof typeof LIMITS;
const FLAGS = Object.keys(LIMITS) as Flag[];

function parseCount(flag: Flag, value: string | undefined): number {
  const text = value?.replace(/_/g, '');
  if (text === undefined || !/^\d+$/.test(text)) {
    throw new Error(`${flag} needs a whole number, got ${value ?? 'nothing'}`);
  }
  const n = Number(text);
  const { min, max } = LIMITS[flag];
  if (n < min || n > max) throw new Error(`${flag} must be ${min}..${max}, got ${n}`);
  return n;
}

/**
 * Reads `--scroll-events N`, `--scroll-reference-events N`, `--scroll-frames N`,
 * `--scroll-step PX` (or `=N`) and `--json`; other arguments belong to the other benchmarks.
 */
export function parseScrollBenchArgs(argv: readonly string[]): ScrollBenchOptions {
  const values: Record<Flag, number> = {
    '--scroll-events': SCROLL_DEFAULTS.events,
    '--scroll-reference-events': SCROLL_DEFAULTS.referenceEvents,
    '--scroll-frames': SCROLL_DEFAULTS.frames,
    '--scroll-step': SCROLL_DEFAULTS.step,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const flag = FLAGS.find((f) => arg === f || arg.startsWith(`${f}=`));
    if (!flag) continue;
    values[flag] = parseCount(flag, arg === flag ? argv[++i] : arg.slice(flag.length + 1));
  }
  return {
    events: values['--scroll-events'],
    referenceEvents: values['--scroll-reference-events'],
    frames: values['--scroll-frames'],
    step: values['--scroll-step'],
    json: argv.includes('--json'),
  };
}
