import { BPF } from '../linux/constants';
import { bpfClass, bpfOp, bpfSrc, isConditionalJump, OP, SECCOMP_DATA } from './encode';
import type { BpfInstruction, BpfProgram } from './program';

export interface VerifyError {
  readonly index: number;
  readonly message: string;
}

export type VerifyResult =
  { readonly ok: true } | { readonly ok: false; readonly errors: readonly VerifyError[] };

const ALU_OPS = ['ADD', 'SUB', 'MUL', 'DIV', 'AND', 'OR', 'XOR', 'LSH', 'RSH'] as const;
const JUMP_OPS = ['JEQ', 'JGT', 'JGE', 'JSET'] as const;

/**
 * Opcodes kernel/seccomp.c `seccomp_check_filter` accepts, with the name used in messages. Classic
 * BPF also has MOD, byte/half-word and indirect loads and LDX MSH; seccomp rejects all of them.
 */
const SECCOMP_OPCODES: ReadonlyMap<number, string> = new Map([
  [OP.LD_W_ABS, 'LD W ABS'],
  [OP.LD_W_LEN, 'LD W LEN'],
  [OP.LDX_W_LEN, 'LDX W LEN'],
  [OP.LD_IMM, 'LD IMM'],
  [OP.LDX_IMM, 'LDX IMM'],
  [OP.LD_MEM, 'LD MEM'],
  [OP.LDX_MEM, 'LDX MEM'],
  [OP.ST, 'ST'],
  [OP.STX, 'STX'],
  [BPF.BPF_ALU | BPF.BPF_NEG, 'NEG'],
  [OP.TAX, 'TAX'],
  [OP.TXA, 'TXA'],
  [OP.RET_K, 'RET K'],
  [OP.RET_A, 'RET A'],
  [OP.JA, 'JA'],
  ...ALU_OPS.flatMap((op): [number, string][] => [
    [BPF.BPF_ALU | BPF[`BPF_${op}`] | BPF.BPF_K, `${op} K`],
    [BPF.BPF_ALU | BPF[`BPF_${op}`] | BPF.BPF_X, `${op} X`],
  ]),
  ...JUMP_OPS.flatMap((op): [number, string][] => [
    [BPF.BPF_JMP | BPF[`BPF_${op}`] | BPF.BPF_K, `${op} K`],
    [BPF.BPF_JMP | BPF[`BPF_${op}`] | BPF.BPF_X, `${op} X`],
  ]),
]);

/** Display name of an opcode the seccomp verifier accepts, or undefined. */
export function seccompOpcodeName(code: number): string | undefined {
  return SECCOMP_OPCODES.get(code);
}

type Report = (message: string) => void;

function checkFields(insn: BpfInstruction, report: Report): boolean {
  const fields: [string, number, number][] = [
    ['code', insn.code, 0xffff],
    ['jt', insn.jt, 0xff],
    ['jf', insn.jf, 0xff],
    ['k', insn.k, 0xffffffff],
  ];
  let ok = true;
  for (const [name, value, max] of fields) {
    if (!Number.isInteger(value) || value < 0 || value > max) {
      report(`${name} = ${value} does not fit struct sock_filter (0..${max})`);
      ok = false;
    }
  }
  return ok;
}

function checkAluConstant(name: string, op: number, k: number, report: Report): void {
  if (op === BPF.BPF_DIV && k === 0) report('DIV K divides by the constant 0');
  if ((op === BPF.BPF_LSH || op === BPF.BPF_RSH) && k >= 32) {
    report(`${name} shifts by ${k}; constant shifts must be below 32`);
  }
}

/** Operand rules of net/core/filter.c `bpf_check_classic` and `seccomp_check_filter`. */
function checkOperands(insn: BpfInstruction, pc: number, length: number, report: Report): void {
  const { code, k } = insn;
  const name = SECCOMP_OPCODES.get(code) ?? '';
  if (code === OP.LD_W_ABS) {
    if (k >= SECCOMP_DATA.size) {
      report(`LD W ABS offset ${k} is past struct seccomp_data (${SECCOMP_DATA.size} bytes)`);
    } else if (k % 4 !== 0) report(`LD W ABS offset ${k} is not 32-bit aligned`);
  } else if (code === OP.LD_MEM || code === OP.LDX_MEM || code === OP.ST || code === OP.STX) {
    if (k >= BPF.BPF_MEMWORDS) {
      report(`${name} uses M[${k}]; scratch memory has ${BPF.BPF_MEMWORDS} words`);
    }
  } else if (bpfClass(code) === BPF.BPF_ALU && bpfSrc(code) === BPF.BPF_K) {
    checkAluConstant(name, bpfOp(code), k, report);
  }
  checkJumpTargets(insn, name, pc, length, report);
}

