import { SUPPORTED_ARCHES, type Arch } from '../linux/syscalls';
import type { Policy, SeccompAction, SyscallRule } from '../policy/model';
import type { SourceRange } from '../policy/source-range';
import { compilePolicy, dispatchVerdict, type CompiledFilter } from './compile';

const NOTIFY: SeccompAction = { kind: 'notify' };
const ALLOW: SeccompAction = { kind: 'allow' };

/**
 * Syscalls that always reach the supervisor: the launcher's own execve must block until the
 * supervisor holds the listener fd (the fd is close-on-exec), and execveat is the same door.
 */
export const ALWAYS_NOTIFIED: readonly string[] = ['execve', 'execveat'];

/** Rules the supervisor adds have no text; they point at the start of the file. */
const SYNTHETIC_RANGE: SourceRange = {
  start: { line: 1, column: 1, offset: 0 },
  end: { line: 1, column: 1, offset: 0 },
};

/**
 * The policy behind the learn/check filter (DESIGN.md "Run modes"): whatever the deployed policy
 * allows stays ALLOW in the kernel, except execve/execveat; everything else becomes NOTIFY so the
 * supervisor sees it. First-match order is kept by rewriting each rule's action in place.
 */
export function supervisedPolicy(policy: Policy): Policy {
  const seccomp = policy.linux.seccomp;
  const execRule: SyscallRule = {
    action: NOTIFY,
    syscalls: ALWAYS_NOTIFIED.map((name) => ({ name, range: SYNTHETIC_RANGE })),
    range: SYNTHETIC_RANGE,
  };
  const rules = (seccomp?.rules ?? []).map((rule): SyscallRule =>
    rule.action.kind === 'allow' ? rule : { ...rule, action: NOTIFY },
  );
  const defaultAction =
    seccomp === undefined || seccomp.defaultAction.kind === 'allow' ? ALLOW : NOTIFY;
  return {
    ...policy,
    linux: {
      ...policy.linux,
      seccomp: {
        arch: seccomp?.arch ?? SUPPORTED_ARCHES,
        defaultAction,
        rules: [execRule, ...rules],
      },
    },
  };
}

/** The learn/check filter: `supervisedPolicy`, with foreign arches and x32 numbers notified too. */
export function compileSupervisedFilter(policy: Policy, arch: Arch = 'x86_64'): CompiledFilter {
  return compilePolicy(supervisedPolicy(policy), arch, {
    foreignArchAction: NOTIFY,
    x32Action: NOTIFY,
  });
}

/**
 * What the deployed policy does with syscall number `nr` on its own arch: the first rule listing
 * it, else the default; x32 numbers are killed; no seccomp section allows everything else.
 */
export function policyVerdict(policy: Policy, nr: number, arch: Arch = 'x86_64'): SeccompAction {
  return dispatchVerdict(policy, nr, arch);
}
