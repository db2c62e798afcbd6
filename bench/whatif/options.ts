export interface WhatIfBenchOptions {
  /** Events in the synthetic trace. */
  readonly events: number;
  /** Timed keystrokes after the first (whose figure is reported on its own). */
  readonly keystrokes: number;
  /** Timed runs of the reference (every event through the emulator). */
  readonly referenceRuns: number;
  readonly json: boolean;
}

export const WHATIF_DEFAULTS = { events: 1_000_000, keystrokes: 20, referenceRuns: 3 } as const;

const LIMITS = {
  '--whatif-events': { min: 1, max: 20_000_000 },
  '--whatif-keystrokes': { min: 1, max: 1000 },
  '--whatif-reference-runs': { min: 1, max: 100 },
} as const;
type Flag = keyof typeof LIMITS;

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
 * Reads `--whatif-events N`, `--whatif-keystrokes N`, `--whatif-reference-runs N` (or `=N`) and
 * `--json`; other arguments belong to the other benchmarks.
 */
export function parseWhatIfBenchArgs(argv: readonly string[]): WhatIfBenchOptions {
  const values: Record<Flag, number> = {
    '--whatif-events': WHATIF_DEFAULTS.events,
    '--whatif-keystrokes': WHATIF_DEFAULTS.keystrokes,
    '--whatif-reference-runs': WHATIF_DEFAULTS.referenceRuns,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const flag = (Object.keys(LIMITS) as Flag[]).find((f) => arg === f || arg.startsWith(`${f}=`));
    if (!flag) continue;
    values[flag] = parseCount(flag, arg === flag ? argv[++i] : arg.slice(flag.length + 1));
  }
  return {
    events: values['--whatif-events'],
    keystrokes: values['--whatif-keystrokes'],
    referenceRuns: values['--whatif-reference-runs'],
    json: argv.includes('--json'),
  };
}
