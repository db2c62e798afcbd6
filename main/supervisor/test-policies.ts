import { parsePolicy } from '../../app/policy/parse';
import type { Policy } from '../../app/policy/model';

/** For supervisor tests: a policy that allows nothing, so every syscall reaches the supervisor. */
export const ALLOW_NOTHING = `version: 1
linux:
  seccomp:
    default: kill-process
    rules: []
`;

/** A test policy's model; a policy that does not parse is a bug in the test. */
export function policyFrom(text: string): Policy {
  const { policy, diagnostics } = parsePolicy(text);
  if (!policy) throw new Error(`test policy does not parse: ${JSON.stringify(diagnostics)}`);
  return policy;
}
