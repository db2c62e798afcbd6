export interface LearnBenchOptions {
  /** Timed runs per workload and variant (after one warm-up run each). */
  readonly runs: number;
  readonly json: boolean;
}

export const DEFAULT_RUNS = 5;
const MAX_RUNS = 100;

/** Reads `--runs N` (or `--runs=N`) and `--json`; other arguments belong to other benchmarks. */
export function parseLearnBenchArgs(argv: readonly string[]): LearnBenchOptions {
  let runs = DEFAULT_RUNS;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg !== '--runs' && !arg.startsWith('--runs=')) continue;
    const value = arg === '--runs' ? argv[++i] : arg.slice('--runs='.length);
    runs = parseRuns(value);
  }
  return { runs, json: argv.includes('--json') };
}

function parseRuns(value: string | undefined): number {
  if (value === undefined || !/^\d+$/.test(value)) {
    throw new Error(`--runs needs a whole number of runs, got ${value ?? 'nothing'}`);
  }
  const runs = Number(value);
  if (runs < 1 || runs > MAX_RUNS) throw new Error(`--runs must be 1..${MAX_RUNS}, got ${runs}`);
  return runs;
}
