import { targetEnvironment } from './workloads';

/** The four ways a workload runs: bare, under the C reference, under ours, under strace. */
export const VARIANTS = ['unsupervised', 'reference', 'ours', 'strace'] as const;
export type VariantName = (typeof VARIANTS)[number];

export const VARIANT_LABELS: Readonly<Record<VariantName, string>> = {
  unsupervised: 'unsupervised',
  reference: 'C reference',
  ours: 'ours (CLI learn)',
  strace: 'strace -f',
};

/** Where the pieces of a benchmark run are (all made fresh in a temporary directory). */
export interface BenchTools {
  readonly node: string;
  readonly cli: string;
  readonly policyPath: string;
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
