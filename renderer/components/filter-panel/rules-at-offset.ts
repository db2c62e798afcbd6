import type { Policy, SyscallRule } from '../../../app/policy/model';
import type { SourceRange } from '../../../app/policy/source-range';

/** Where a rule shows in this file: its own text, or the `include:` entry it came through. */
export function ruleRangeInFile(rule: SyscallRule): SourceRange {
  return rule.origin ? rule.origin.includedAt : rule.range;
}

function holds(range: SourceRange, offset: number): boolean {
  return range.start.offset <= offset && offset <= range.end.offset;
}

/**
 * Indexes (in linux.seccomp.rules) of the rules the cursor at `offset` is on: the rule whose text
 * holds it, or every rule an `include:` entry holding it brings in.
 */
export function rulesAtOffset(policy: Policy | undefined, offset: number | null): number[] {
  if (!policy || offset === null) return [];
  const rules = policy.linux.seccomp?.rules ?? [];
  return rules.flatMap((rule, index) => (holds(ruleRangeInFile(rule), offset) ? [index] : []));
}
