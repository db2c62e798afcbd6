import { syscallNames, syscallNumber, type Arch } from '../linux/syscalls';
import { formatAction } from '../policy/actions';
import type { Policy, SeccompAction, SyscallRule } from '../policy/model';
import type { SourceRange } from '../policy/source-range';

/*
 * A policy seen one syscall name at a time, as name-based formats (systemd, minijail) need it:
 * the rules that can decide the name, in order, up to the first one without a condition (or the
 * default when there is none).
 */

export interface VerdictStep {
  readonly action: SeccompAction;
  /** Undefined for the unconditional step that ends the list. */
  readonly rule?: SyscallRule;
  /** The rule's `when:` text. */
  readonly when?: string;
  /** The rule, or the default's range, for warnings. */
  readonly range?: SourceRange;
}

export interface NameVerdict {
  readonly name: string;
  /** Conditional steps first (file order), then exactly one unconditional step. */
  readonly steps: readonly VerdictStep[];
}

export function sameAction(a: SeccompAction, b: SeccompAction): boolean {
  return formatAction(a) === formatAction(b);
}

/** Every syscall name of the policy's arches (the union), in first-seen order. */
export function policyNames(arches: readonly Arch[]): string[] {
  return [...new Set(arches.flatMap((a) => syscallNames(a)))];
}

function stepsFor(
  name: string,
  rules: readonly SyscallRule[],
  fallback: VerdictStep,
): VerdictStep[] {
  const steps: VerdictStep[] = [];
  for (const rule of rules) {
    if (!rule.syscalls.some((s) => s.name === name)) continue;
    const range = rule.origin?.includedAt ?? rule.range;
    if (!rule.condition) return [...steps, { action: rule.action, rule, range }];
    steps.push({ action: rule.action, rule, when: rule.condition.text, range });
  }
  return [...steps, fallback];
}

/**
 * The verdict steps of every name the policy's rules mention (others get the default), for the
 * names that exist on at least one of its arches. Undefined when the policy has no seccomp filter.
 */
export function nameVerdicts(policy: Policy): NameVerdict[] | undefined {
  const seccomp = policy.linux.seccomp;
  if (!seccomp) return undefined;
  const fallback: VerdictStep = {
    action: seccomp.defaultAction,
    ...(seccomp.defaultRange ? { range: seccomp.defaultRange } : {}),
  };
  const mentioned = new Set(seccomp.rules.flatMap((r) => r.syscalls.map((s) => s.name)));
  return [...mentioned]
    .filter((name) => seccomp.arch.some((a) => syscallNumber(a, name) !== undefined))
    .map((name) => ({ name, steps: stepsFor(name, seccomp.rules, fallback) }));
}

/** The distinct actions a name can get. */
export function possibleActions(verdict: NameVerdict): SeccompAction[] {
  const out: SeccompAction[] = [];
  for (const step of verdict.steps) {
    if (!out.some((a) => sameAction(a, step.action))) out.push(step.action);
  }
  return out;
}
