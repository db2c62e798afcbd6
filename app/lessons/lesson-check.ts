import type { LessonVerdict } from './lesson';
import type { PolicyFacts } from './policy-facts';
import type { RunFacts } from './run-facts';

/**
 * How a lesson decides whether its goal is met: from the run (and the policy that ran), or from
 * the policy alone (authoring lessons). check-goal.ts has already made sure the run exists, used
 * the goal's mode and did not fail to start.
 */
export type LessonCheck =
  | {
      readonly on: 'run';
      readonly check: (run: RunFacts, policy: PolicyFacts) => LessonVerdict;
      /** A lesson-specific reading of a run that failed to start (else a generic one). */
      readonly explainFailure?: (run: RunFacts) => LessonVerdict | undefined;
    }
  | { readonly on: 'policy'; readonly check: (policy: PolicyFacts) => LessonVerdict };

/**
 * Collects what a check found: problems (the goal is not met while there is one) and progress
 * (what already works). Problems come first in the reasons, in the order they were found, so each
 * check finds the most important one first.
 */
export class Findings {
  private readonly problems: string[] = [];
  private readonly progress: string[] = [];

  problem(reason: string): this {
    this.problems.push(reason);
    return this;
  }

  ok(reason: string): this {
    this.progress.push(reason);
    return this;
  }

  get failed(): boolean {
    return this.problems.length > 0;
  }

  verdict(): LessonVerdict {
    return { met: this.problems.length === 0, reasons: [...this.problems, ...this.progress] };
  }
}

export function notMet(...reasons: string[]): LessonVerdict {
  return { met: false, reasons };
}

/** The policy's errors as reasons, or undefined when it parsed. */
export function policyErrors(policy: PolicyFacts): LessonVerdict | undefined {
  if (policy.policy) return undefined;
  const [first, ...rest] = policy.errors;
  return notMet(
    `the policy has ${policy.errors.length === 1 ? 'an error' : `${policy.errors.length} errors`}: ${first ?? 'it could not be read'}`,
    ...rest,
  );
}
