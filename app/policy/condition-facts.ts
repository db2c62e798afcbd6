import { evaluateCompare } from './interpret';
import type { ArgCompare, ArgCondition, ArgIndex, ResolvedArchPolicy } from './resolved';

/**
 * Facts about resolved conditions that the checker needs to judge grants: whether a condition
 * rules out a flag bit, whether it can hold for a given argument value. Both are sound in the
 * direction that matters: "forces clear" and "cannot hold" are only claimed when certain.
 */

/**
 * When does rule `index` of `arch.rules` really decide: its own condition holds and no earlier
 * rule for the same syscall matched first.
 */
export function effectiveCondition(arch: ResolvedArchPolicy, index: number): ArgCondition {
  const rule = arch.rules[index]!;
  const earlier = arch.rules
    .slice(0, index)
    .filter((r) => r.nr === rule.nr)
    .map((r): ArgCondition => ({ kind: 'not', item: r.condition }));
  return earlier.length === 0
    ? rule.condition
    : { kind: 'and', items: [rule.condition, ...earlier] };
}

/** Whether every argument value satisfying `condition` has `bit` of argument `arg` clear. */
export function forcesBitClear(condition: ArgCondition, arg: ArgIndex, bit: bigint): boolean {
  return forces(condition, arg, bit, false);
}

function forces(condition: ArgCondition, arg: ArgIndex, bit: bigint, negated: boolean): boolean {
  switch (condition.kind) {
    case 'true':
      return negated;
    case 'false':
      return !negated;
    case 'not':
      return forces(condition.item, arg, bit, !negated);
    case 'and':
    case 'or': {
      // Under negation, De Morgan swaps them: a conjunction forces when any part does.
      const conjunction = (condition.kind === 'and') !== negated;
      const parts = condition.items.map((item) => forces(item, arg, bit, negated));
      return conjunction ? parts.some(Boolean) : parts.every(Boolean);
    }
    case 'cmp':
      return compareForces(condition, arg, bit, negated);
  }
}

const NEGATED_OP = { '==': '!=', '!=': '==', '<': '>=', '<=': '>', '>': '<=', '>=': '<' } as const;

function compareForces(compare: ArgCompare, arg: ArgIndex, bit: bigint, negated: boolean): boolean {
  if (compare.arg !== arg || bit >= BigInt(compare.width)) return false;
  const op = negated ? NEGATED_OP[compare.op] : compare.op;
  const flag = 1n << bit;
  const mask = compare.mask ?? (1n << BigInt(compare.width)) - 1n;
  if ((mask & flag) === 0n) return false;
  switch (op) {
    case '==':
      return (compare.value & flag) === 0n;
    // Unsigned (x & mask) < V with V <= flag: every bit from `bit` up is clear.
    case '<':
      return !compare.signed && compare.value <= flag;
    case '<=':
      return !compare.signed && compare.value < flag;
    default:
      return false;
  }
}

/**
 * Three-valued: false when `condition` cannot hold while argument `arg` equals `value` (other
 * arguments unknown), true when it must, undefined when it depends on the other arguments.
 */
export function holdsWith(
  condition: ArgCondition,
  arg: ArgIndex,
  value: bigint,
): boolean | undefined {
  switch (condition.kind) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'not': {
      const inner = holdsWith(condition.item, arg, value);
      return inner === undefined ? undefined : !inner;
    }
    case 'and': {
      const parts = condition.items.map((item) => holdsWith(item, arg, value));
      if (parts.includes(false)) return false;
      return parts.every((p) => p === true) ? true : undefined;
    }
    case 'or': {
      const parts = condition.items.map((item) => holdsWith(item, arg, value));
      if (parts.includes(true)) return true;
      return parts.every((p) => p === false) ? false : undefined;
    }
    case 'cmp':
      return condition.arg === arg ? compareHolds(condition, value) : undefined;
  }
}

/** `((value & mask) op compared)`: the reference interpreter's meaning, for one argument value. */
export function compareHolds(compare: ArgCompare, value: bigint): boolean {
  const args = [0n, 0n, 0n, 0n, 0n, 0n] as [bigint, bigint, bigint, bigint, bigint, bigint];
  args[compare.arg] = BigInt.asUintN(64, value);
  return evaluateCompare(compare, args);
}
