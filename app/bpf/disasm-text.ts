import { BPF, SECCOMP } from '../linux/constants';
import type { Arch } from '../linux/syscalls';
import { flowStates, UNKNOWN_STATE, type FlowState } from './disasm-flow';
import { auditArchName, syscallLabel } from './disasm-names';
import { bpfClass, bpfOp, bpfSrc, isConditionalJump, OP, SECCOMP_DATA } from './encode';
import type { BpfInstruction, BpfProgram } from './program';

/**
 * The C-like text of instructions, as seccomp-tools writes it: syscall and arch names where A is
 * known to hold `seccomp_data.nr`/`.arch` on every path, hex for other data words, decimal where
 * A holds no data word. `asm.ts` reads all of it back.
 */

export const hex = (value: number, digits = 1): string =>
  `0x${(value >>> 0).toString(16).padStart(digits, '0')}`;
export const lineNumber = (pc: number): string => String(pc).padStart(4, '0');

export const ALU_OPERATORS: ReadonlyMap<number, string> = new Map([
  [BPF.BPF_ADD, '+'],
  [BPF.BPF_SUB, '-'],
  [BPF.BPF_MUL, '*'],
  [BPF.BPF_DIV, '/'],
  [BPF.BPF_MOD, '%'],
  [BPF.BPF_AND, '&'],
  [BPF.BPF_OR, '|'],
  [BPF.BPF_XOR, '^'],
  [BPF.BPF_LSH, '<<'],
  [BPF.BPF_RSH, '>>'],
]);

/** [taken, not taken] operators of each conditional jump. */
export const JUMP_OPERATORS: ReadonlyMap<number, readonly [string, string]> = new Map([
  [BPF.BPF_JEQ, ['==', '!=']],
  [BPF.BPF_JGT, ['>', '<=']],
  [BPF.BPF_JGE, ['>=', '<']],
  [BPF.BPF_JSET, ['&', '']],
] as const);

/**
 * seccomp-tools' action names. It writes SECCOMP_RET_KILL_THREAD as `KILL` (the older name of the
 * same value, SECCOMP_RET_KILL); the assembler also reads `KILL_THREAD`.
 */
export const RETURN_NAMES: ReadonlyMap<number, string> = new Map([
  [SECCOMP.SECCOMP_RET_KILL_PROCESS >>> 0, 'KILL_PROCESS'],
  [SECCOMP.SECCOMP_RET_KILL, 'KILL'],
  [SECCOMP.SECCOMP_RET_TRAP, 'TRAP'],
  [SECCOMP.SECCOMP_RET_ERRNO, 'ERRNO'],
  [SECCOMP.SECCOMP_RET_USER_NOTIF, 'USER_NOTIF'],
  [SECCOMP.SECCOMP_RET_TRACE, 'TRACE'],
  [SECCOMP.SECCOMP_RET_LOG, 'LOG'],
  [SECCOMP.SECCOMP_RET_ALLOW, 'ALLOW'],
]);

/** `ALLOW`, `ERRNO(13)`, `TRACE(7)`, or the raw value when the action is unknown. */
export function returnValueName(ret: number): string {
  const action = (ret & SECCOMP.SECCOMP_RET_ACTION_FULL) >>> 0;
  const data = ret & SECCOMP.SECCOMP_RET_DATA;
  const name = RETURN_NAMES.get(action);
  if (name === undefined) return hex(ret, 8);
  return action === SECCOMP.SECCOMP_RET_ERRNO || data !== 0 ? `${name}(${data})` : name;
}

/** `sys_number`, `arch`, `args[2]`, `args[2] >> 32`, …; `data[N]` for offsets seccomp rejects. */
export function dataWordName(offset: number): string {
  if (offset === SECCOMP_DATA.nr) return 'sys_number';
  if (offset === SECCOMP_DATA.arch) return 'arch';
  if (offset % 4 !== 0 || offset >= SECCOMP_DATA.size) return `data[${offset}]`;
  const high = offset % SECCOMP_DATA.argSize === 4 ? ' >> 32' : '';
  const base = offset - (high ? 4 : 0);
  if (base === SECCOMP_DATA.instructionPointer) return `instruction_pointer${high}`;
  return `args[${(base - SECCOMP_DATA.args) / SECCOMP_DATA.argSize}]${high}`;
}

