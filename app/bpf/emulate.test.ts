import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AUDIT_ARCH, BPF, SECCOMP } from '../linux/constants';
import { BpfExecutionError, isConstantAllow, runFilter, seccompDataFor } from './emulate';
import { jump, OP, stmt } from './encode';
import type { BpfInstruction, BpfProgram, SeccompData } from './program';
import { verifyProgram } from './verify';

const X86_64 = AUDIT_ARCH.AUDIT_ARCH_X86_64;
const ALLOW = SECCOMP.SECCOMP_RET_ALLOW;
const alu = (op: number, src: number, k = 0): BpfInstruction => stmt(BPF.BPF_ALU | op | src, k);
const ldImm = (k: number): BpfInstruction => stmt(OP.LD_IMM, k);
const ldxImm = (k: number): BpfInstruction => stmt(OP.LDX_IMM, k);
const retA = stmt(OP.RET_A, 0);

/** Runs a verified program that ends in `RET A` and returns A. */
function resultOf(program: BpfProgram, data: SeccompData = seccompDataFor(0)): number {
  expect(verifyProgram(program)).toEqual({ ok: true });
  return runFilter(program, data).ret;
}

describe('runFilter: ALU', () => {
  const cases: [string, BpfProgram, number][] = [
    ['ADD K wraps at 2^32', [ldImm(0xffffffff), alu(BPF.BPF_ADD, BPF.BPF_K, 2), retA], 1],
    ['SUB X wraps below 0', [ldImm(1), ldxImm(2), alu(BPF.BPF_SUB, BPF.BPF_X), retA], 0xffffffff],
    [
      'MUL keeps the low 32 bits',
      [ldImm(0x10001), alu(BPF.BPF_MUL, BPF.BPF_K, 0x10001), retA],
      0x20001,
    ],
    ['MUL of large values', [ldImm(0xffffffff), alu(BPF.BPF_MUL, BPF.BPF_K, 0xffffffff), retA], 1],
    ['DIV K is unsigned', [ldImm(0xfffffffe), alu(BPF.BPF_DIV, BPF.BPF_K, 2), retA], 0x7fffffff],
    ['DIV X', [ldImm(100), ldxImm(7), alu(BPF.BPF_DIV, BPF.BPF_X), retA], 14],
    ['AND', [ldImm(0xf0f0), alu(BPF.BPF_AND, BPF.BPF_K, 0xff00), retA], 0xf000],
    ['OR', [ldImm(0xf0f0), alu(BPF.BPF_OR, BPF.BPF_K, 0x0f00), retA], 0xfff0],
    [
      'XOR X',
      [ldImm(0xff00ff00), ldxImm(0xffffffff), alu(BPF.BPF_XOR, BPF.BPF_X), retA],
      0x00ff00ff,
    ],
    ['LSH K', [ldImm(0x80000001), alu(BPF.BPF_LSH, BPF.BPF_K, 1), retA], 2],
    ['RSH K is logical', [ldImm(0x80000000), alu(BPF.BPF_RSH, BPF.BPF_K, 31), retA], 1],
    [
      'RSH X by 32 or more uses the low 5 bits',
      [ldImm(8), ldxImm(33), alu(BPF.BPF_RSH, BPF.BPF_X), retA],
      4,
    ],
    ['NEG', [ldImm(1), alu(BPF.BPF_NEG, BPF.BPF_K), retA], 0xffffffff],
    ['TAX/TXA', [ldImm(9), stmt(OP.TAX, 0), ldImm(0), stmt(OP.TXA, 0), retA], 9],
    ['LD W LEN is sizeof(seccomp_data)', [stmt(OP.LD_W_LEN, 0), retA], 64],
    ['LDX W LEN too', [stmt(OP.LDX_W_LEN, 0), stmt(OP.TXA, 0), retA], 64],
    ['A and X start at 0', [alu(BPF.BPF_ADD, BPF.BPF_X), retA], 0],
  ];
  for (const [title, program, expected] of cases) {
    it(title, () => {
      expect(resultOf(program)).toBe(expected);
    });
  }

  it('ends the filter with 0 (KILL_THREAD) on DIV by X == 0, like the kernel', () => {
    const program = [ldImm(5), alu(BPF.BPF_DIV, BPF.BPF_X), stmt(OP.RET_K, ALLOW)];
    expect(verifyProgram(program)).toEqual({ ok: true });
    expect(runFilter(program, seccompDataFor(0))).toEqual({
      ret: 0,
      executed: 2,
      readsArguments: false,
    });
  });
});

