import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { learnBenchResult, type WorkloadMeasurements } from './learn-figures';
import { formatLearnJson, formatLearnReport } from './learn-report';
import { benchPolicy, learnFilterBytes, NOTIFY_EVERYTHING_POLICY } from './learn-filter';
import { parseLearnBenchArgs } from './options';
import { countOursEvents } from './ours-events';
import { parseRefReport } from './ref-report';
import { buildReferenceSupervisor } from './reference-build';
import { parseStudioResult } from './studio-protocol';
import { capturedRun, failureMessage, timedRun, type TimedRun } from './timed-run';
import {
  countingInvocation,
  invocation,
  roundOrder,
  VARIANT_LABELS,
  VARIANTS,
  type BenchTools,
  type VariantName,
} from './variants';
import { median } from './stats';
import { WORKLOADS, type Workload } from './workloads';

export interface LearnBenchArgs {
  readonly root: string;
  readonly argv: readonly string[];
}

interface Context {
  readonly tools: BenchTools;
  readonly devNull: number;
  readonly env: NodeJS.ProcessEnv;
}

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** What must be on the machine before anything is timed; each entry says what is missing. */
function missingPrerequisites(root: string): string[] {
  const missing: string[] = [];
  for (const built of [
    ['main', 'cli.mjs'],
    ['bench', 'learn-studio.mjs'],
  ] as const) {
    if (!existsSync(join(root, 'dist', ...built))) {
      missing.push(`dist/${built.join('/')} (run \`npm run build\` first)`);
    }
  }
  if (spawnSync('strace', ['-V'], { stdio: 'ignore' }).status !== 0) missing.push('strace');
  for (const workload of WORKLOADS) {
    const program = workload.command[0] ?? '';
    if (!existsSync(program)) missing.push(`${program} (for ${workload.name})`);
  }
  return missing;
}

function prepareTools(root: string, dir: string): BenchTools {
  const policyPath = join(dir, 'learn-bench.sandbox.yaml');
  writeFileSync(policyPath, NOTIFY_EVERYTHING_POLICY);
  const filterPath = join(dir, 'learn-filter.bpf');
  writeFileSync(filterPath, learnFilterBytes(benchPolicy()));
  return {
    node: process.execPath,
    cli: join(root, 'dist', 'main', 'cli.mjs'),
    studioDriver: join(root, 'dist', 'bench', 'learn-studio.mjs'),
    policyPath,
    policyText: NOTIFY_EVERYTHING_POLICY,
    referenceBinary: buildReferenceSupervisor(root, dir),
    filterPath,
    reportPath: join(dir, 'reference-report.json'),
  };
}

/** The target's exit code in the bare run: what every supervised run must reproduce. */
function expectedExitCode(run: TimedRun, workload: Workload): number {
  if (run.status === null) throw new Error(failureMessage(`${workload.name} (unsupervised)`, run));
  return run.status;
}

/** One run of a variant: its time, and the notifications it counted (C reference, studio). */
interface VariantRun {
  readonly ms: number;
  readonly count?: number;
}

/**
 * Checks one run ended as it should. learn exits 0 whenever the run completed; strace exits with
 * the target's status; the C reference and the studio driver report the target's status.
 */
function checkRun(
  variant: VariantName,
  run: TimedRun,
  expected: number,
  ctx: Context,
  workload: Workload,
): VariantRun {
  const what = `${workload.name} under ${VARIANT_LABELS[variant]}`;
  const wanted = variant === 'unsupervised' || variant === 'strace' ? expected : 0;
  if (run.status !== wanted) throw new Error(failureMessage(what, run));
  if (variant === 'studio') {
    const [timed] = parseStudioResult(run.stdout).runs;
    if (timed?.exitCode !== expected) {
      throw new Error(
        `${what}: the target ended with ${JSON.stringify(timed)}, not exit ${expected}`,
      );
    }
    return { ms: timed.ms, count: timed.syscalls };
  }
  if (variant !== 'reference') return { ms: run.ms };
  const report = parseRefReport(readFileSync(ctx.tools.reportPath, 'utf8'));
  if (report.exitCode !== expected) {
    throw new Error(
      `${what}: the target ended with ${JSON.stringify(report)}, not exit ${expected}`,
    );
  }
  return { ms: run.ms, count: report.notifications };
}

function runVariant(variant: VariantName, workload: Workload, ctx: Context): TimedRun {
  rmSync(ctx.tools.reportPath, { force: true }); // a stale report must not pass for this run's
  // The studio driver times its run itself and says so on stdout.
  const stdout = variant === 'studio' ? 'pipe' : ctx.devNull;
  return timedRun(invocation(variant, workload.command, ctx.tools, ctx.env), stdout);
}

/** Ours once more with --json (not timed), to count the notifications it reported. */
function oursCount(workload: Workload, expected: number, ctx: Context): number {
  const run = capturedRun(countingInvocation(workload.command, ctx.tools, ctx.env));
  const what = `${workload.name} under ours (learn --json)`;
  if (run.status !== 0) throw new Error(failureMessage(what, run));
  const count = countOursEvents(run.stdout);
  if (count.exit?.code !== expected) {
    throw new Error(
      `${what}: the target ended with ${JSON.stringify(count.exit)}, not exit ${expected}`,
    );
  }
  return count.syscalls;
}

function measureWorkload(workload: Workload, runs: number, ctx: Context): WorkloadMeasurements {
  progress(`learn bench: ${workload.name} (1 warm-up + ${runs} runs of each variant)...`);
  const expected = expectedExitCode(runVariant('unsupervised', workload, ctx), workload);
  for (const variant of VARIANTS)
    checkRun(variant, runVariant(variant, workload, ctx), expected, ctx, workload);
  const runsMs: Record<VariantName, number[]> = {
    unsupervised: [],
    reference: [],
    studio: [],
    ours: [],
    strace: [],
  };
  const referenceCounts: number[] = [];
  const studioCounts: number[] = [];
  for (let round = 0; round < runs; round++) {
    for (const variant of roundOrder(round)) {
      const run = checkRun(variant, runVariant(variant, workload, ctx), expected, ctx, workload);
      if (run.count !== undefined && variant === 'reference') referenceCounts.push(run.count);
      if (run.count !== undefined && variant === 'studio') studioCounts.push(run.count);
      runsMs[variant].push(run.ms);
    }
  }
  return {
    workload,
    runsMs,
    referenceCounts,
    oursCounts: {
      studio: Math.round(median(studioCounts)),
      ours: oursCount(workload, expected, ctx),
    },
  };
}

/**
 * The learn-mode supervision benchmark (issue 4): each workload unsupervised, under the C
 * reference, under ours and under strace -f; prints the report (or JSON with --json). Returns the
 * exit status: 0 when everything ran (whether or not the targets are met), 1 otherwise.
 */
export function runLearnBenchmark({ root, argv }: LearnBenchArgs): number {
  const options = parseLearnBenchArgs(argv);
  const missing = missingPrerequisites(root);
  if (missing.length > 0) {
    progress(`learn bench: missing ${missing.join(', ')}`);
    return 1;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-learn-'));
  const devNull = openSync('/dev/null', 'w');
  try {
    const ctx: Context = { tools: prepareTools(root, dir), devNull, env: process.env };
    const measurements = WORKLOADS.map((workload) => measureWorkload(workload, options.runs, ctx));
    const result = learnBenchResult(options.runs, measurements);
    process.stdout.write(`${options.json ? formatLearnJson(result) : formatLearnReport(result)}\n`);
    return 0;
  } finally {
    closeSync(devNull);
    rmSync(dir, { recursive: true, force: true });
  }
}
