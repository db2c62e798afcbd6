import { BPF } from '../linux/constants';
import { alu, constant } from './decompile-symbolic';
import { bpfClass, bpfOp, bpfSrc, isConditionalJump, OP, SECCOMP_DATA } from './encode';
import type { BpfProgram, SeccompData } from './program';

/**
 * Runs a verified filter on one input and records which instructions it executed, so a listing
 * can show the path (`simulate --trace`). Same semantics as the emulator (emulate.ts), which the
 * tests hold it to; the arithmetic is the decompiler's constant folding.
 */
export interface FilterTrace {
  readonly ret: number;
  /** Indices of the executed instructions, the final RET included. */
  readonly path: readonly number[];
}

function word(data: SeccompData, offset: number): number {
  const at64 = (value: bigint, high: boolean): number =>
    Number((BigInt.asUintN(64, value) >> (high ? 32n : 0n)) & 0xffffffffn);
  if (offset === SECCOMP_DATA.nr) return data.nr >>> 0;
  if (offset === SECCOMP_DATA.arch) return data.arch >>> 0;
  const high = offset % SECCOMP_DATA.argSize === 4;
  const base = offset - (high ? 4 : 0);
  if (base === SECCOMP_DATA.instructionPointer) return at64(data.instructionPointer, high);
  const arg = data.args[(base - SECCOMP_DATA.args) / SECCOMP_DATA.argSize];
  return arg === undefined ? 0 : at64(arg, high);
}

function jumpTaken(code: number, a: number, operand: number): boolean {
  switch (bpfOp(code)) {
    case BPF.BPF_JEQ:
      return a === operand;
    case BPF.BPF_JGT:
      return a > operand;
    case BPF.BPF_JGE:
      return a >= operand;
    default:
      return (a & operand) !== 0;
  }
}

/** Throws a RangeError for what the verifier rejects (run verifyProgram first). */
export function traceFilter(p: BpfProgram, data: SeccompData): FilterTrace {
  let a = 0;
  let x = 0;
  const mem: number[] = [];
  const path: number[] = [];
  for (let pc = 0; ;) {
    const insn = p[pc];
    if (insn === undefined) throw new RangeError(`execution reached ${pc}, past the end`);
    path.push(pc);
    const { code, k } = insn;
    const next = pc + 1;
    if (code === OP.RET_K) return { ret: k >>> 0, path };
    if (code === OP.RET_A) return { ret: a >>> 0, path };
    if (code === OP.JA) {
      pc = next + k;
      continue;
    }
    if (isConditionalJump(code)) {
      const operand = bpfSrc(code) === BPF.BPF_X ? x : k >>> 0;
      pc = next + (jumpTaken(code, a, operand) ? insn.jt : insn.jf);
      continue;
    }
    switch (code) {
      case OP.LD_W_ABS:
        a = word(data, k);
        break;
      case OP.LD_W_LEN:
        a = SECCOMP_DATA.size;
        break;
      case OP.LDX_W_LEN:
        x = SECCOMP_DATA.size;
        break;
      case OP.LD_IMM:
        a = k >>> 0;
        break;
      case OP.LDX_IMM:
        x = k >>> 0;
        break;
      case OP.LD_MEM:
        a = mem[k] ?? 0;
        break;
      case OP.LDX_MEM:
        x = mem[k] ?? 0;
        break;
      case OP.ST:
        mem[k] = a;
        break;
      case OP.STX:
        mem[k] = x;
        break;
      case OP.TAX:
        x = a;
        break;
      case OP.TXA:
        a = x;
        break;
      default: {
        if (bpfClass(code) !== BPF.BPF_ALU)
          throw new RangeError(`opcode 0x${code.toString(16)} at ${pc}`);
        const operand = constant(bpfSrc(code) === BPF.BPF_X ? x : k);
        const result = alu(bpfOp(code), constant(a), operand);
        // The kernel ends the filter with 0 when A is divided by an X of 0.
        if (result === 'div0') return { ret: 0, path };
        if (result.kind !== 'const') throw new RangeError(`opcode 0x${code.toString(16)} at ${pc}`);
        a = result.value;
      }
    }
    pc = next;
  }
}