describe('runFilter: memory', () => {
  it('stores A and X and loads them back', () => {
    const program = [
      ldImm(11),
      stmt(OP.ST, 0),
      ldxImm(22),
      stmt(OP.STX, 15),
      ldImm(0),
      stmt(OP.LDX_MEM, 0),
      stmt(OP.LD_MEM, 15),
      alu(BPF.BPF_ADD, BPF.BPF_X),
      retA,
    ];
    expect(resultOf(program)).toBe(33);
  });

  it('throws when an unverified program reads a word never stored', () => {
    expect(() => runFilter([stmt(OP.LD_MEM, 3), retA], seccompDataFor(0))).toThrow(
      /instruction 0 .*M\[3\] is read before anything was stored/,
    );
  });
});

describe('runFilter: jumps', () => {
  const jsetProgram: BpfProgram = [
    stmt(OP.LD_W_ABS, 16),
    jump(OP.JSET_K, 0x4, 0, 1),
    stmt(OP.RET_K, 1),
    stmt(OP.RET_K, 2),
  ];

  it('JSET takes jt when any masked bit is set', () => {
    expect(runFilter(jsetProgram, seccompDataFor(0, [0x6n])).ret).toBe(1);
    expect(runFilter(jsetProgram, seccompDataFor(0, [0x3n])).ret).toBe(2);
  });

  it('JGT/JGE/JEQ compare unsigned, with K or X', () => {
    const compare = (code: number, a: number, k: number): number =>
      runFilter(
        [ldImm(a), ldxImm(k), jump(code, k, 0, 1), stmt(OP.RET_K, 1), stmt(OP.RET_K, 0)],
        seccompDataFor(0),
      ).ret;
    const jgtX = BPF.BPF_JMP | BPF.BPF_JGT | BPF.BPF_X;
    expect(compare(OP.JGT_K, 0x80000000, 1)).toBe(1);
    expect(compare(OP.JGT_K, 1, 1)).toBe(0);
    expect(compare(OP.JGE_K, 1, 1)).toBe(1);
    expect(compare(OP.JEQ_K, 0xffffffff, 0xffffffff)).toBe(1);
    expect(compare(jgtX, 0xffffffff, 0xfffffffe)).toBe(1);
    expect(compare(jgtX, 2, 0xfffffffe)).toBe(0);
  });

  it('JA skips k instructions; executed counts what ran', () => {
    const program = [stmt(OP.JA, 2), stmt(OP.RET_K, 1), stmt(OP.RET_K, 2), stmt(OP.RET_K, 3)];
    expect(runFilter(program, seccompDataFor(0))).toEqual({
      ret: 3,
      executed: 2,
      readsArguments: false,
    });
  });

  it('throws when an unverified program runs past its end or uses a bad opcode', () => {
    expect(() => runFilter([ldImm(1)], seccompDataFor(0))).toThrow(BpfExecutionError);
    expect(() => runFilter([stmt(OP.JA, 5), retA], seccompDataFor(0))).toThrow(/past the program/);
    expect(() => runFilter([alu(BPF.BPF_MOD, BPF.BPF_K, 3), retA], seccompDataFor(0))).toThrow(
      /seccomp verifier rejects/,
    );
    expect(() => runFilter([stmt(OP.LD_W_ABS, 6), retA], seccompDataFor(0))).toThrow(/misaligned/);
    expect(() => runFilter([alu(BPF.BPF_DIV, BPF.BPF_K, 0), retA], seccompDataFor(0))).toThrow(
      /division by the constant 0/,
    );
  });
});

