import type { Arch } from '../linux/syscalls';
import type { ResolvedArchPolicy, ResolvedPolicy, ResolvedRule } from '../policy/resolved';
import { actionReturnValue } from './actions';
import { verdictKey, verdictOf } from './compile-verdicts';
import { isConditionalJump, OP, SECCOMP_DATA } from './encode';
import type { BpfInstruction, BpfProgram } from './program';
import { BPF } from '../linux/constants';

/**
 * Which instructions of a compiled filter each rule of the policy produced, read off the program
 * itself: for every syscall number a rule decides, follow the dispatch (it reads only `arch` and
 * `nr`, so the path is fixed) to the RET or argument block it ends in. A rule decides a number
 * when it changes that number's verdict (compile-verdicts.ts): a rule an earlier one shadows
 * produced no code, and is mapped to none.
 */

export interface RuleInstructions {
  /**
   * What the rule decides: the dispatch test that singles out each of its syscalls, the argument
   * checks behind it and the returns they reach. Ascending.
   */
  readonly own: readonly number[];
  /** The shared dispatch before that (arch check, number search), ascending. */
  readonly path: readonly number[];
  /**
   * The steps between instructions the rule's syscalls can take, as `from>to` pcs: the dispatch
   * they follow and every way through their argument checks. (A shared RET is in `own` of many
   * rules; the step into it tells whose way reaches it.)
   */
  readonly steps: readonly string[];
}

export interface InstructionOrigins {
  /** By rule index (`ResolvedRule.ruleIndex`: the rule's place in linux.seccomp.rules). */
  readonly byRule: ReadonlyMap<number, RuleInstructions>;
  /** Per instruction, the rules it is `own` code of, ascending. */
  readonly byInstruction: readonly (readonly number[])[];
}

/** Where the dispatch of one syscall number leads. */
interface DispatchWalk {
  /** Instructions run before the verdict, in order. */
  readonly path: readonly number[];
  /** `from>to` of each step taken. */
  readonly steps: readonly string[];
  /** The last test of the number on the path (its index in `path`), or -1. */
  readonly decision: number;
  /** The first instruction that reads an argument, when the verdict depends on them. */
  readonly block?: number;
}

function isReturn(insn: BpfInstruction): boolean {
  return insn.code === OP.RET_K || insn.code === OP.RET_A;
}

/** Whether a conditional jump on K is taken for the accumulator value `a`. */
function taken(insn: BpfInstruction, a: number): boolean {
  const op = insn.code & 0xf0;
  const k = insn.k >>> 0;
  if (op === BPF.BPF_JEQ) return a === k;
  if (op === BPF.BPF_JGT) return a > k;
  if (op === BPF.BPF_JGE) return a >= k;
  return (a & k) >>> 0 !== 0;
}

/**
 * Runs the program for `arch`/`nr` as far as it depends on nothing else: up to a RET, or to the
 * first instruction that needs an argument (or anything the walk does not model).
 */
function walkDispatch(program: BpfProgram, auditArch: number, nr: number): DispatchWalk {
  const path: number[] = [];
  const steps: string[] = [];
  let decision = -1;
  let a: { value: number; word: 'nr' | 'arch' } | undefined;
  const step = (from: number, to: number): number => {
    path.push(from);
    steps.push(`${from}>${to}`);
    return to;
  };
  for (let pc = 0; pc < program.length;) {
    const insn = program[pc]!;
    if (insn.code === OP.LD_W_ABS && insn.k === SECCOMP_DATA.nr) {
      a = { value: nr >>> 0, word: 'nr' };
    } else if (insn.code === OP.LD_W_ABS && insn.k === SECCOMP_DATA.arch) {
      a = { value: auditArch >>> 0, word: 'arch' };
    } else if (insn.code === OP.AND_K && a) {
      a = { value: (a.value & insn.k) >>> 0, word: a.word };
    } else if (insn.code === OP.JA) {
      pc = step(pc, pc + 1 + insn.k);
      continue;
    } else if (isConditionalJump(insn.code) && (insn.code & BPF.BPF_X) === 0 && a) {
      if (a.word === 'nr') decision = path.length;
      pc = step(pc, pc + 1 + (taken(insn, a.value) ? insn.jt : insn.jf));
      continue;
    } else if (isReturn(insn)) {
      path.push(pc);
      return { path, steps, decision };
    } else {
      return { path, steps, decision, block: pc };
    }
    pc = step(pc, pc + 1);
  }
  return { path, steps, decision };
}

