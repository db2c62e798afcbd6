import { decodeReturnValue, policyAction } from '../bpf/actions';
import { compilePolicy } from '../bpf/compile';
import { runFilter } from '../bpf/emulate';
import { formatAction } from '../policy/actions';
import type { Policy } from '../policy/model';
import type { CallArgs, Observations, SyscallObservation } from './observations';
import { callData, letsRun } from './observed-verdicts';

export interface FilterDenial {
  readonly observation: SyscallObservation;
  readonly args: CallArgs;
  /** What the compiled filter returns, as a policy spells it (`errno EPERM`). */
  readonly action: string;
}

/**
 * Replays the observed calls through the policy's compiled filter in the BPF emulator, as the
 * kernel would run it, and returns those it would not let run. Calls recorded without arguments
 * (kernel audit records) cannot be replayed and are skipped.
 */
export function filterDenials(policy: Policy, observations: Observations): FilterDenial[] {
  const { program } = compilePolicy(policy);
  const denials: FilterDenial[] = [];
  for (const observation of observations.syscalls) {
    for (const args of observation.calls) {
      const action = policyAction(
        decodeReturnValue(runFilter(program, callData(observation, args)).ret),
      );
      if (!letsRun(action)) denials.push({ observation, args, action: formatAction(action) });
    }
  }
  return denials;
}
