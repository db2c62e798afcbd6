import { dangerousGrants } from './dangerous-grants';
import { layerWarnings } from './layer-warnings';
import type { Policy } from './model';
import { resolvePolicyChecked } from './resolve';
import { ruleWarnings } from './rule-warnings';
import type { Diagnostic } from './source-range';

/**
 * What can only be judged on the whole policy (includes inserted) against the arches it lists:
 * syscall names and constants per arch, value widths (errors); shadowed and conflicting rules,
 * dangerous grants (warnings); arch-specific names (info); Linux layers that will not do what
 * they say, or only the program itself can apply (warnings).
 */
export function checkPolicy(policy: Policy): Diagnostic[] {
  const { resolved, diagnostics } = resolvePolicyChecked(policy);
  const rules = policy.linux.seccomp?.rules ?? [];
  return [
    ...diagnostics,
    ...ruleWarnings(rules),
    ...layerWarnings(policy),
    ...(resolved ? dangerousGrants(policy, resolved) : []),
  ];
}
