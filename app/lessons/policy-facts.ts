import { formatAction } from '../policy/actions';
import type { Policy, RlimitAmount, SeccompAction } from '../policy/model';
import { hasErrors, parsePolicy } from '../policy/parse';

/** The student's policy as a lesson's check sees it: the model, or why there is none. */
export interface PolicyFacts {
  readonly policy?: Policy;
  /** `line 3, column 7: unknown syscall "opne"`, one per error. */
  readonly errors: readonly string[];
}

/**
 * Parses the policy text the attempt used. Includes are not followed (a check is pure): a policy
 * with `include:` reports it as an error here, and the lessons' policies have none.
 */
export function readPolicy(text: string): PolicyFacts {
  const { policy, diagnostics } = parsePolicy(text);
  const errors = diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => `line ${d.range.start.line}, column ${d.range.start.column}: ${d.message}`);
  return policy && !hasErrors(diagnostics) ? { policy, errors } : { errors };
}

/** The seccomp default, spelled as in a policy (`kill-process`, `errno EPERM`), if any. */
export function defaultActionOf(policy: Policy): SeccompAction | undefined {
  return policy.linux.seccomp?.defaultAction;
}

export function describeAction(action: SeccompAction | undefined): string {
  return action === undefined ? 'none (no seccomp section)' : formatAction(action);
}

export function isKillAction(action: SeccompAction | undefined): boolean {
  return action?.kind === 'kill-process' || action?.kind === 'kill-thread';
}

/** Syscalls the policy allows whatever their arguments, in rule order, each once. */
export function unconditionallyAllowed(policy: Policy): string[] {
  const names = (policy.linux.seccomp?.rules ?? [])
    .filter((rule) => rule.action.kind === 'allow' && rule.condition === undefined)
    .flatMap((rule) => rule.syscalls.map((ref) => ref.name));
  return [...new Set(names)];
}

/** An rlimit's soft and hard value as written, by the policy's name (`nofile`). */
export function rlimitOf(
  policy: Policy,
  name: string,
): { soft: RlimitAmount; hard: RlimitAmount } | undefined {
  const setting = policy.linux.rlimits?.find((r) => r.name === name);
  return setting && { soft: setting.soft, hard: setting.hard };
}
