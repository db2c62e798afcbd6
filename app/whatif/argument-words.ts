import { BPF } from '../linux/constants';
import { bpfClass, bpfOp, bpfSrc, OP, SECCOMP_DATA } from '../bpf/encode';
import type { BpfInstruction, BpfProgram } from '../bpf/program';

/** A register or scratch word: a known 32-bit value, or undefined when it depends on the input. */
type Value = number | undefined;

interface AbstractState {
  readonly a: Value;
  readonly x: Value;
  readonly mem: readonly Value[];
}

const NR_WORD = SECCOMP_DATA.nr / 4;
const ARCH_WORD = SECCOMP_DATA.arch / 4;
const DATA_WORDS = SECCOMP_DATA.size / 4;
const UNKNOWN_MEM: readonly Value[] = new Array<Value>(BPF.BPF_MEMWORDS).fill(undefined);

const same = (a: Value, b: Value): Value => (a === b ? a : undefined);

function join(s: AbstractState, t: AbstractState): AbstractState {
  return { a: same(s.a, t.a), x: same(s.x, t.x), mem: s.mem.map((v, i) => same(v, t.mem[i])) };
}

function jumpOutcome(op: number, a: number, operand: number): boolean | undefined {
  if (op === BPF.BPF_JEQ) return a === operand;
  if (op === BPF.BPF_JGT) return a > operand;
  if (op === BPF.BPF_JGE) return a >= operand;
  if (op === BPF.BPF_JSET) return (a & operand) !== 0;
  return undefined;
}

/** Bitwise ALU with K is all the dispatch on nr/arch uses; anything else gives an unknown A. */
function aluResult(insn: BpfInstruction, a: Value): Value {
  if (a === undefined || bpfSrc(insn.code) !== BPF.BPF_K) return undefined;
  const op = bpfOp(insn.code);
  if (op === BPF.BPF_AND) return (a & insn.k) >>> 0;
  if (op === BPF.BPF_OR) return (a | insn.k) >>> 0;
  if (op === BPF.BPF_XOR) return (a ^ insn.k) >>> 0;
  return undefined;
}

type Step =
  | { readonly kind: 'end' }
  | { readonly kind: 'next'; readonly state: AbstractState }
  | { readonly kind: 'jump'; readonly targets: readonly number[]; readonly state: AbstractState };

function withMem(mem: readonly Value[], k: number, value: Value): readonly Value[] {
  return k < mem.length ? mem.map((v, i) => (i === k ? value : v)) : mem;
}

function stepAbstract(
  insn: BpfInstruction,
  s: AbstractState,
  known: { readonly nr: number; readonly arch: number },
  loaded: Set<number>,
): Step {
  const { code, k } = insn;
  const cls = bpfClass(code);
  if (cls === BPF.BPF_RET) return { kind: 'end' };
  if (code === OP.JA) return { kind: 'jump', targets: [1 + k], state: s };
  if (cls === BPF.BPF_JMP) {
    const operand = bpfSrc(code) === BPF.BPF_X ? s.x : k >>> 0;
    const taken =
      s.a === undefined || operand === undefined
        ? undefined
        : jumpOutcome(bpfOp(code), s.a, operand);
    const targets =
      taken === undefined ? [1 + insn.jt, 1 + insn.jf] : [1 + (taken ? insn.jt : insn.jf)];
    return { kind: 'jump', targets, state: s };
  }
  switch (code) {
    case OP.LD_W_ABS: {
      const word = k / 4;
      if (word === NR_WORD) return { kind: 'next', state: { ...s, a: known.nr } };
      if (word === ARCH_WORD) return { kind: 'next', state: { ...s, a: known.arch } };
      if (Number.isInteger(word) && word < DATA_WORDS) loaded.add(word);
      return { kind: 'next', state: { ...s, a: undefined } };
    }
    case OP.LD_W_LEN:
      return { kind: 'next', state: { ...s, a: SECCOMP_DATA.size } };
    case OP.LDX_W_LEN:
      return { kind: 'next', state: { ...s, x: SECCOMP_DATA.size } };
    case OP.LD_IMM:
      return { kind: 'next', state: { ...s, a: k >>> 0 } };
    case OP.LDX_IMM:
      return { kind: 'next', state: { ...s, x: k >>> 0 } };
    case OP.LD_MEM:
      return { kind: 'next', state: { ...s, a: s.mem[k] } };
    case OP.LDX_MEM:
      return { kind: 'next', state: { ...s, x: s.mem[k] } };
    case OP.ST:
      return { kind: 'next', state: { ...s, mem: withMem(s.mem, k, s.a) } };
    case OP.STX:
      return { kind: 'next', state: { ...s, mem: withMem(s.mem, k, s.x) } };
    case OP.TAX:
      return { kind: 'next', state: { ...s, x: s.a } };
    case OP.TXA:
      return { kind: 'next', state: { ...s, a: s.x } };
  }
  if (cls === BPF.BPF_ALU) return { kind: 'next', state: { ...s, a: aluResult(insn, s.a) } };
  // Anything else the verifier would have rejected: assume nothing, keep following the program.
  return { kind: 'next', state: { a: undefined, x: undefined, mem: UNKNOWN_MEM } };
}

/**
 * The words of `struct seccomp_data` (16 little-endian 32-bit words: nr, arch, instruction
 * pointer, args) beyond nr and arch that the filter can load for syscall `nr` of AUDIT_ARCH
 * `arch`, over every path the arguments could take it. Two calls of that syscall that agree on
 * these words run the same instructions and get the same verdict, so a what-if evaluation runs
 * the filter once per distinct projection instead of once per distinct argument tuple.
 *
 * A forward constant propagation (classic BPF only jumps forward): nr and arch are known, every
 * other word is not; a jump whose outcome is known takes one edge, otherwise both; paths merge by
 * keeping the values they agree on. It over-approximates the loads, which is what makes it sound.
 */
export function argumentWordsRead(program: BpfProgram, nr: number, arch: number): number[] {
  const known = { nr: nr >>> 0, arch: arch >>> 0 };
  const states = new Array<AbstractState | undefined>(program.length);
  states[0] = { a: 0, x: 0, mem: UNKNOWN_MEM };
  const loaded = new Set<number>();
  for (let pc = 0; pc < program.length; pc++) {
    const state = states[pc];
    const insn = program[pc];
    if (state === undefined || insn === undefined) continue;
    const step = stepAbstract(insn, state, known, loaded);
    if (step.kind === 'end') continue;
    const targets = step.kind === 'next' ? [1] : step.targets;
    for (const offset of targets) {
      const to = pc + offset;
      if (to >= program.length) continue;
      const before = states[to];
      states[to] = before === undefined ? step.state : join(before, step.state);
    }
  }
  return [...loaded].sort((p, q) => p - q);
}
