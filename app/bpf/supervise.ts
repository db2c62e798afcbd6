import { syscallNumber, type Arch } from '../linux/syscalls';
import { interpretResolved } from '../policy/interpret';
import type { Policy, SeccompAction } from '../policy/model';
import {
  ALWAYS,
  type ResolvedArchPolicy,
  type ResolvedPolicy,
  type ResolvedRule,
} from '../policy/resolved';
import type { SourceRange } from '../policy/source-range';
import {
  auditArchOf,
  compileResolved,
  resolveForCompile,
  type CompiledFilter,
  type CompileOptions,
} from './compile';
import { seccompDataFor } from './emulate';

const NOTIFY: SeccompAction = { kind: 'notify' };
const ALLOW: SeccompAction = { kind: 'allow' };

/** Why the supervisor must see a syscall even where the policy allows it. */
export type NotifiedReason = 'exec' | 'exit' | 'thread-exit' | 'self-sandbox';

/**
 * Syscalls that always reach the supervisor, and why. exec: the launcher's own execve must block
 * until the supervisor holds the listener fd (the fd is close-on-exec), execveat is the same door,
 * and each exec of the run is reported with its path and argv. exit: exit_group carries the exit
 * status of processes the supervisor is not the parent of (the process tree); thread-exit: a
 * thread that makes only allowed syscalls is still seen once, when it ends. self-sandbox: a
 * program restricting itself (its own seccomp filter, no_new_privs, dumpable, rlimits,
 * capabilities, Landlock) is reported for audits. Each costs one round trip per call.
 */
export const ALWAYS_NOTIFIED_REASONS: Readonly<Record<string, NotifiedReason>> = {
  execve: 'exec',
  execveat: 'exec',
  exit_group: 'exit',
  exit: 'thread-exit',
  seccomp: 'self-sandbox',
  prctl: 'self-sandbox',
  setrlimit: 'self-sandbox',
  prlimit64: 'self-sandbox',
  capset: 'self-sandbox',
  landlock_restrict_self: 'self-sandbox',
};

export const ALWAYS_NOTIFIED: readonly string[] = Object.keys(ALWAYS_NOTIFIED_REASONS);

/** Rules the supervisor adds have no text; they point at the start of the file. */
const SYNTHETIC_RANGE: SourceRange = {
  start: { line: 1, column: 1, offset: 0 },
  end: { line: 1, column: 1, offset: 0 },
};

function numberOn(arch: Arch, name: string): number | undefined {
  try {
    return syscallNumber(arch, name);
  } catch {
    return undefined;
  }
}

function supervisedArch(policy: ResolvedArchPolicy): ResolvedArchPolicy {
  const execRules = ALWAYS_NOTIFIED.flatMap((name): ResolvedRule[] => {
    const nr = numberOn(policy.arch, name);
    return nr === undefined
      ? []
      : [{ nr, action: NOTIFY, condition: ALWAYS, ruleIndex: -1, range: SYNTHETIC_RANGE }];
  });
  return {
    ...policy,
    defaultAction: policy.defaultAction.kind === 'allow' ? ALLOW : NOTIFY,
    rules: [
      ...execRules,
      ...policy.rules.map((rule) =>
        rule.action.kind === 'allow' ? rule : { ...rule, action: NOTIFY },
      ),
    ],
  };
}

/**
 * The policy behind the learn/check filter (DESIGN.md "Run modes"): exactly where the deployed
 * policy allows (for the given arguments too), the kernel allows, except ALWAYS_NOTIFIED;
 * everything else is notified, so the supervisor sees the arguments of what is not allowed yet.
 * Rewriting each rule's action in place keeps first-match order.
 */
export function supervisedResolved(policy: ResolvedPolicy): ResolvedPolicy {
  return {
    badArchAction: policy.badArchAction.kind === 'allow' ? ALLOW : NOTIFY,
    arches: policy.arches.map(supervisedArch),
  };
}

/** The learn/check filter: `supervisedResolved` of the policy, compiled. */
export function compileSupervisedFilter(
  policy: Policy,
  archOrOptions?: Arch | CompileOptions,
): CompiledFilter {
  const options: CompileOptions =
    typeof archOrOptions === 'string' ? { arches: [archOrOptions] } : (archOrOptions ?? {});
  return compileResolved(supervisedResolved(resolveForCompile(policy)), options);
}

/**
 * What the deployed policy does with syscall `nr` (and its arguments) on `arch`: the first rule
 * for it whose condition holds, else the default; x32 numbers on x86_64 and unlisted arches get
 * the bad-arch action.
 */
export function policyVerdict(
  policy: Policy,
  nr: number,
  arch: Arch = 'x86_64',
  args: readonly bigint[] = [],
): SeccompAction {
  return interpretResolved(resolveForCompile(policy), seccompDataFor(nr, args, auditArchOf(arch)));
}
