import { z } from 'zod';

/** What bench/learn/studio-driver.ts is asked to do (one JSON argument). */
export const StudioDriverRequest = z.strictObject({
  /** The policy as the editor sends it; its target.command is the workload. */
  policyText: z.string(),
  warmups: z.number().int().min(0).max(10),
  runs: z.number().int().min(1).max(100),
  /** Idle time before each run (the studio between two clicks on Run). */
  pauseMs: z.number().int().min(0).max(60_000),
});
export type StudioDriverRequest = z.infer<typeof StudioDriverRequest>;

export const StudioRun = z.strictObject({
  /** From `run.start` to the run's final state. */
  ms: z.number().nonnegative(),
  /** The target's exit status (null when a signal ended it or no exit was seen). */
  exitCode: z.number().int().nullable(),
  /** `syscall` events the run delivered. */
  syscalls: z.number().int().nonnegative(),
});
export type StudioRun = z.infer<typeof StudioRun>;

/** The driver's one line of output: its timed runs. */
export const StudioDriverResult = z.strictObject({ runs: z.array(StudioRun).min(1) });
export type StudioDriverResult = z.infer<typeof StudioDriverResult>;

/** Parses the driver's output; throws with the text when it is not a result. */
export function parseStudioResult(stdout: string): StudioDriverResult {
  const line = stdout.trim();
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new Error(
      `the studio driver's output is not JSON: ${JSON.stringify(line.slice(0, 200))}`,
    );
  }
  const parsed = StudioDriverResult.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new Error(`the studio driver's output is malformed${where}: ${issue?.message ?? ''}`);
  }
  return parsed.data;
}

/**
 * The benchmark's policy (learn-filter.ts) with `command` as its target, as the studio's editor
 * would hold it: the studio runs what the policy names.
 */
export function studioPolicyText(policyText: string, command: readonly string[]): string {
  const target = `target: { command: ${JSON.stringify(command)} }\n`;
  const at = policyText.indexOf('linux:');
  if (at < 0) throw new Error('the benchmark policy has no linux: section');
  return policyText.slice(0, at) + target + policyText.slice(at);
}
