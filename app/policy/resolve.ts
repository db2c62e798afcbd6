import { archInfo, type ArchInfo } from '../linux/arches';
import { syscallNumber, type Arch } from '../linux/syscalls';
import type { Policy, SeccompAction, SeccompPolicy, SyscallRef, SyscallRule } from './model';
import {
  ALWAYS,
  type ArgCondition,
  type ResolvedArchPolicy,
  type ResolvedPolicy,
  type ResolvedRule,
} from './resolved';
import { resolveCondition, type ConditionProblem } from './resolve-condition';
import { ruleDiagnostic } from './rule-diagnostic';
import type { Diagnostic } from './source-range';

export interface ResolveOutcome {
  /** Set exactly when no diagnostic is an error. */
  readonly resolved?: ResolvedPolicy;
  readonly diagnostics: readonly Diagnostic[];
}

/** resolvePolicy was given a policy with errors (parsePolicy would not have returned it). */
export class PolicyResolveError extends Error {
  override readonly name = 'PolicyResolveError';

  constructor(readonly diagnostics: readonly Diagnostic[]) {
    const first = diagnostics.find((d) => d.severity === 'error');
    super(`the policy cannot be resolved: ${first?.message ?? 'unknown error'}`);
  }
}

const KILL_PROCESS: SeccompAction = { kind: 'kill-process' };
const ALLOW: SeccompAction = { kind: 'allow' };

/**
 * The policy for the compiler, one entry per listed arch: syscall numbers of that arch, groups
 * expanded, conditions with that arch's constants (resolved.ts documents the semantics). Without
 * a seccomp section nothing is filtered: x86_64, default allow. Throws PolicyResolveError when
 * the policy has errors (a policy from parsePolicy never has).
 */
export function resolvePolicy(policy: Policy): ResolvedPolicy {
  const outcome = resolvePolicyChecked(policy);
  if (!outcome.resolved) throw new PolicyResolveError(outcome.diagnostics);
  return outcome.resolved;
}

const cache = new WeakMap<Policy, ResolveOutcome>();

/**
 * resolvePolicy with its findings: syscalls no listed arch has (error) or only some have (info),
 * constants an arch does not define and values too wide for the compared width (errors), negative
 * values compared as 64 bits (warning). Cached per policy object (policies are immutable).
 */
export function resolvePolicyChecked(policy: Policy): ResolveOutcome {
  const cached = cache.get(policy);
  if (cached) return cached;
  const outcome = resolveSeccomp(policy.linux.seccomp);
  cache.set(policy, outcome);
  return outcome;
}

function resolveSeccomp(seccomp: SeccompPolicy | undefined): ResolveOutcome {
  if (!seccomp) {
    return {
      resolved: { arches: [unfiltered(archInfo('x86_64'))], badArchAction: KILL_PROCESS },
      diagnostics: [],
    };
  }
  const arches = seccomp.arch.map(archInfo);
  const conditions = seccomp.rules.map((rule) => resolveRuleConditions(rule, arches));
  const diagnostics = [
    ...availability(seccomp, arches),
    ...seccomp.rules.flatMap((rule, i) => conditionDiagnostics(rule, conditions[i]!, arches)),
  ];
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  const resolved: ResolvedPolicy = {
    arches: arches.map((arch) => resolveArch(seccomp, arch, conditions)),
    badArchAction: seccomp.badArchAction ?? KILL_PROCESS,
  };
  return { resolved, diagnostics };
}

function unfiltered(arch: ArchInfo): ResolvedArchPolicy {
  return {
    arch: arch.name,
    auditArch: arch.auditArch,
    defaultAction: ALLOW,
    rules: [],
    unresolved: [],
  };
}

interface RuleConditions {
  readonly perArch: ReadonlyMap<Arch, ArgCondition | undefined>;
  readonly problems: ReadonlyMap<Arch, readonly ConditionProblem[]>;
}

