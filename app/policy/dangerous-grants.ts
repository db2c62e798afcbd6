import { constantValue } from '../linux/arch-constants';
import { syscallNumber, type Arch } from '../linux/syscalls';
import { effectiveCondition, forcesBitClear, holdsWith } from './condition-facts';
import {
  DANGEROUS_SYSCALLS,
  NAMESPACE_FLAGS,
  TERMINAL_INJECTION_REQUESTS,
  type Danger,
} from './dangerous-syscalls';
import type { Policy, SeccompAction, SyscallRef, SyscallRule } from './model';
import type { ResolvedArchPolicy, ResolvedPolicy } from './resolved';
import { ruleDiagnostic } from './rule-diagnostic';
import { listNames } from './rule-warnings';
import type { Diagnostic, SourceRange } from './source-range';

const CODE = 'dangerous-grant';

/** Actions that let the syscall run. */
function grants(action: SeccompAction): boolean {
  return action.kind === 'allow' || action.kind === 'log';
}

/**
 * Warnings for grants that weaken the sandbox (dangerous-syscalls.ts lists them and when a
 * condition is enough). A group entry gets one warning naming its dangerous members.
 */
export function dangerousGrants(policy: Policy, resolved: ResolvedPolicy): Diagnostic[] {
  const seccomp = policy.linux.seccomp;
  if (!seccomp) return [];
  const noNewPrograms = policy.intent?.includes('no-new-programs') ?? false;
  const decided = new Set<string>();
  const warnings: Diagnostic[] = [];
  seccomp.rules.forEach((rule, ruleIndex) => {
    const flagged = new Map<SourceRange, { ref: SyscallRef; names: string[] }>();
    for (const ref of rule.syscalls) {
      const danger = DANGEROUS_SYSCALLS[ref.name];
      if (!danger || decided.has(ref.name) || !grants(rule.action)) continue;
      if (!resolved.arches.some((a) => syscallNumber(a.arch, ref.name) !== undefined)) continue;
      const problem = grantProblem(ref.name, danger, rule, ruleIndex, resolved, noNewPrograms);
      if (problem === undefined) continue;
      if (ref.group === undefined) {
        warnings.push(ruleDiagnostic(rule, 'warning', CODE, `${ref.name} ${problem}`, ref.range));
      } else {
        const entry = flagged.get(ref.range) ?? { ref, names: [] };
        if (!entry.names.includes(ref.name)) entry.names.push(ref.name);
        flagged.set(ref.range, entry);
      }
    }
    for (const { ref, names } of flagged.values()) {
      const message = `${ref.group} allows dangerous syscalls: ${listNames(names)}; allow only those the program needs`;
      warnings.push(ruleDiagnostic(rule, 'warning', CODE, message, ref.range));
    }
    if (!rule.condition) for (const ref of rule.syscalls) decided.add(ref.name);
  });
  return [...warnings, ...defaultGrant(policy, resolved, decided, noNewPrograms)];
}

/** What is wrong with granting `name` in this rule (completing "NAME …"), or undefined. */
function grantProblem(
  name: string,
  danger: Danger,
  rule: SyscallRule,
  ruleIndex: number,
  resolved: ResolvedPolicy,
  noNewPrograms: boolean,
): string | undefined {
  switch (danger.kind) {
    case 'unconditional':
      return rule.condition ? undefined : danger.reason;
    case 'always':
      return danger.reason;
    case 'exec':
      return noNewPrograms ? danger.reason : undefined;
    case 'namespaces': {
      const open = openNamespaceFlags(name as 'clone' | 'unshare', ruleIndex, resolved);
      if (open.length === 0) return undefined;
      return `${danger.reason} (${listNames(open, 3)}); add when: "noneof(arg0, ${open.join('|')})"`;
    }
    case 'tiocsti': {
      const requests = injectableRequests(ruleIndex, resolved);
      if (requests.length === 0) return undefined;
      return `may be called with ${requests.join(' or ')}, which types commands into the terminal; allow only the requests needed, e.g. when: "arg1 in {TCGETS, FIONREAD}"`;
    }
  }
}

/** The resolved rules of `ruleIndex` for syscall `name`, with their position, on every arch. */
function grantsOf(
  name: string,
  ruleIndex: number,
  resolved: ResolvedPolicy,
): { arch: ResolvedArchPolicy; index: number }[] {
  return resolved.arches.flatMap((arch) => {
    const nr = syscallNumber(arch.arch, name);
    return arch.rules
      .map((rule, index) => ({ rule, index }))
      .filter(({ rule }) => rule.nr === nr && rule.ruleIndex === ruleIndex)
      .map(({ index }) => ({ arch, index }));
  });
}

/** Namespace flags the rule lets through on some arch (arg0 of clone and unshare). */
function openNamespaceFlags(
  name: 'clone' | 'unshare',
  ruleIndex: number,
  resolved: ResolvedPolicy,
): string[] {
  const open = new Set<string>();
  for (const { arch, index } of grantsOf(name, ruleIndex, resolved)) {
    const condition = effectiveCondition(arch, index);
    for (const flag of NAMESPACE_FLAGS[name]) {
      const value = constantValue(arch.arch, flag);
      if (value === undefined || value <= 0n) continue;
      const bit = BigInt(value.toString(2).length - 1);
      if (!forcesBitClear(condition, 0, bit)) open.add(flag);
    }
  }
  return NAMESPACE_FLAGS[name].filter((flag) => open.has(flag));
}

/**
 * Terminal-injection requests the rule may let through on some arch. ioctl's request is an
 * `unsigned int` the kernel truncates, so the high half of arg1 is the caller's to choose.
 */
function injectableRequests(ruleIndex: number, resolved: ResolvedPolicy): string[] {
  const found = new Set<string>();
  for (const { arch, index } of grantsOf('ioctl', ruleIndex, resolved)) {
    const condition = effectiveCondition(arch, index);
    for (const request of TERMINAL_INJECTION_REQUESTS) {
      const value = constantValue(arch.arch, request);
      if (value === undefined) continue;
      const samples = HIGH_HALVES.map((high) => (high << 32n) | BigInt.asUintN(32, value));
      if (samples.some((sample) => holdsWith(condition, 1, sample) !== false)) found.add(request);
    }
  }
  return TERMINAL_INJECTION_REQUESTS.filter((r) => found.has(r));
}

const HIGH_HALVES = [0n, 1n, 0x7fffffffn, 0x80000000n, 0xffffffffn];

/** `default: allow` (or log) grants every dangerous syscall no unconditional rule decides. */
function defaultGrant(
  policy: Policy,
  resolved: ResolvedPolicy,
  decided: ReadonlySet<string>,
  noNewPrograms: boolean,
): Diagnostic[] {
  const seccomp = policy.linux.seccomp;
  if (!seccomp || !grants(seccomp.defaultAction) || !seccomp.defaultRange) return [];
  const arches: readonly Arch[] = resolved.arches.map((a) => a.arch);
  const names = Object.entries(DANGEROUS_SYSCALLS)
    .filter(([, danger]) => danger.kind !== 'exec' || noNewPrograms)
    .map(([name]) => name)
    .filter((name) => !decided.has(name))
    .filter((name) => arches.some((arch) => syscallNumber(arch, name) !== undefined));
  if (names.length === 0) return [];
  const message = `the default ${seccomp.defaultAction.kind} grants dangerous syscalls no rule decides: ${listNames(names, 6)}; deny them with a rule`;
  return [{ severity: 'warning', code: CODE, message, range: seccomp.defaultRange }];
}