/** Jumps must land inside the program; offsets are unsigned, so they always go forward. */
function checkJumpTargets(
  insn: BpfInstruction,
  name: string,
  pc: number,
  length: number,
  report: Report,
): void {
  const last = length - 1;
  if (insn.code === OP.JA) {
    if (insn.k >= length - pc - 1) {
      report(
        `JA +${insn.k} lands at ${pc + 1 + insn.k}, outside the program (last instruction ${last})`,
      );
    }
    return;
  }
  if (!isConditionalJump(insn.code)) return;
  for (const [branch, offset] of [
    ['jt', insn.jt],
    ['jf', insn.jf],
  ] as const) {
    if (pc + offset + 1 >= length) {
      report(
        `${name} ${branch} +${offset} lands at ${pc + 1 + offset}, outside the program (last instruction ${last})`,
      );
    }
  }
}

/**
 * `check_load_and_stores` of net/core/filter.c, reproduced exactly: a forward pass carrying the
 * set of stored slots; jumps intersect it into their targets and reset it to "all" after them.
 */
function checkLoadsAfterStores(p: BpfProgram, errors: VerifyError[]): void {
  const all = (1 << BPF.BPF_MEMWORDS) - 1;
  const masks = new Array<number>(p.length).fill(all);
  let valid = 0;
  p.forEach((insn, pc) => {
    valid &= masks[pc] ?? all;
    const { code, k } = insn;
    if (code === OP.ST || code === OP.STX) valid |= 1 << k;
    else if (code === OP.LD_MEM || code === OP.LDX_MEM) {
      if ((valid & (1 << k)) === 0) {
        errors.push({
          index: pc,
          message: `instruction ${pc}: M[${k}] may be read before it is stored (on some path to here)`,
        });
      }
    } else if (code === OP.JA) {
      const target = pc + 1 + k;
      masks[target] = (masks[target] ?? all) & valid;
      valid = all;
    } else if (isConditionalJump(code)) {
      for (const target of [pc + 1 + insn.jt, pc + 1 + insn.jf]) {
        masks[target] = (masks[target] ?? all) & valid;
      }
      valid = all;
    }
  });
}

/**
 * The kernel's checks for a classic seccomp filter (net/core/filter.c `bpf_check_classic` and
 * `check_load_and_stores`, kernel/seccomp.c `seccomp_check_filter`). Where the kernel stops at
 * the first problem, this reports every one it finds, each with the instruction index.
 */
export function verifyProgram(p: BpfProgram): VerifyResult {
  if (p.length === 0) {
    return { ok: false, errors: [{ index: 0, message: 'the program is empty' }] };
  }
  if (p.length > BPF.BPF_MAXINSNS) {
    return {
      ok: false,
      errors: [
        {
          index: BPF.BPF_MAXINSNS,
          message: `the program has ${p.length} instructions; the kernel accepts at most ${BPF.BPF_MAXINSNS}`,
        },
      ],
    };
  }
  const errors: VerifyError[] = [];
  p.forEach((insn, pc) => {
    const report: Report = (message) =>
      errors.push({ index: pc, message: `instruction ${pc}: ${message}` });
    if (!checkFields(insn, report)) return;
    if (!SECCOMP_OPCODES.has(insn.code)) {
      report(
        `opcode 0x${insn.code.toString(16).padStart(2, '0')} is not allowed in seccomp filters`,
      );
      return;
    }
    checkOperands(insn, pc, p.length, report);
  });
  const last = p.length - 1;
  const lastCode = p[last]?.code;
  if (lastCode !== OP.RET_K && lastCode !== OP.RET_A) {
    errors.push({
      index: last,
      message: `instruction ${last}: the last instruction must be a RET`,
    });
  }
  if (errors.length === 0) checkLoadsAfterStores(p, errors);
  return errors.length === 0 ? { ok: true } : { ok: false, errors };
}
