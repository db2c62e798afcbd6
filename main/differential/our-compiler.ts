import { compileResolved } from '../../app/bpf/compile-resolved';
import type { BpfProgram } from '../../app/bpf/program';
import type { ResolvedPolicy } from '../../app/policy/resolved';

/** Why our compiler cannot take this policy, or undefined. */
export function unsupportedByOurCompiler(policy: ResolvedPolicy): string | undefined {
  return policy.arches.length === 0 ? 'a policy needs an arch' : undefined;
}

/** Our compiled filter for a resolved policy (all its arches in one program). */
export function compileOurs(policy: ResolvedPolicy): BpfProgram {
  return compileResolved(policy).program;
}