describe('runFilter: seccomp_data', () => {
  const load = (offset: number): BpfProgram => [stmt(OP.LD_W_ABS, offset), retA];

  it('reads nr at 0 and arch at 4', () => {
    const data = seccompDataFor(231, [], X86_64);
    expect(runFilter(load(0), data).ret).toBe(231);
    expect(runFilter(load(4), data).ret).toBe(X86_64);
  });

  it('reads the instruction pointer as low then high half', () => {
    const data: SeccompData = { ...seccompDataFor(0), instructionPointer: 0x0000_7fff_1234_5678n };
    expect(runFilter(load(8), data).ret).toBe(0x12345678);
    expect(runFilter(load(12), data).ret).toBe(0x7fff);
  });

  it('reads each 64-bit argument as two little-endian halves', () => {
    const args = [0x1111_2222_3333_4444n, 1n, 0xffff_ffff_0000_0000n, 0n, 0xdeadbeefn, 2n ** 63n];
    const data = seccompDataFor(0, args);
    args.forEach((arg, i) => {
      expect(runFilter(load(16 + 8 * i), data).ret).toBe(Number(arg & 0xffffffffn));
      expect(runFilter(load(20 + 8 * i), data).ret).toBe(Number(arg >> 32n));
    });
  });

  it('takes negative arguments modulo 2^64 (as a register holds them)', () => {
    const data = seccompDataFor(0, [-1n]);
    expect(runFilter(load(16), data).ret).toBe(0xffffffff);
    expect(runFilter(load(20), data).ret).toBe(0xffffffff);
  });

  it('compares a 64-bit argument correctly via its halves', () => {
    // arg0 == 0x1_00000002: high half first, then low half.
    const program: BpfProgram = [
      stmt(OP.LD_W_ABS, 20),
      jump(OP.JEQ_K, 1, 0, 3),
      stmt(OP.LD_W_ABS, 16),
      jump(OP.JEQ_K, 2, 0, 1),
      stmt(OP.RET_K, ALLOW),
      stmt(OP.RET_K, 0),
    ];
    const run = (arg: bigint): number => runFilter(program, seccompDataFor(0, [arg])).ret;
    expect(run(0x1_0000_0002n)).toBe(ALLOW);
    expect(run(0x2n)).toBe(0);
    expect(run(0x2_0000_0002n)).toBe(0);
  });

  it('seccompDataFor pads arguments, rejects more than 6', () => {
    expect(seccompDataFor(1).args).toEqual([0n, 0n, 0n, 0n, 0n, 0n]);
    expect(seccompDataFor(-1).nr).toBe(0xffffffff);
    expect(() => seccompDataFor(0, [0n, 0n, 0n, 0n, 0n, 0n, 0n])).toThrow(RangeError);
  });

  it('reads every word of random data (fast-check)', () => {
    const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        u64,
        fc.array(u64, { minLength: 6, maxLength: 6 }),
        (nr, arch, ip, args) => {
          const data: SeccompData = { ...seccompDataFor(nr, args, arch), instructionPointer: ip };
          const words = [nr, arch, ip, ...args].flatMap((v, i) =>
            i < 2 ? [Number(v)] : [Number(BigInt(v) & 0xffffffffn), Number(BigInt(v) >> 32n)],
          );
          words.forEach((word, i) => expect(runFilter(load(4 * i), data).ret).toBe(word));
        },
      ),
    );
  });
});

describe('isConstantAllow (the kernel action cache)', () => {
  const byNr: BpfProgram = [
    stmt(OP.LD_W_ABS, 0),
    jump(OP.JEQ_K, 1, 0, 1),
    stmt(OP.RET_K, ALLOW),
    stmt(OP.RET_K, 0),
  ];

  it('follows nr-only paths to ALLOW', () => {
    expect(isConstantAllow(byNr, 1, X86_64)).toBe(true);
    expect(isConstantAllow(byNr, 2, X86_64)).toBe(false);
  });

  it('gives up on paths that read arguments or use other opcodes', () => {
    const readsArg = [stmt(OP.LD_W_ABS, 16), stmt(OP.RET_K, ALLOW)];
    const usesX = [stmt(OP.TAX, 0), stmt(OP.RET_K, ALLOW)];
    expect(isConstantAllow(readsArg, 1, X86_64)).toBe(false);
    expect(isConstantAllow(usesX, 1, X86_64)).toBe(false);
  });

  it('follows AND K and JA', () => {
    const program = [
      stmt(OP.LD_W_ABS, 0),
      stmt(OP.AND_K, 0xff),
      jump(OP.JEQ_K, 1, 1, 0),
      stmt(OP.RET_K, 0),
      stmt(OP.JA, 0),
      stmt(OP.RET_K, ALLOW),
    ];
    expect(isConstantAllow(program, 0x101, X86_64)).toBe(true);
    expect(isConstantAllow(program, 0x102, X86_64)).toBe(false);
  });
});