/**
 * K of a comparison, spelled for what A holds (as seccomp-tools does): a syscall name only in an
 * equality test on `sys_number`, an arch name in any test on `arch`, hex for other data words,
 * decimal when A holds no data word.
 */
function comparand(k: number, state: FlowState, arch: Arch, op: number): string {
  if (state.a === null) return String(k >>> 0);
  if (state.a === SECCOMP_DATA.nr && op === BPF.BPF_JEQ) {
    return syscallLabel(k, state.arch ?? undefined, arch) ?? hex(k);
  }
  if (state.a === SECCOMP_DATA.arch) return auditArchName(k) ?? hex(k);
  return hex(k);
}

function describeJump(insn: BpfInstruction, pc: number, state: FlowState, arch: Arch): string {
  const target = (offset: number): string => `goto ${lineNumber(pc + 1 + offset)}`;
  if (insn.jt === 0 && insn.jf === 0) return '/* no-op */';
  if (insn.jt === insn.jf) return target(insn.jt);
  const op = bpfOp(insn.code);
  const [taken = '?', notTaken = '?'] = JUMP_OPERATORS.get(op) ?? [];
  const operand = bpfSrc(insn.code) === BPF.BPF_X ? 'X' : comparand(insn.k, state, arch, op);
  if (insn.jf === 0) return `if (A ${taken} ${operand}) ${target(insn.jt)}`;
  if (insn.jt === 0) {
    const condition = op === BPF.BPF_JSET ? `!(A & ${operand})` : `A ${notTaken} ${operand}`;
    return `if (${condition}) ${target(insn.jf)}`;
  }
  return `if (A ${taken} ${operand}) ${target(insn.jt)} else ${target(insn.jf)}`;
}

function describeAlu(insn: BpfInstruction): string | undefined {
  const op = bpfOp(insn.code);
  if (op === BPF.BPF_NEG) return 'A = -A';
  const symbol = ALU_OPERATORS.get(op);
  if (symbol === undefined) return undefined;
  if (bpfSrc(insn.code) === BPF.BPF_X) return `A ${symbol}= X`;
  const shift = op === BPF.BPF_LSH || op === BPF.BPF_RSH;
  return `A ${symbol}= ${shift ? String(insn.k) : hex(insn.k)}`;
}

function describeSimple(insn: BpfInstruction, pc: number): string | undefined {
  const { code, k } = insn;
  switch (code) {
    case OP.LD_W_ABS:
      return `A = ${dataWordName(k)}`;
    case OP.LD_W_LEN:
      return 'A = sizeof(seccomp_data)';
    case OP.LDX_W_LEN:
      return 'X = sizeof(seccomp_data)';
    case OP.LD_IMM:
      return `A = ${k >>> 0}`;
    case OP.LDX_IMM:
      return `X = ${k >>> 0}`;
    case OP.LD_MEM:
      return `A = mem[${k}]`;
    case OP.LDX_MEM:
      return `X = mem[${k}]`;
    case OP.ST:
      return `mem[${k}] = A`;
    case OP.STX:
      return `mem[${k}] = X`;
    case OP.TAX:
      return 'X = A';
    case OP.TXA:
      return 'A = X';
    case OP.JA:
      return `goto ${lineNumber(pc + 1 + k)}`;
    case OP.RET_K:
      return `return ${returnValueName(k)}`;
    case OP.RET_A:
      return 'return A';
  }
  return bpfClass(code) === BPF.BPF_ALU ? describeAlu(insn) : undefined;
}

/** The text of one instruction, given what the listing knows on entry to it. */
export function describeInstruction(
  insn: BpfInstruction,
  pc: number,
  state: FlowState,
  arch: Arch,
): string {
  if (isConditionalJump(insn.code) && JUMP_OPERATORS.has(bpfOp(insn.code))) {
    return describeJump(insn, pc, state, arch);
  }
  return describeSimple(insn, pc) ?? `??? (opcode ${hex(insn.code, 2)} is not seccomp BPF)`;
}

/** The text of every instruction, in order. */
export function describeProgram(p: BpfProgram, arch: Arch = 'x86_64'): string[] {
  const states = flowStates(p);
  return p.map((insn, pc) => describeInstruction(insn, pc, states[pc] ?? UNKNOWN_STATE, arch));
}

export const fields = (insn: BpfInstruction): string =>
  `${hex(insn.code, 2)} ${hex(insn.jt, 2)} ${hex(insn.jf, 2)} ${hex(insn.k, 8)}`;