function resolveRuleConditions(rule: SyscallRule, arches: readonly ArchInfo[]): RuleConditions {
  const perArch = new Map<Arch, ArgCondition | undefined>();
  const problems = new Map<Arch, readonly ConditionProblem[]>();
  for (const arch of arches) {
    // A rule none of whose syscalls this arch has needs no condition there (arch_prctl's
    // ARCH_SET_FS has no value on aarch64, which has no arch_prctl either).
    if (
      !rule.condition ||
      !rule.syscalls.some((s) => syscallNumber(arch.name, s.name) !== undefined)
    ) {
      perArch.set(arch.name, ALWAYS);
      continue;
    }
    const result = resolveCondition(rule.condition.expr, arch);
    perArch.set(arch.name, result.condition);
    problems.set(arch.name, result.problems);
  }
  return { perArch, problems };
}

function resolveArch(
  seccomp: SeccompPolicy,
  arch: ArchInfo,
  conditions: readonly RuleConditions[],
): ResolvedArchPolicy {
  const rules: ResolvedRule[] = [];
  const unresolved = new Set<string>();
  seccomp.rules.forEach((rule, ruleIndex) => {
    const condition = conditions[ruleIndex]!.perArch.get(arch.name) ?? ALWAYS;
    const numbers = new Set<number>();
    for (const ref of rule.syscalls) {
      const nr = syscallNumber(arch.name, ref.name);
      if (nr === undefined) {
        unresolved.add(ref.name);
      } else if (!numbers.has(nr)) {
        numbers.add(nr);
        const range = rule.origin?.includedAt ?? ref.range;
        rules.push({ nr, action: rule.action, condition, ruleIndex, range });
      }
    }
  });
  return {
    arch: arch.name,
    auditArch: arch.auditArch,
    defaultAction: seccomp.defaultAction,
    rules,
    unresolved: [...unresolved],
  };
}

/** "on arm, riscv64: " when a finding holds on some of the listed arches only. */
function archPrefix(found: readonly Arch[], listed: readonly ArchInfo[]): string {
  return found.length === listed.length ? '' : `on ${found.join(', ')}: `;
}

/** Names written out (not from a group) must exist on a listed arch; groups span all arches. */
function availability(seccomp: SeccompPolicy, arches: readonly ArchInfo[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const rule of seccomp.rules) {
    const reported = new Set<SyscallRef>();
    for (const ref of rule.syscalls) {
      if (ref.group !== undefined || reported.has(ref)) continue;
      reported.add(ref);
      const missing = arches.filter((a) => syscallNumber(a.name, ref.name) === undefined);
      if (missing.length === 0) continue;
      const names = missing.map((a) => a.name).join(', ');
      diagnostics.push(
        missing.length === arches.length
          ? ruleDiagnostic(
              rule,
              'error',
              'unknown-syscall',
              `${ref.name} is not a syscall on ${names}`,
              ref.range,
            )
          : ruleDiagnostic(
              rule,
              'info',
              'arch-specific-syscall',
              `${ref.name} is not a syscall on ${names}: skipped there`,
              ref.range,
            ),
      );
    }
  }
  return diagnostics;
}

/** One diagnostic per problem, naming the arches it occurs on when not all. */
function conditionDiagnostics(
  rule: SyscallRule,
  conditions: RuleConditions,
  arches: readonly ArchInfo[],
): Diagnostic[] {
  const merged = new Map<string, { problem: ConditionProblem; arches: Arch[] }>();
  for (const [arch, problems] of conditions.problems) {
    for (const problem of problems) {
      const { start, end } = problem.range;
      const key = `${problem.severity}\0${problem.code}\0${start.offset}\0${end.offset}\0${problem.message}`;
      const entry = merged.get(key) ?? { problem, arches: [] };
      entry.arches.push(arch);
      merged.set(key, entry);
    }
  }
  return [...merged.values()].map(({ problem, arches: found }) =>
    ruleDiagnostic(
      rule,
      problem.severity,
      problem.code,
      `${archPrefix(found, arches)}${problem.message}`,
      problem.range,
    ),
  );
}
