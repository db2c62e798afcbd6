import { AUDIT_ARCH, BPF, SECCOMP } from '../linux/constants';
import { bpfClass, bpfOp, bpfSrc, OP, SECCOMP_DATA } from './encode';
import type { BpfInstruction, BpfProgram, SeccompData } from './program';
import { seccompOpcodeName } from './verify';

export class BpfExecutionError extends Error {
  override readonly name = 'BpfExecutionError';
}

export interface FilterRun {
  /** The filter's 32-bit return value (unsigned). */
  readonly ret: number;
  /** Instructions executed, the final RET included. */
  readonly executed: number;
  /**
   * Whether the run loaded anything but `nr` and `arch`: when not, every call of this syscall
   * number on this arch gets the same verdict, whatever its arguments and instruction pointer.
   */
  readonly readsArguments: boolean;
}

type SeccompArgs = SeccompData['args'];

/** A `seccomp_data` for syscall `nr`; missing arguments are 0, values are taken modulo 2^64. */
export function seccompDataFor(
  nr: number,
  args: readonly bigint[] = [],
  arch: number = AUDIT_ARCH.AUDIT_ARCH_X86_64,
): SeccompData {
  if (args.length > 6)
    throw new RangeError(`a syscall has at most 6 arguments, got ${args.length}`);
  const padded = [0, 1, 2, 3, 4, 5].map((i) => BigInt.asUintN(64, args[i] ?? 0n));
  return {
    nr: nr >>> 0,
    arch: arch >>> 0,
    instructionPointer: 0n,
    args: padded as unknown as SeccompArgs,
  };
}

/** The 16 little-endian 32-bit words of `struct seccomp_data` that `LD W ABS` can read. */
function dataWords(data: SeccompData): Uint32Array {
  const words = new Uint32Array(SECCOMP_DATA.size / 4);
  const put64 = (offset: number, value: bigint): void => {
    const v = BigInt.asUintN(64, value);
    words[offset / 4] = Number(v & 0xffffffffn);
    words[offset / 4 + 1] = Number(v >> 32n);
  };
  words[SECCOMP_DATA.nr / 4] = data.nr >>> 0;
  words[SECCOMP_DATA.arch / 4] = data.arch >>> 0;
  put64(SECCOMP_DATA.instructionPointer, data.instructionPointer);
  data.args.forEach((arg, i) => put64(SECCOMP_DATA.args + i * SECCOMP_DATA.argSize, arg));
  return words;
}

interface Machine {
  a: number;
  x: number;
  readonly mem: (number | undefined)[];
  readonly words: Uint32Array;
  /** Set by a load of instruction_pointer or args. */
  readsArguments: boolean;
}

function fail(pc: number, insn: BpfInstruction, why: string): never {
  throw new BpfExecutionError(
    `instruction ${pc} (code 0x${insn.code.toString(16).padStart(2, '0')}, k ${insn.k}): ${why}`,
  );
}

function alu(op: number, a: number, operand: number, fromX: boolean): number | 'div0' {
  switch (op) {
    case BPF.BPF_ADD:
      return (a + operand) >>> 0;
    case BPF.BPF_SUB:
      return (a - operand) >>> 0;
    case BPF.BPF_MUL:
      return Math.imul(a, operand) >>> 0;
    case BPF.BPF_DIV:
      // The kernel's cBPF→eBPF conversion makes `A /= X` with X == 0 return 0 from the filter.
      if (operand === 0) return fromX ? 'div0' : Number.NaN;
      return Math.floor(a / operand) >>> 0;
    case BPF.BPF_AND:
      return (a & operand) >>> 0;
    case BPF.BPF_OR:
      return (a | operand) >>> 0;
    case BPF.BPF_XOR:
      return (a ^ operand) >>> 0;
    // Shifts by X use the low 5 bits, as x86 (JIT and interpreter alike) does for 32-bit operands.
    case BPF.BPF_LSH:
      return (a << (operand & 31)) >>> 0;
    case BPF.BPF_RSH:
      return a >>> (operand & 31);
    case BPF.BPF_NEG:
      return -a >>> 0;
    default:
      return Number.NaN;
  }
}

function jumpTaken(op: number, a: number, operand: number): boolean | undefined {
  switch (op) {
    case BPF.BPF_JEQ:
      return a === operand;
    case BPF.BPF_JGT:
      return a > operand;
    case BPF.BPF_JGE:
      return a >= operand;
    case BPF.BPF_JSET:
      return (a & operand) !== 0;
    default:
      return undefined;
  }
}

