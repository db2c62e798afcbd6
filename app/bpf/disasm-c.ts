import { BPF } from '../linux/constants';
import type { Arch } from '../linux/syscalls';
import { describeProgram, hex, lineNumber } from './disasm-text';
import {
  bpfClass,
  bpfMiscOp,
  bpfMode,
  bpfOp,
  bpfRval,
  bpfSize,
  bpfSrc,
  isConditionalJump,
} from './encode';
import type { BpfInstruction, BpfProgram } from './program';

/** The linux/bpf_common.h (and filter.h) name of a field value, e.g. `BPF_LD`. */
function fieldName(value: number, names: readonly string[]): string | undefined {
  return names.find((name) => BPF[name as keyof typeof BPF] === value);
}

const CLASSES = [
  'BPF_LD',
  'BPF_LDX',
  'BPF_ST',
  'BPF_STX',
  'BPF_ALU',
  'BPF_JMP',
  'BPF_RET',
  'BPF_MISC',
];
const SIZES = ['BPF_W', 'BPF_H', 'BPF_B'];
const MODES = ['BPF_IMM', 'BPF_ABS', 'BPF_IND', 'BPF_MEM', 'BPF_LEN', 'BPF_MSH'];
const ALU_OPS = [
  'BPF_ADD',
  'BPF_SUB',
  'BPF_MUL',
  'BPF_DIV',
  'BPF_OR',
  'BPF_AND',
  'BPF_LSH',
  'BPF_RSH',
  'BPF_NEG',
  'BPF_MOD',
  'BPF_XOR',
];
const JUMP_OPS = ['BPF_JA', 'BPF_JEQ', 'BPF_JGT', 'BPF_JGE', 'BPF_JSET'];
const SOURCES = ['BPF_K', 'BPF_X'];
const RVALS = ['BPF_K', 'BPF_X', 'BPF_A'];
const MISC_OPS = ['BPF_TAX', 'BPF_TXA'];

/** The opcode's parts as C macro names, in the order the kernel's own filters write them. */
function opcodeParts(code: number): (string | undefined)[] {
  const cls = bpfClass(code);
  const className = fieldName(cls, CLASSES);
  switch (cls) {
    case BPF.BPF_LD:
    case BPF.BPF_LDX: {
      const mode = bpfMode(code);
      const sized = mode === BPF.BPF_ABS || mode === BPF.BPF_IND || mode === BPF.BPF_LEN;
      return [
        className,
        ...(sized ? [fieldName(bpfSize(code), SIZES)] : []),
        fieldName(mode, MODES),
      ];
    }
    case BPF.BPF_ALU: {
      const op = bpfOp(code);
      const src = op === BPF.BPF_NEG ? [] : [fieldName(bpfSrc(code), SOURCES)];
      return [className, fieldName(op, ALU_OPS), ...src];
    }
    case BPF.BPF_JMP: {
      const op = bpfOp(code);
      const src = op === BPF.BPF_JA ? [] : [fieldName(bpfSrc(code), SOURCES)];
      return [className, fieldName(op, JUMP_OPS), ...src];
    }
    case BPF.BPF_RET:
      return [className, fieldName(bpfRval(code), RVALS)];
    case BPF.BPF_MISC:
      return [className, fieldName(bpfMiscOp(code), MISC_OPS)];
    default:
      return [className];
  }
}

/** `BPF_LD | BPF_W | BPF_ABS`, or undefined when the parts do not spell the opcode exactly. */
export function opcodeExpression(code: number): string | undefined {
  const parts = opcodeParts(code);
  if (parts.some((part) => part === undefined)) return undefined;
  const names = parts as string[];
  const value = names.reduce((sum, name) => sum | BPF[name as keyof typeof BPF], 0);
  return value === code ? names.join(' | ') : undefined;
}

function initializer(insn: BpfInstruction): string {
  const expression = opcodeExpression(insn.code);
  const raw = `{ ${hex(insn.code, 2)}, ${hex(insn.jt, 2)}, ${hex(insn.jf, 2)}, ${hex(insn.k, 8)} }`;
  if (expression === undefined) return raw;
  if (isConditionalJump(insn.code) || insn.jt !== 0 || insn.jf !== 0) {
    return `BPF_JUMP(${expression}, ${hex(insn.k)}, ${insn.jt}, ${insn.jf})`;
  }
  return `BPF_STMT(${expression}, ${hex(insn.k)})`;
}

const C_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The program as C: a `struct sock_filter NAME[]` of BPF_STMT/BPF_JUMP lines (raw initializers for
 * opcodes the macros cannot spell), each commented with its listing text, and a
 * `struct sock_fprog NAME_prog` pointing at it, ready for `prctl(PR_SET_SECCOMP, ...)`.
 */
export function toCArray(p: BpfProgram, name = 'filter', arch: Arch = 'x86_64'): string {
  if (!C_IDENTIFIER.test(name)) throw new RangeError(`"${name}" is not a C identifier`);
  const texts = describeProgram(p, arch);
  const rows = p.map(
    (insn, pc) => `\t${initializer(insn)}, // ${lineNumber(pc)}: ${texts[pc] ?? ''}`,
  );
  return [
    '/* Needs <linux/filter.h> (struct sock_filter, struct sock_fprog, BPF_STMT, BPF_JUMP). */',
    `struct sock_filter ${name}[] = {`,
    ...rows,
    '};',
    '',
    `struct sock_fprog ${name}_prog = {`,
    `\t.len = (unsigned short)(sizeof(${name}) / sizeof(${name}[0])),`,
    `\t.filter = ${name},`,
    '};',
    '',
  ].join('\n');
}
