import { BPF } from '../linux/constants';
import { bpfClass, bpfOp, bpfSrc, isConditionalJump, OP, SECCOMP_DATA } from './encode';
import type { BpfInstruction, BpfProgram } from './program';

/**
 * What the disassembler knows on entry to each instruction, agreed on by every path reaching it
 * (as seccomp-tools does): which `seccomp_data` word A, X and each scratch slot hold, if any, and
 * the `seccomp_data.arch` value an earlier `JEQ` established. Both the disassembler and the
 * assembler use this so that a syscall name means the same number when read back.
 */
export interface FlowState {
  /** Byte offset in `seccomp_data` of the word A holds, or null (a constant, computed, unknown). */
  readonly a: number | null;
  readonly x: number | null;
  readonly mem: readonly (number | null)[];
  /** The audit arch value known on this path, or null. */
  readonly arch: number | null;
}

/** Nothing known: the state at the start, and of instructions no path reaches. */
export const UNKNOWN_STATE: FlowState = {
  a: null,
  x: null,
  mem: new Array<number | null>(BPF.BPF_MEMWORDS).fill(null),
  arch: null,
};

const same = <T>(a: T, b: T): T | null => (a === b ? a : null);

function join(a: FlowState, b: FlowState): FlowState {
  return {
    a: same(a.a, b.a),
    x: same(a.x, b.x),
    mem: a.mem.map((slot, i) => same(slot, b.mem[i] ?? null)),
    arch: same(a.arch, b.arch),
  };
}

function withSlot(mem: readonly (number | null)[], k: number, value: number | null) {
  return k < mem.length ? mem.map((slot, i) => (i === k ? value : slot)) : mem;
}

/** The state after a non-jump instruction. */
function after(insn: BpfInstruction, s: FlowState): FlowState {
  const { code, k } = insn;
  switch (code) {
    case OP.LD_W_ABS:
      return { ...s, a: k };
    case OP.LD_MEM:
      return { ...s, a: s.mem[k] ?? null };
    case OP.LDX_MEM:
      return { ...s, x: s.mem[k] ?? null };
    case OP.ST:
      return { ...s, mem: withSlot(s.mem, k, s.a) };
    case OP.STX:
      return { ...s, mem: withSlot(s.mem, k, s.x) };
    case OP.TAX:
      return { ...s, x: s.a };
    case OP.TXA:
      return { ...s, a: s.x };
  }
  if (bpfClass(code) === BPF.BPF_LDX) return { ...s, x: null };
  if (bpfClass(code) === BPF.BPF_LD || bpfClass(code) === BPF.BPF_ALU) return { ...s, a: null };
  return s;
}

interface Edge {
  readonly to: number;
  readonly state: FlowState;
}

function edges(insn: BpfInstruction, pc: number, s: FlowState): Edge[] {
  const { code } = insn;
  if (bpfClass(code) === BPF.BPF_RET) return [];
  if (code === OP.JA) return [{ to: pc + 1 + insn.k, state: s }];
  if (!isConditionalJump(code)) return [{ to: pc + 1, state: after(insn, s) }];
  const testsArch =
    s.a === SECCOMP_DATA.arch && bpfOp(code) === BPF.BPF_JEQ && bpfSrc(code) === BPF.BPF_K;
  const taken = testsArch ? { ...s, arch: insn.k >>> 0 } : s;
  return [
    { to: pc + 1 + insn.jt, state: taken },
    { to: pc + 1 + insn.jf, state: s },
  ];
}

/** The state on entry to every instruction; unreachable ones get the all-unknown state. */
export function flowStates(p: BpfProgram): FlowState[] {
  const states: (FlowState | undefined)[] = new Array<FlowState | undefined>(p.length);
  states[0] = UNKNOWN_STATE;
  p.forEach((insn, pc) => {
    const s = states[pc];
    if (s === undefined) return;
    for (const edge of edges(insn, pc, s)) {
      // Jumps only go forward; a target behind or past the end is the verifier's business.
      if (edge.to <= pc || edge.to >= p.length) continue;
      const known = states[edge.to];
      states[edge.to] = known === undefined ? edge.state : join(known, edge.state);
    }
  });
  return Array.from(states, (s) => s ?? UNKNOWN_STATE);
}
