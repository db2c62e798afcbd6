import { describe, expect, it } from 'vitest';
import { BPF, SECCOMP } from '../linux/constants';
import { jump, OP, stmt } from './encode';
import type { BpfInstruction, BpfProgram } from './program';
import { verifyProgram } from './verify';

const RET_ALLOW = stmt(OP.RET_K, SECCOMP.SECCOMP_RET_ALLOW);
const alu = (op: number, src: number, k = 0): BpfInstruction => stmt(BPF.BPF_ALU | op | src, k);

function errorsOf(p: BpfProgram): { index: number; message: string }[] {
  const result = verifyProgram(p);
  return result.ok ? [] : [...result.errors];
}

function expectRejected(p: BpfProgram, index: number, message: RegExp): void {
  const errors = errorsOf(p);
  expect(errors.length, 'the program should be rejected').toBeGreaterThan(0);
  expect(errors).toContainEqual({ index, message: expect.stringMatching(message) });
  for (const e of errors) expect(e.message).toMatch(new RegExp(`^instruction ${e.index}: |^the `));
}

describe('verifyProgram accepts', () => {
  it('a single RET', () => {
    expect(verifyProgram([RET_ALLOW])).toEqual({ ok: true });
  });

  it('every opcode seccomp allows, used correctly', () => {
    const program: BpfProgram = [
      stmt(OP.LD_W_ABS, 0),
      stmt(OP.LD_W_ABS, 60),
      stmt(OP.LD_W_LEN, 0),
      stmt(OP.LDX_W_LEN, 0),
      stmt(OP.LD_IMM, 7),
      stmt(OP.LDX_IMM, 3),
      stmt(OP.ST, 0),
      stmt(OP.STX, 15),
      stmt(OP.LD_MEM, 0),
      stmt(OP.LDX_MEM, 15),
      ...['ADD', 'SUB', 'MUL', 'DIV', 'AND', 'OR', 'XOR', 'LSH', 'RSH'].flatMap((name) => {
        const op = BPF[`BPF_${name}` as 'BPF_ADD'];
        return [alu(op, BPF.BPF_K, 1), alu(op, BPF.BPF_X)];
      }),
      alu(BPF.BPF_NEG, BPF.BPF_K),
      stmt(OP.TAX, 0),
      stmt(OP.TXA, 0),
      ...['JEQ', 'JGT', 'JGE', 'JSET'].flatMap((name) => {
        const op = BPF[`BPF_${name}` as 'BPF_JEQ'];
        return [
          jump(BPF.BPF_JMP | op | BPF.BPF_K, 1, 0, 0),
          jump(BPF.BPF_JMP | op | BPF.BPF_X, 0, 0, 0),
        ];
      }),
      stmt(OP.JA, 0),
      jump(OP.JEQ_K, 1, 0, 1),
      stmt(OP.RET_A, 0),
      RET_ALLOW,
    ];
    expect(errorsOf(program)).toEqual([]);
  });

  it('a load of M[i] stored on every path that reaches it', () => {
    const program: BpfProgram = [
      stmt(OP.LD_W_ABS, 0),
      jump(OP.JEQ_K, 1, 0, 2),
      stmt(OP.ST, 3),
      stmt(OP.JA, 1),
      stmt(OP.ST, 3),
      stmt(OP.LD_MEM, 3),
      stmt(OP.RET_A, 0),
    ];
    expect(verifyProgram(program)).toEqual({ ok: true });
  });
});

