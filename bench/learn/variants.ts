import { studioPolicyText, type StudioDriverRequest } from './studio-protocol';
import { targetEnvironment } from './workloads';

/**
 * The ways a workload runs: bare, under the C reference, under ours from the running studio (its
 * backend's run path in a Node process that stays up), under ours from a fresh CLI process, and
 * under strace.
 */
export const VARIANTS = ['unsupervised', 'reference', 'studio', 'ours', 'strace'] as const;
export type VariantName = (typeof VARIANTS)[number];

/** The variants that are ours, each judged against the targets. */
export const OURS_VARIANTS = ['studio', 'ours'] as const;
export type OursVariant = (typeof OURS_VARIANTS)[number];

export const VARIANT_LABELS: Readonly<Record<VariantName, string>> = {
  unsupervised: 'unsupervised',
  reference: 'C reference',
  studio: 'ours (studio)',
  ours: 'ours (CLI learn)',
  strace: 'strace -f',
};

/**
 * The studio driver's runs per measurement: one to warm it up, then the timed one, each after
 * a pause as long as a user's between two runs (the warm pool refills meanwhile).
 */
export const STUDIO_WARMUPS = 1;
export const STUDIO_PAUSE_MS = 1000;

/** Where the pieces of a benchmark run are (all made fresh in a temporary directory). */
export interface BenchTools {
  readonly node: string;
  readonly cli: string;
  /** dist/bench/learn-studio.mjs (bench/learn/studio-driver.ts). */
  readonly studioDriver: string;
  readonly policyPath: string;
  /** The text of the policy at policyPath. */
  readonly policyText: string;
  readonly referenceBinary: string;
  readonly filterPath: string;
  readonly reportPath: string;
}

export interface Invocation {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The process to start for `variant` running `command`; the target's stdout goes to /dev/null. */
export function invocation(
  variant: VariantName,
  command: readonly string[],
  tools: BenchTools,
  env: NodeJS.ProcessEnv,
): Invocation {
  const [program = '', ...args] = command;
  const targetEnv = targetEnvironment(env);
  switch (variant) {
    case 'unsupervised':
      return { file: program, args, env: targetEnv };
    case 'reference':
      return {
        file: tools.referenceBinary,
        args: [tools.filterPath, tools.reportPath, ...command],
        env: targetEnv,
      };
    case 'studio': {
      const request: StudioDriverRequest = {
        policyText: studioPolicyText(tools.policyText, command),
        warmups: STUDIO_WARMUPS,
        runs: 1,
        pauseMs: STUDIO_PAUSE_MS,
      };
      return { file: tools.node, args: [tools.studioDriver, JSON.stringify(request)], env };
    }
    case 'ours':
      // The CLI is a Node program: it gets Node's environment and passes the target its own.
      return {
        file: tools.node,
        args: [tools.cli, 'learn', tools.policyPath, '--', ...command],
        env,
      };
    case 'strace':
      return { file: 'strace', args: ['-f', '-o', '/dev/null', ...command], env: targetEnv };
  }
}

/** Ours with one JSON event per line on stdout, to count its events. */
export function countingInvocation(
  command: readonly string[],
  tools: BenchTools,
  env: NodeJS.ProcessEnv,
): Invocation {
  return {
    file: tools.node,
    args: [tools.cli, 'learn', '--json', tools.policyPath, '--', ...command],
    env,
  };
}

/** The variants in the order of one round; rotating it spreads drift over all of them. */
export function roundOrder(round: number): readonly VariantName[] {
  const shift = round % VARIANTS.length;
  return [...VARIANTS.slice(shift), ...VARIANTS.slice(0, shift)];
}
