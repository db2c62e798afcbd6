import { blockComment, wrap } from './code-export';

/**
 * One step of a generated `sandbox_apply()`: a `[[nodiscard]]` helper returning 0 or a failure
 * code, the definitions it needs, and why it sits where it does in the order. The file writers
 * (linux-c-file.ts, windows-c.ts, freebsd-c.ts) put the steps together.
 */
export interface CStep {
  /** Headers, e.g. `sys/prctl.h`. */
  readonly includes: readonly string[];
  /** Tables and helper functions, in order. */
  readonly definitions: readonly string[];
  /** The call in sandbox_apply(), e.g. `sandbox_set_rlimits()`: 0 or a failure code. */
  readonly call: string;
  /** Why this step comes here (a comment in sandbox_apply). */
  readonly why: string;
  /** Its failure becomes a warning in sandbox_message() instead of an error. */
  readonly bestEffort?: boolean;
  /** What sandbox_apply's header comment lists, e.g. `resource limits`. */
  readonly summary: string;
}

/** `#include <…>` lines without duplicates, in first-use order. */
export function includeLines(steps: readonly { readonly includes: readonly string[] }[]): string {
  const seen = [...new Set(steps.flatMap((s) => s.includes))];
  return seen.map((header) => `#include <${header}>`).join('\n');
}

/** The body of sandbox_apply(): each step, stopping at the first failure not best effort. */
export function applyBody(steps: readonly CStep[], failureType: string): string {
  if (steps.length === 0)
    return '\t/* The policy asks for nothing this file can apply. */\n\treturn 0;';
  const lines = steps.flatMap((step) => [
    blockComment(wrap(step.why, 88), '\t'),
    `\tresult = ${step.call};`,
    ...(step.bestEffort
      ? [
          '\tif (result != 0)',
          '\t\tsandbox_warn(); /* best effort: the policy allows this to fail */',
        ]
      : ['\tif (result != 0)', '\t\treturn result;']),
  ]);
  return [`\t${failureType} result = 0;`, ...lines, '\treturn 0;'].join('\n');
}