/** Every instruction reachable from `start` (an argument block: all its paths), and the steps. */
function reachable(program: BpfProgram, start: number): { pcs: number[]; steps: string[] } {
  const seen = new Set<number>();
  const steps: string[] = [];
  const stack = [start];
  while (stack.length > 0) {
    const pc = stack.pop()!;
    const insn = program[pc];
    if (!insn || seen.has(pc)) continue;
    seen.add(pc);
    if (isReturn(insn)) continue;
    const next =
      insn.code === OP.JA
        ? [pc + 1 + insn.k]
        : isConditionalJump(insn.code)
          ? [pc + 1 + insn.jt, pc + 1 + insn.jf]
          : [pc + 1];
    for (const to of new Set(next)) steps.push(`${pc}>${to}`);
    stack.push(...next);
  }
  return { pcs: [...seen], steps };
}

/**
 * The rules that decide a syscall, of those listing it (file order): each whose removal changes
 * the verdict. Rules that repeat one another change nothing alone; then the first of them that
 * changes the verdict of the rules before it decides.
 */
export function decidingRules(
  rules: readonly ResolvedRule[],
  defaultRet: number,
): readonly ResolvedRule[] {
  const key = (list: readonly ResolvedRule[]) => verdictKey(verdictOf(list, defaultRet));
  const whole = key(rules);
  const needed = rules.filter((rule) => key(rules.filter((r) => r !== rule)) !== whole);
  if (needed.length > 0 || whole === key([])) return needed;
  const first = rules.findIndex((_, i) => key(rules.slice(0, i + 1)) !== key(rules.slice(0, i)));
  return first === -1 ? [] : [rules[first]!];
}

function rulesByNumber(policy: ResolvedArchPolicy): Map<number, ResolvedRule[]> {
  const byNumber = new Map<number, ResolvedRule[]>();
  for (const rule of policy.rules) {
    const list = byNumber.get(rule.nr >>> 0) ?? [];
    list.push(rule);
    byNumber.set(rule.nr >>> 0, list);
  }
  return byNumber;
}

class OriginsBuilder {
  private readonly own = new Map<number, Set<number>>();
  private readonly path = new Map<number, Set<number>>();
  private readonly steps = new Map<number, Set<string>>();

  add(ruleIndex: number, own: Iterable<number>, path: Iterable<number>, steps: Iterable<string>) {
    const into = <T>(map: Map<number, Set<T>>, items: Iterable<T>): void => {
      const set = map.get(ruleIndex) ?? new Set<T>();
      for (const item of items) set.add(item);
      map.set(ruleIndex, set);
    };
    into(this.own, own);
    into(this.path, path);
    into(this.steps, steps);
  }

  build(length: number): InstructionOrigins {
    const ascending = (set: Iterable<number>) => [...set].sort((a, b) => a - b);
    const byRule = new Map<number, RuleInstructions>();
    const byInstruction: number[][] = Array.from({ length }, () => []);
    for (const ruleIndex of [...this.own.keys()].sort((a, b) => a - b)) {
      const own = ascending(this.own.get(ruleIndex) ?? []);
      const ownSet = new Set(own);
      const path = ascending([...(this.path.get(ruleIndex) ?? [])].filter((pc) => !ownSet.has(pc)));
      const steps = [...(this.steps.get(ruleIndex) ?? [])].sort();
      byRule.set(ruleIndex, { own, path, steps });
      for (const pc of own) byInstruction[pc]?.push(ruleIndex);
    }
    return { byRule, byInstruction };
  }
}

/**
 * For a program compiled from `policy` for `arches` (CompiledFilter.program and .arches), which
 * instructions each rule produced. Rules of arches not compiled, and rules that decide nothing,
 * have no entry.
 */
export function instructionOrigins(
  program: BpfProgram,
  policy: ResolvedPolicy,
  arches: readonly Arch[],
): InstructionOrigins {
  const builder = new OriginsBuilder();
  for (const archPolicy of policy.arches) {
    if (!arches.includes(archPolicy.arch)) continue;
    const defaultRet = actionReturnValue(archPolicy.defaultAction);
    for (const [nr, rules] of rulesByNumber(archPolicy)) {
      const deciding = decidingRules(rules, defaultRet);
      if (deciding.length === 0) continue;
      const walk = walkDispatch(program, archPolicy.auditArch, nr);
      const split = Math.max(0, walk.decision);
      const block = walk.block === undefined ? undefined : reachable(program, walk.block);
      const own = [...walk.path.slice(split), ...(block?.pcs ?? [])];
      const path = walk.path.slice(0, split);
      const steps = [...walk.steps, ...(block?.steps ?? [])];
      for (const rule of deciding) builder.add(rule.ruleIndex, own, path, steps);
    }
  }
  return builder.build(program.length);
}
