import { BPF } from '../linux/constants';
import {
  assume,
  constraintOf,
  decide,
  DispatchTooComplex,
  NO_CONSTRAINTS,
  type Constraints,
} from './decompile-constraints';
import { onlyValue } from './decompile-intervals';
import {
  alu,
  constant,
  jumpPredicate,
  negatePredicate,
  wordValue,
  type Sym,
} from './decompile-symbolic';
import { bpfClass, bpfOp, bpfSrc, isConditionalJump, OP } from './encode';
import type { BpfInstruction, BpfProgram } from './program';

/**
 * Symbolic execution of a verified seccomp filter over every possible `seccomp_data`: each path
 * from the start to a RET becomes a leaf with what the input must satisfy to take it. Paths are
 * disjoint and cover the whole input space, so the leaves are the filter's complete meaning.
 */
export interface Leaf {
  readonly constraints: Constraints;
  /** The return value, or undefined when the filter returns a value computed from the input. */
  readonly ret: number | undefined;
  /** Tests on the path that a policy cannot express (the leaf's condition is then approximate). */
  readonly opaque: readonly string[];
}

export interface PathBudget {
  /** Instructions executed over all paths. */
  readonly steps: number;
  readonly leaves: number;
}

export const DEFAULT_BUDGET: PathBudget = { steps: 2_000_000, leaves: 50_000 };

export class DecompileError extends Error {
  override readonly name = 'DecompileError';
}

interface Machine {
  readonly pc: number;
  readonly a: Sym;
  readonly x: Sym;
  readonly mem: readonly (Sym | undefined)[];
  readonly constraints: Constraints;
  readonly opaque: readonly string[];
}

/** A load of `seccomp_data` word `w`: its value when the path has pinned it to one. */
function load(word: number, constraints: Constraints): Sym {
  const known = onlyValue(constraintOf(constraints, word).set);
  return known === undefined ? wordValue(word) : constant(known);
}

type Step =
  | { readonly kind: 'next'; readonly machine: Machine }
  | { readonly kind: 'leaf'; readonly leaf: Leaf }
  | { readonly kind: 'fork'; readonly machines: readonly Machine[] };

function withSlot(mem: readonly (Sym | undefined)[], k: number, value: Sym): (Sym | undefined)[] {
  const out = [...mem];
  out[k] = value;
  return out;
}

function leafOf(m: Machine, ret: number | undefined, extra?: string): Step {
  const opaque = extra ? [...m.opaque, extra] : m.opaque;
  return { kind: 'leaf', leaf: { constraints: m.constraints, ret, opaque } };
}

function straight(m: Machine, insn: BpfInstruction): Step {
  const { code, k } = insn;
  const next = (changes: Partial<Machine>): Step => ({
    kind: 'next',
    machine: { ...m, ...changes, pc: m.pc + 1 },
  });
  switch (code) {
    case OP.LD_W_ABS:
      return next({ a: load(k / 4, m.constraints) });
    case OP.LD_W_LEN:
      return next({ a: constant(64) });
    case OP.LDX_W_LEN:
      return next({ x: constant(64) });
    case OP.LD_IMM:
      return next({ a: constant(k) });
    case OP.LDX_IMM:
      return next({ x: constant(k) });
    case OP.LD_MEM:
      return next({ a: m.mem[k] ?? constant(0) });
    case OP.LDX_MEM:
      return next({ x: m.mem[k] ?? constant(0) });
    case OP.ST:
      return next({ mem: withSlot(m.mem, k, m.a) });
    case OP.STX:
      return next({ mem: withSlot(m.mem, k, m.x) });
    case OP.TAX:
      return next({ x: m.a });
    case OP.TXA:
      return next({ a: m.x });
    case OP.RET_K:
      return leafOf(m, k >>> 0);
    case OP.RET_A:
      return m.a.kind === 'const'
        ? leafOf(m, m.a.value)
        : leafOf(
            m,
            undefined,
            `it returns a value computed from the input (${m.a.kind === 'opaque' ? m.a.why : 'a seccomp_data word'})`,
          );
  }
  if (bpfClass(code) === BPF.BPF_ALU) {
    const operand = bpfSrc(code) === BPF.BPF_X ? m.x : constant(k);
    const result = alu(bpfOp(code), m.a, operand);
    // The kernel ends the filter with return value 0 when A is divided by an X of 0.
    if (result === 'div0') return leafOf(m, 0);
    return next({ a: result });
  }
  throw new DecompileError(`instruction ${m.pc}: opcode 0x${code.toString(16)} is not seccomp BPF`);
}

function branch(m: Machine, insn: BpfInstruction): Step {
  const operand = bpfSrc(insn.code) === BPF.BPF_X ? m.x : constant(insn.k);
  const taken = jumpPredicate(insn.code, m.a, operand);
  const to = (offset: number, constraints: Constraints, why?: string): Machine => ({
    ...m,
    pc: m.pc + 1 + offset,
    constraints,
    opaque: why ? [...m.opaque, why] : m.opaque,
  });
  const settled = decide(taken, m.constraints);
  if (settled !== undefined) {
    return { kind: 'next', machine: to(settled ? insn.jt : insn.jf, m.constraints) };
  }
  const why = taken.kind === 'opaque' ? taken.why : undefined;
  const machines: Machine[] = [];
  const whenTaken = assume(taken, m.constraints);
  if (whenTaken) machines.push(to(insn.jt, whenTaken, why));
  const whenNot = assume(negatePredicate(taken), m.constraints);
  if (whenNot) machines.push(to(insn.jf, whenNot, why));
  return { kind: 'fork', machines };
}

function step(p: BpfProgram, m: Machine): Step {
  const insn = p[m.pc];
  if (insn === undefined) throw new DecompileError(`execution runs past the end at ${m.pc}`);
  if (insn.code === OP.JA) return { kind: 'next', machine: { ...m, pc: m.pc + 1 + insn.k } };
  return isConditionalJump(insn.code) ? branch(m, insn) : straight(m, insn);
}

/** Every path of a verified program, or a DecompileError when the budget runs out. */
export function explorePaths(p: BpfProgram, budget: PathBudget = DEFAULT_BUDGET): Leaf[] {
  const leaves: Leaf[] = [];
  const stack: Machine[] = [
    { pc: 0, a: constant(0), x: constant(0), mem: [], constraints: NO_CONSTRAINTS, opaque: [] },
  ];
  let steps = 0;
  while (stack.length > 0) {
    let machine = stack.pop() as Machine;
    for (;;) {
      steps += 1;
      if (steps > budget.steps) {
        throw new DecompileError(
          `the filter has too many paths to decompile: more than ${budget.steps} instructions executed over ${leaves.length + stack.length} paths`,
        );
      }
      let result: Step;
      try {
        result = step(p, machine);
      } catch (error) {
        if (error instanceof DispatchTooComplex) {
          throw new DecompileError(`instruction ${machine.pc}: ${error.message}`);
        }
        throw error;
      }
      if (result.kind === 'next') {
        machine = result.machine;
        continue;
      }
      if (result.kind === 'leaf') {
        leaves.push(result.leaf);
        if (leaves.length > budget.leaves) {
          throw new DecompileError(
            `the filter has too many paths to decompile (more than ${budget.leaves})`,
          );
        }
      } else stack.push(...result.machines.slice().reverse());
      break;
    }
  }
  return leaves;
}
