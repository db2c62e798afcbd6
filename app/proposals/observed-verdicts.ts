import { seccompDataFor } from '../bpf/emulate';
import { archInfo } from '../linux/arches';
import { archPolicyFor, evaluateCondition } from '../policy/interpret';
import type { Policy, SeccompAction } from '../policy/model';
import type { ResolvedArchPolicy, ResolvedPolicy, ResolvedRule } from '../policy/resolved';
import type { CallArgs, SyscallObservation } from './observations';

/** Actions that let the syscall run. */
export function letsRun(action: SeccompAction): boolean {
  return action.kind === 'allow' || action.kind === 'log';
}

/** Who decides a call: a rule (its index in `linux.seccomp.rules`), else the default. */
export interface Decider {
  readonly action: SeccompAction;
  /** Undefined when the default action decides. */
  readonly ruleIndex?: number;
}

/** An observed call the policy does not let run, and what decides it. */
export interface DeniedCall {
  readonly args: CallArgs;
  readonly decider: Decider;
}

/** How the current policy treats what a run observed of one syscall. */
export type ObservationVerdict =
  | { readonly kind: 'bad-arch'; readonly action: SeccompAction }
  | {
      readonly kind: 'assessed';
      /** The observed calls the policy still does not let run. */
      readonly denied: readonly DeniedCall[];
      /**
       * For events without arguments (kernel audit records): what decides them when arguments
       * cannot change it; `unknown` when they could (a rule with a condition lists the syscall).
       */
      readonly withoutArguments?: Decider | 'unknown';
    };

function decide(policy: ResolvedArchPolicy, nr: number, args: CallArgs): Decider {
  const rule = policy.rules.find(
    (r) => r.nr >>> 0 === nr >>> 0 && evaluateCondition(r.condition, args),
  );
  return rule
    ? { action: rule.action, ruleIndex: rule.ruleIndex }
    : { action: policy.defaultAction };
}

/** The decider of every call, when arguments cannot change it (no rule or an unconditional first). */
function argumentFreeDecider(policy: ResolvedArchPolicy, nr: number): Decider | undefined {
  const first: ResolvedRule | undefined = policy.rules.find((r) => r.nr >>> 0 === nr >>> 0);
  if (!first) return { action: policy.defaultAction };
  return first.condition.kind === 'true'
    ? { action: first.action, ruleIndex: first.ruleIndex }
    : undefined;
}

/**
 * The current policy's verdict on each observed call, with the reference interpreter's meaning
 * (the compiled filter agrees with it by construction, see compile-resolved.ts).
 */
export function observationVerdict(
  resolved: ResolvedPolicy,
  observation: SyscallObservation,
): ObservationVerdict {
  const auditArch = archInfo(observation.arch).auditArch;
  const arch = archPolicyFor(resolved, { arch: auditArch, nr: observation.nr });
  if (!arch) return { kind: 'bad-arch', action: resolved.badArchAction };
  const denied: DeniedCall[] = [];
  for (const args of observation.calls) {
    const decider = decide(arch, observation.nr, args);
    if (!letsRun(decider.action)) denied.push({ args, decider });
  }
  if (!observation.withoutArguments) return { kind: 'assessed', denied };
  const decider = argumentFreeDecider(arch, observation.nr) ?? 'unknown';
  if (decider !== 'unknown' && letsRun(decider.action)) return { kind: 'assessed', denied };
  return { kind: 'assessed', denied, withoutArguments: decider };
}

/** seccomp_data of an observed call, for the emulator. */
export function callData(observation: SyscallObservation, args: CallArgs) {
  return seccompDataFor(observation.nr, args, archInfo(observation.arch).auditArch);
}

/** The rule of the policy model a decider names (undefined for the default). */
export function deciderRule(policy: Policy, decider: Decider) {
  const rules = policy.linux.seccomp?.rules ?? [];
  return decider.ruleIndex === undefined ? undefined : rules[decider.ruleIndex];
}
