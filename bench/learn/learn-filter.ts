import { compileSupervisedFilter } from '../../app/bpf/supervise';
import { encodeProgram } from '../../app/bpf/encode';
import type { BpfProgram } from '../../app/bpf/program';
import { verifyProgram } from '../../app/bpf/verify';
import type { Policy } from '../../app/policy/model';
import { parsePolicy } from '../../app/policy/parse';
import { formatDiagnostic } from '../../app/policy/source-range';

/**
 * The benchmark's policy allows nothing, so in learn mode every syscall of the target (from the
 * execve on) is a notification; learn mode pre-allows nothing either (execve always notifies).
 * no_new_privs is spelled out because the C reference sets it unconditionally.
 */
export const NOTIFY_EVERYTHING_POLICY = `version: 1
name: notify every syscall (learn-mode benchmark)
linux:
  no_new_privs: true
  seccomp:
    arch: [x86_64]
    default: kill-process
    rules: []
`;

export function benchPolicy(text: string = NOTIFY_EVERYTHING_POLICY): Policy {
  const { policy, diagnostics } = parsePolicy(text, { path: 'learn-bench.sandbox.yaml' });
  if (!policy) {
    const errors = diagnostics.map((d) => formatDiagnostic('learn-bench.sandbox.yaml', d));
    throw new Error(`the benchmark policy does not parse:\n${errors.join('\n')}`);
  }
  return policy;
}

/** The filter learn mode installs for `policy`, compiled and verified exactly as the supervisor does. */
export function learnFilter(policy: Policy): BpfProgram {
  const program = compileSupervisedFilter(policy).program;
  const verdict = verifyProgram(program);
  if (!verdict.ok) {
    throw new Error(`the learn filter failed verification: ${verdict.errors[0]?.message}`);
  }
  return program;
}

/** Raw struct sock_filter bytes of the learn filter, for the C reference. */
export function learnFilterBytes(policy: Policy): Uint8Array {
  return encodeProgram(learnFilter(policy));
}
