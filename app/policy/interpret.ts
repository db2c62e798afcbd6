import type { SeccompData } from '../bpf/program';
import { AUDIT_ARCH, X86 } from '../linux/constants';
import type { SeccompAction } from './model';
import type { ArgCompare, ArgCondition, ResolvedArchPolicy, ResolvedPolicy } from './resolved';

/*
 * The meaning of a resolved policy, written as directly as possible so that it can serve as the
 * reference the compiled BPF program is tested against. Nothing here is optimized.
 */

const X86_64_AUDIT_ARCH: number = AUDIT_ARCH.AUDIT_ARCH_X86_64;

/** `__X32_SYSCALL_BIT`: on AUDIT_ARCH_X86_64, numbers from here up are x32-ABI syscalls. */
const X32_BIT: number = X86.__X32_SYSCALL_BIT;

/** The x32 ABI shares AUDIT_ARCH_X86_64 with x86_64; the arch name tells them apart. */
export function isX32Policy(policy: ResolvedArchPolicy): boolean {
  return policy.auditArch >>> 0 === X86_64_AUDIT_ARCH && policy.arch !== 'x86_64';
}

/**
 * The arch policy that governs `data`, or undefined (bad arch). On AUDIT_ARCH_X86_64 a number
 * with the x32 bit (unsigned, so negative numbers too) belongs to x32 and anything below to
 * x86_64; each only matches if the policy lists that ABI. The first listed entry wins.
 */
export function archPolicyFor(
  policy: ResolvedPolicy,
  data: Pick<SeccompData, 'arch' | 'nr'>,
): ResolvedArchPolicy | undefined {
  const arch = data.arch >>> 0;
  const candidates = policy.arches.filter((p) => p.auditArch >>> 0 === arch);
  if (arch !== X86_64_AUDIT_ARCH) return candidates[0];
  const wantX32 = data.nr >>> 0 >= X32_BIT;
  return candidates.find((p) => isX32Policy(p) === wantX32);
}

/** `((arg & mask) op value)` at the compare's width, signed or unsigned as it says. */
export function evaluateCompare(compare: ArgCompare, args: SeccompData['args']): boolean {
  const width = compare.width;
  const arg = BigInt.asUintN(width, args[compare.arg]);
  const mask = compare.mask === undefined ? undefined : BigInt.asUintN(width, compare.mask);
  const masked = mask === undefined ? arg : arg & mask;
  const value = BigInt.asUintN(width, compare.value);
  const ordered = (x: bigint): bigint => (compare.signed ? BigInt.asIntN(width, x) : x);
  const left = ordered(masked);
  const right = ordered(value);
  switch (compare.op) {
    case '==':
      return left === right;
    case '!=':
      return left !== right;
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    case '>=':
      return left >= right;
  }
}

export function evaluateCondition(condition: ArgCondition, args: SeccompData['args']): boolean {
  switch (condition.kind) {
    case 'cmp':
      return evaluateCompare(condition, args);
    case 'and':
      return condition.items.every((item) => evaluateCondition(item, args));
    case 'or':
      return condition.items.some((item) => evaluateCondition(item, args));
    case 'not':
      return !evaluateCondition(condition.item, args);
    case 'true':
      return true;
    case 'false':
      return false;
  }
}

/** The action of the first rule for `data.nr` (file order) whose condition holds, else the default. */
export function interpretArch(policy: ResolvedArchPolicy, data: SeccompData): SeccompAction {
  const nr = data.nr >>> 0;
  for (const rule of policy.rules) {
    if (rule.nr >>> 0 === nr && evaluateCondition(rule.condition, data.args)) return rule.action;
  }
  return policy.defaultAction;
}

/** What the filter compiled from `policy` must do with `data`. */
export function interpretResolved(policy: ResolvedPolicy, data: SeccompData): SeccompAction {
  const arch = archPolicyFor(policy, data);
  return arch === undefined ? policy.badArchAction : interpretArch(arch, data);
}
