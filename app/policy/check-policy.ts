import { dangerousGrants } from './dangerous-grants';
import type { Policy } from './model';
import { resolvePolicyChecked } from './resolve';
import { ruleWarnings } from './rule-warnings';
import type { Diagnostic } from './source-range';

/**
 * What can only be judged on the whole policy (includes inserted) against the arches it lists:
 * syscall names and constants per arch, value widths (errors); shadowed and conflicting rules,
 * dangerous grants (warnings); arch-specific names (info).
 */
export function checkPolicy(policy: Policy): Diagnostic[] {
  const { resolved, diagnostics } = resolvePolicyChecked(policy);
  const rules = policy.linux.seccomp?.rules ?? [];
  return [
    ...diagnostics,
    ...ruleWarnings(rules),
    ...(resolved ? dangerousGrants(policy, resolved) : []),
  ];
}
