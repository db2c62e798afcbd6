import { archInfo, isArch } from '../linux/arches';
import type { Arch } from '../linux/syscalls';
import { syscallName, syscallNames, syscallNumber } from '../linux/syscalls';
import type { Policy, SeccompAction, SyscallRule } from '../policy/model';
import {
  ALWAYS,
  type ArgCompare,
  type ArgCondition,
  type ArgIndex,
  type CompareOp,
  type ResolvedArchPolicy,
  type ResolvedPolicy,
  type ResolvedRule,
} from '../policy/resolved';
import type { SourceRange } from '../policy/source-range';
import { isConditionalJump, OP } from './encode';
import type { BpfProgram } from './program';

/**
 * Builders for tests: policies without the YAML parser, with a dummy source range per line.
 */

export function lineRange(line: number): SourceRange {
  return {
    start: { line, column: 1, offset: 0 },
    end: { line, column: 2, offset: 1 },
  };
}

export const KILL_PROCESS: SeccompAction = { kind: 'kill-process' };
export const KILL_THREAD: SeccompAction = { kind: 'kill-thread' };
export const TRAP: SeccompAction = { kind: 'trap' };
export const LOG: SeccompAction = { kind: 'log' };
export const ALLOW: SeccompAction = { kind: 'allow' };
export const NOTIFY: SeccompAction = { kind: 'notify' };
export const errno = (value: number): SeccompAction => ({ kind: 'errno', errno: value });

export function rule(action: SeccompAction, names: readonly string[], line = 1): SyscallRule {
  return {
    action,
    syscalls: names.map((name) => ({ name, range: lineRange(line) })),
    range: lineRange(line),
  };
}

export function seccompPolicy(defaultAction: SeccompAction, rules: readonly SyscallRule[]): Policy {
  return {
    version: 1,
    linux: { noNewPrivs: true, seccomp: { arch: ['x86_64'], defaultAction, rules } },
  };
}

export const NO_SECCOMP: Policy = { version: 1, linux: { noNewPrivs: true } };

export function nr(name: string): number {
  const value = syscallNumber('x86_64', name);
  if (value === undefined) throw new Error(`test: no syscall ${name}`);
  return value;
}

/** Every x86_64 syscall name, sorted by number. */
export function namesByNumber(): string[] {
  return [...syscallNames('x86_64')].sort((a, b) => nr(a) - nr(b));
}

export function nameOf(value: number): string {
  const name = syscallName('x86_64', value);
  if (name === undefined) throw new Error(`test: no syscall number ${value}`);
  return name;
}

/** Opcodes `seccomp_is_const_allow` can follow (kernel/seccomp.c). */
export const ACTION_CACHE_SAFE: ReadonlySet<number> = new Set([
  OP.LD_W_ABS,
  OP.JEQ_K,
  OP.JGE_K,
  OP.JGT_K,
  OP.JSET_K,
  OP.JA,
  OP.AND_K,
  OP.RET_K,
]);

/** Every instruction index some path from the start reaches. */
export function reachableInstructions(p: BpfProgram): number[] {
  const seen = new Set<number>();
  const stack = [0];
  while (stack.length > 0) {
    const pc = stack.pop() ?? 0;
    const insn = p[pc];
    if (seen.has(pc) || insn === undefined) continue;
    seen.add(pc);
    if (insn.code === OP.RET_K || insn.code === OP.RET_A) continue;
    if (insn.code === OP.JA) stack.push(pc + 1 + insn.k);
    else if (isConditionalJump(insn.code)) stack.push(pc + 1 + insn.jt, pc + 1 + insn.jf);
    else stack.push(pc + 1);
  }
  return [...seen].sort((a, b) => a - b);
}

/* Resolved policies (the compiler's input) without the language front end. */

/** An arch name from the generated tables. */
export function abi(name: string): Arch {
  if (!isArch(name)) throw new Error(`test: no arch ${name}`);
  return name;
}

export function resolvedRule(
  nr: number,
  action: SeccompAction,
  condition: ArgCondition = ALWAYS,
  line = 1,
): ResolvedRule {
  return { nr, action, condition, ruleIndex: line - 1, range: lineRange(line) };
}

export function archPolicy(
  arch: string,
  defaultAction: SeccompAction,
  rules: readonly ResolvedRule[],
): ResolvedArchPolicy {
  const name = abi(arch);
  return { arch: name, auditArch: archInfo(name).auditArch, defaultAction, rules, unresolved: [] };
}

export function resolvedPolicy(
  arches: readonly ResolvedArchPolicy[],
  badArchAction: SeccompAction = KILL_PROCESS,
): ResolvedPolicy {
  return { arches, badArchAction };
}

/** `argN op value` (64-bit, unsigned unless told), e.g. cmp(1, '==', 5n, { mask: 0xffn }). */
export function cmp(
  arg: ArgIndex,
  op: CompareOp,
  value: bigint,
  options: { mask?: bigint; width?: 32 | 64; signed?: boolean } = {},
): ArgCompare {
  const width = options.width ?? 64;
  return {
    kind: 'cmp',
    arg,
    op,
    value: BigInt.asUintN(width, value),
    width,
    signed: options.signed ?? false,
    ...(options.mask === undefined ? {} : { mask: BigInt.asUintN(width, options.mask) }),
  };
}

export const and = (...items: ArgCondition[]): ArgCondition => ({ kind: 'and', items });
export const or = (...items: ArgCondition[]): ArgCondition => ({ kind: 'or', items });
export const not = (item: ArgCondition): ArgCondition => ({ kind: 'not', item });
