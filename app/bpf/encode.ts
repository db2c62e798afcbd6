import { BPF } from '../linux/constants';
import type { BpfInstruction, BpfProgram } from './program';

/**
 * Binary layouts of classic seccomp BPF: opcode fields, `struct seccomp_data` offsets and the
 * 8-byte `struct sock_filter` wire format the kernel reads.
 */

/** Opcodes the seccomp back end uses, composed from the header constants (linux/bpf_common.h). */
export const OP = {
  LD_W_ABS: BPF.BPF_LD | BPF.BPF_W | BPF.BPF_ABS,
  LD_W_LEN: BPF.BPF_LD | BPF.BPF_W | BPF.BPF_LEN,
  LDX_W_LEN: BPF.BPF_LDX | BPF.BPF_W | BPF.BPF_LEN,
  LD_IMM: BPF.BPF_LD | BPF.BPF_IMM,
  LDX_IMM: BPF.BPF_LDX | BPF.BPF_IMM,
  LD_MEM: BPF.BPF_LD | BPF.BPF_MEM,
  LDX_MEM: BPF.BPF_LDX | BPF.BPF_MEM,
  ST: BPF.BPF_ST,
  STX: BPF.BPF_STX,
  JA: BPF.BPF_JMP | BPF.BPF_JA,
  JEQ_K: BPF.BPF_JMP | BPF.BPF_JEQ | BPF.BPF_K,
  JGT_K: BPF.BPF_JMP | BPF.BPF_JGT | BPF.BPF_K,
  JGE_K: BPF.BPF_JMP | BPF.BPF_JGE | BPF.BPF_K,
  JSET_K: BPF.BPF_JMP | BPF.BPF_JSET | BPF.BPF_K,
  AND_K: BPF.BPF_ALU | BPF.BPF_AND | BPF.BPF_K,
  XOR_K: BPF.BPF_ALU | BPF.BPF_XOR | BPF.BPF_K,
  RET_K: BPF.BPF_RET | BPF.BPF_K,
  RET_A: BPF.BPF_RET | BPF.BPF_A,
  TAX: BPF.BPF_MISC | BPF.BPF_TAX,
  TXA: BPF.BPF_MISC | BPF.BPF_TXA,
} as const;

// Field masks of the opcode byte, as the BPF_CLASS/BPF_SIZE/BPF_MODE/BPF_OP/BPF_SRC macros define them.
const CLASS_MASK = 0x07;
const SIZE_MASK = 0x18;
const MODE_MASK = 0xe0;
const OP_MASK = 0xf0;
const SRC_MASK = 0x08;
const RVAL_MASK = 0x18;
const MISCOP_MASK = 0xf8;

export const bpfClass = (code: number): number => code & CLASS_MASK;
export const bpfSize = (code: number): number => code & SIZE_MASK;
export const bpfMode = (code: number): number => code & MODE_MASK;
export const bpfOp = (code: number): number => code & OP_MASK;
export const bpfSrc = (code: number): number => code & SRC_MASK;
export const bpfRval = (code: number): number => code & RVAL_MASK;
export const bpfMiscOp = (code: number): number => code & MISCOP_MASK;

/** A conditional jump (JEQ/JGT/JGE/JSET with K or X), as opposed to JA. */
export function isConditionalJump(code: number): boolean {
  return bpfClass(code) === BPF.BPF_JMP && bpfOp(code) !== BPF.BPF_JA;
}

export function stmt(code: number, k: number): BpfInstruction {
  return { code, jt: 0, jf: 0, k: k >>> 0 };
}

export function jump(code: number, k: number, jt: number, jf: number): BpfInstruction {
  return { code, jt, jf, k: k >>> 0 };
}

/**
 * Offsets in `struct seccomp_data` (include/uapi/linux/seccomp.h): int nr; __u32 arch;
 * __u64 instruction_pointer; __u64 args[6]. The generated tables hold macros, not struct layouts.
 */
export const SECCOMP_DATA = {
  nr: 0,
  arch: 4,
  instructionPointer: 8,
  args: 16,
  argSize: 8,
  size: 64,
} as const;

/** Bytes per `struct sock_filter`: __u16 code, __u8 jt, __u8 jf, __u32 k. */
export const SOCK_FILTER_SIZE = 8;

export class EncodingError extends Error {
  override readonly name = 'EncodingError';
}

function checkField(index: number, field: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new EncodingError(`instruction ${index}: ${field} ${value} does not fit (0..${max})`);
  }
}

/** The program as the kernel reads it on x86_64 (little-endian `struct sock_filter` array). */
export function encodeProgram(p: BpfProgram): Uint8Array {
  const bytes = new Uint8Array(p.length * SOCK_FILTER_SIZE);
  const view = new DataView(bytes.buffer);
  p.forEach((insn, i) => {
    checkField(i, 'code', insn.code, 0xffff);
    checkField(i, 'jt', insn.jt, 0xff);
    checkField(i, 'jf', insn.jf, 0xff);
    checkField(i, 'k', insn.k, 0xffffffff);
    const at = i * SOCK_FILTER_SIZE;
    view.setUint16(at, insn.code, true);
    view.setUint8(at + 2, insn.jt);
    view.setUint8(at + 3, insn.jf);
    view.setUint32(at + 4, insn.k, true);
  });
  return bytes;
}

export function decodeProgram(bytes: Uint8Array): BpfProgram {
  if (bytes.length % SOCK_FILTER_SIZE !== 0) {
    throw new EncodingError(
      `a BPF program is a whole number of ${SOCK_FILTER_SIZE}-byte instructions; got ${bytes.length} bytes`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const program: BpfInstruction[] = [];
  for (let at = 0; at < bytes.length; at += SOCK_FILTER_SIZE) {
    program.push({
      code: view.getUint16(at, true),
      jt: view.getUint8(at + 2),
      jf: view.getUint8(at + 3),
      k: view.getUint32(at + 4, true),
    });
  }
  return program;
}