describe('verifyProgram rejects', () => {
  it('an empty program', () => {
    expectRejected([], 0, /empty/);
  });

  it('more than BPF_MAXINSNS (4096) instructions', () => {
    const program = [
      ...Array.from({ length: BPF.BPF_MAXINSNS }, () => stmt(OP.LD_IMM, 0)),
      RET_ALLOW,
    ];
    expect(program).toHaveLength(4097);
    expectRejected(program, 4096, /4097 instructions.*at most 4096/);
    expect(verifyProgram(program.slice(1))).toEqual({ ok: true });
  });

  it('a conditional jump past the end', () => {
    expectRejected([jump(OP.JEQ_K, 0, 0, 1), RET_ALLOW], 0, /jf \+1 lands at 2, outside/);
    expectRejected([jump(OP.JGE_K, 0, 5, 0), RET_ALLOW], 0, /jt \+5 lands at 6/);
  });

  it('a JA past the end, and a JA offset that would wrap backwards', () => {
    expectRejected([stmt(OP.JA, 1), RET_ALLOW], 0, /JA \+1 lands at 2/);
    expectRejected([stmt(OP.JA, 0xffffffff), RET_ALLOW], 0, /JA \+4294967295/);
  });

  it('negative (backward) jump offsets, which struct sock_filter cannot hold', () => {
    expectRejected([{ code: OP.JEQ_K, jt: -1, jf: 0, k: 0 }, RET_ALLOW], 0, /jt = -1 does not fit/);
    expectRejected([{ code: OP.JA, jt: 0, jf: 0, k: -2 }, RET_ALLOW], 0, /k = -2 does not fit/);
  });

  it('a program whose last instruction is not a RET', () => {
    expectRejected([RET_ALLOW, stmt(OP.LD_IMM, 0)], 1, /last instruction must be a RET/);
  });

  it('opcodes seccomp does not allow', () => {
    const cases: [number, string][] = [
      [BPF.BPF_LD | BPF.BPF_H | BPF.BPF_ABS, 'half-word load'],
      [BPF.BPF_LD | BPF.BPF_B | BPF.BPF_ABS, 'byte load'],
      [BPF.BPF_LD | BPF.BPF_W | BPF.BPF_IND, 'indirect load'],
      [BPF.BPF_LDX | BPF.BPF_B | BPF.BPF_MSH, 'LDX MSH'],
      [BPF.BPF_ALU | BPF.BPF_MOD | BPF.BPF_K, 'MOD K'],
      [BPF.BPF_ALU | BPF.BPF_MOD | BPF.BPF_X, 'MOD X'],
      [BPF.BPF_RET | BPF.BPF_X, 'RET X'],
      [0xff, 'garbage'],
    ];
    for (const [code, what] of cases) {
      expect(errorsOf([stmt(code, 1), RET_ALLOW]), what).toContainEqual({
        index: 0,
        message: expect.stringMatching(/opcode 0x[0-9a-f]+ is not allowed in seccomp filters/),
      });
    }
  });

  it('LD W ABS beyond struct seccomp_data or misaligned', () => {
    expectRejected([stmt(OP.LD_W_ABS, 64), RET_ALLOW], 0, /offset 64 is past struct seccomp_data/);
    expectRejected([stmt(OP.LD_W_ABS, 0xfffff000), RET_ALLOW], 0, /past struct seccomp_data/);
    expectRejected([stmt(OP.LD_W_ABS, 6), RET_ALLOW], 0, /offset 6 is not 32-bit aligned/);
  });

  it('DIV by the constant 0 (DIV by X is checked at run time)', () => {
    expectRejected(
      [alu(BPF.BPF_DIV, BPF.BPF_K, 0), RET_ALLOW],
      0,
      /DIV K divides by the constant 0/,
    );
    expect(verifyProgram([alu(BPF.BPF_DIV, BPF.BPF_X), RET_ALLOW])).toEqual({ ok: true });
  });

  it('constant shifts by 32 or more', () => {
    expectRejected([alu(BPF.BPF_LSH, BPF.BPF_K, 32), RET_ALLOW], 0, /shifts by 32/);
    expectRejected([alu(BPF.BPF_RSH, BPF.BPF_K, 40), RET_ALLOW], 0, /shifts by 40/);
  });

  it('scratch memory outside M[0..15]', () => {
    expectRejected([stmt(OP.ST, 16), RET_ALLOW], 0, /M\[16\]; scratch memory has 16 words/);
    expectRejected([stmt(OP.LDX_MEM, 99), RET_ALLOW], 0, /M\[99\]/);
  });

  it('reading M[i] before storing it', () => {
    expectRejected([stmt(OP.LD_MEM, 2), stmt(OP.RET_A, 0)], 0, /M\[2\] may be read before/);
    expectRejected(
      [stmt(OP.ST, 1), stmt(OP.LDX_MEM, 2), stmt(OP.RET_A, 0)],
      1,
      /M\[2\] may be read before/,
    );
  });

  it('reading M[i] stored on only one path into a join', () => {
    const program: BpfProgram = [
      stmt(OP.LD_W_ABS, 0),
      jump(OP.JEQ_K, 1, 0, 1),
      stmt(OP.ST, 4),
      stmt(OP.LD_MEM, 4),
      stmt(OP.RET_A, 0),
    ];
    expectRejected(program, 3, /M\[4\] may be read before/);
  });

  it('and reports every problem it finds, each with its index', () => {
    const errors = errorsOf([stmt(OP.LD_W_ABS, 5), stmt(0xff, 0), jump(OP.JEQ_K, 0, 9, 0)]);
    expect(errors.map((e) => e.index)).toEqual([0, 1, 2, 2, 2]); // jt, jf (falls off the end), not a RET
  });
});
