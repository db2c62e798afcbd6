import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AUDIT_ARCH } from '../linux/constants';
import { validProgram } from './disasm-arbitrary';
import { traceFilter } from './disasm-trace';
import { runFilter } from './emulate';
import { jump, OP, stmt } from './encode';
import type { SeccompData } from './program';

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const input: fc.Arbitrary<SeccompData> = fc.record({
  nr: fc.oneof(fc.nat({ max: 600 }), fc.nat({ max: 0xffffffff })),
  arch: fc.constantFrom(AUDIT_ARCH.AUDIT_ARCH_X86_64, AUDIT_ARCH.AUDIT_ARCH_I386, 0),
  instructionPointer: u64,
  args: fc.tuple(u64, u64, u64, u64, u64, u64),
});

describe('traceFilter', () => {
  it('follows the path the emulator takes', () => {
    const program = [
      stmt(OP.LD_W_ABS, 0),
      jump(OP.JEQ_K, 2, 0, 1),
      stmt(OP.RET_K, 0x7fff0000),
      stmt(OP.LD_W_ABS, 20),
      jump(OP.JGT_K, 0, 1, 0),
      stmt(OP.RET_K, 0),
      stmt(OP.RET_K, 0x50001),
    ];
    const data = (nr: number, arg0: bigint): SeccompData => ({
      nr,
      arch: 0,
      instructionPointer: 0n,
      args: [arg0, 0n, 0n, 0n, 0n, 0n],
    });
    expect(traceFilter(program, data(2, 0n))).toEqual({ ret: 0x7fff0000, path: [0, 1, 2] });
    expect(traceFilter(program, data(3, 1n << 32n))).toEqual({
      ret: 0x50001,
      path: [0, 1, 3, 4, 6],
    });
  });

  it('agrees with the emulator on every valid program', () => {
    fc.assert(
      fc.property(validProgram(), input, (p, data) => {
        const run = runFilter(p, data);
        const trace = traceFilter(p, data);
        expect(trace.ret).toBe(run.ret);
        expect(trace.path).toHaveLength(run.executed);
      }),
      { numRuns: 1000 },
    );
  });
});