/** Executes one non-RET instruction; returns the next pc, or a return value when the filter ends. */
function step(m: Machine, insn: BpfInstruction, pc: number): { next: number } | { ret: number } {
  const { code, k } = insn;
  if (seccompOpcodeName(code) === undefined) fail(pc, insn, 'opcode the seccomp verifier rejects');
  switch (bpfClass(code)) {
    case BPF.BPF_LD:
    case BPF.BPF_LDX: {
      const value = load(m, insn, pc);
      if (bpfClass(code) === BPF.BPF_LD) m.a = value;
      else m.x = value;
      return { next: pc + 1 };
    }
    case BPF.BPF_ST:
    case BPF.BPF_STX:
      if (k >= BPF.BPF_MEMWORDS) fail(pc, insn, `M[${k}] does not exist`);
      m.mem[k] = code === OP.ST ? m.a : m.x;
      return { next: pc + 1 };
    case BPF.BPF_ALU: {
      const fromX = bpfSrc(code) === BPF.BPF_X;
      const result = alu(bpfOp(code), m.a, fromX ? m.x : k, fromX);
      if (result === 'div0') return { ret: 0 };
      if (Number.isNaN(result)) fail(pc, insn, 'division by the constant 0');
      m.a = result;
      return { next: pc + 1 };
    }
    case BPF.BPF_JMP: {
      if (code === OP.JA) return { next: pc + 1 + k };
      const operand = bpfSrc(code) === BPF.BPF_X ? m.x : k;
      const taken = jumpTaken(bpfOp(code), m.a, operand);
      if (taken === undefined) fail(pc, insn, 'unknown jump opcode');
      return { next: pc + 1 + (taken ? insn.jt : insn.jf) };
    }
    case BPF.BPF_MISC:
      if (code === OP.TAX) m.x = m.a;
      else if (code === OP.TXA) m.a = m.x;
      else fail(pc, insn, 'unknown MISC opcode');
      return { next: pc + 1 };
    default:
      return fail(pc, insn, 'opcode class not handled here');
  }
}

function load(m: Machine, insn: BpfInstruction, pc: number): number {
  const { code, k } = insn;
  switch (code) {
    case OP.LD_W_ABS:
      if (k >= SECCOMP_DATA.size || k % 4 !== 0) {
        fail(pc, insn, `LD W ABS offset ${k} is outside or misaligned in struct seccomp_data`);
      }
      if (k >= SECCOMP_DATA.instructionPointer) m.readsArguments = true;
      return m.words[k / 4] ?? 0;
    case OP.LD_W_LEN:
    case OP.LDX_W_LEN:
      return SECCOMP_DATA.size;
    case OP.LD_IMM:
    case OP.LDX_IMM:
      return k >>> 0;
    case OP.LD_MEM:
    case OP.LDX_MEM: {
      const value = k < BPF.BPF_MEMWORDS ? m.mem[k] : undefined;
      if (value === undefined) fail(pc, insn, `M[${k}] is read before anything was stored in it`);
      return value;
    }
    default:
      return fail(pc, insn, 'load mode the seccomp verifier rejects');
  }
}

/**
 * Runs a classic seccomp filter exactly as the kernel would: 32-bit A and X starting at 0, 16
 * scratch words, `LD W ABS` reading native (little-endian) words of `seccomp_data`, `A /= X` with
 * X == 0 ending the filter with return value 0.
 *
 * Callers verify the program first (`verifyProgram`). Given an unverified program, this throws a
 * `BpfExecutionError` where execution cannot go on meaningfully: an opcode seccomp rejects, a
 * jump or fall-through out of the program, an out-of-range load, a scratch word read before it
 * was written, or a division by the constant 0.
 */
export function runFilter(p: BpfProgram, data: SeccompData): FilterRun {
  const m: Machine = { a: 0, x: 0, mem: [], words: dataWords(data), readsArguments: false };
  let pc = 0;
  let executed = 0;
  for (;;) {
    const insn = p[pc];
    if (insn === undefined) {
      throw new BpfExecutionError(`execution reached instruction ${pc}, past the program's end`);
    }
    executed += 1;
    const { readsArguments } = m;
    if (insn.code === OP.RET_K) return { ret: insn.k >>> 0, executed, readsArguments };
    if (insn.code === OP.RET_A) return { ret: m.a >>> 0, executed, readsArguments };
    const result = step(m, insn, pc);
    if ('ret' in result) return { ret: result.ret, executed, readsArguments: m.readsArguments };
    pc = result.next;
  }
}

/**
 * kernel/seccomp.c `seccomp_is_const_allow` (the action cache, Linux 5.11+): follows the filter
 * for one syscall number and arch using only instructions whose outcome cannot depend on the
 * arguments. True means the kernel caches ALLOW and never runs the filter for that syscall.
 */
export function isConstantAllow(p: BpfProgram, nr: number, arch: number): boolean {
  let reg = 0;
  for (let pc = 0; pc < p.length; pc++) {
    const insn = p[pc];
    if (insn === undefined) return false;
    const { code, k } = insn;
    if (code === OP.LD_W_ABS) {
      if (k === SECCOMP_DATA.nr) reg = nr >>> 0;
      else if (k === SECCOMP_DATA.arch) reg = arch >>> 0;
      else return false;
    } else if (code === OP.RET_K) {
      return k >>> 0 === SECCOMP.SECCOMP_RET_ALLOW;
    } else if (code === OP.JA) {
      pc += k;
    } else if (code === OP.AND_K) {
      reg = (reg & k) >>> 0;
    } else if (bpfClass(code) === BPF.BPF_JMP && bpfSrc(code) === BPF.BPF_K) {
      const taken = jumpTaken(bpfOp(code), reg, k >>> 0);
      if (taken === undefined) return false;
      pc += taken ? insn.jt : insn.jf;
    } else {
      return false;
    }
  }
  return false;
}
