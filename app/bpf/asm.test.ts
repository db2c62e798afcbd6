import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BPF, SECCOMP } from '../linux/constants';
import { assemble, type AsmResult } from './asm';
import { disassemble, disassembleText, toCArray, toHex } from './disasm';
import { validProgram } from './disasm-arbitrary';
import { jump, OP, stmt } from './encode';
import type { BpfProgram } from './program';

function program(result: AsmResult): BpfProgram {
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.program;
}

function errors(text: string, options = {}) {
  const result = assemble(text, options);
  if (!result.errors) throw new Error(`expected errors for ${text}`);
  return result.errors;
}

const LIBSECCOMP_ASM = `# check if arch is X86_64
A = arch
A == ARCH_X86_64 ? next : dead
A = sys_number
A >= 0x40000000 ? dead : next
A == write ? ok : next
A == close ? ok : next
A == dup ? ok : next
A == exit ? ok : next
return ERRNO(5)
ok:
return ALLOW
dead:
return KILL
`;

describe('assemble', () => {
  it('reads seccomp-tools assembly with labels and the ternary form', () => {
    expect(disassemble(program(assemble(LIBSECCOMP_ASM)))).toBe(
      [
        ' line  CODE  JT   JF      K',
        '=================================',
        ' 0000: 0x20 0x00 0x00 0x00000004  A = arch',
        ' 0001: 0x15 0x00 0x08 0xc000003e  if (A != ARCH_X86_64) goto 0010',
        ' 0002: 0x20 0x00 0x00 0x00000000  A = sys_number',
        ' 0003: 0x35 0x06 0x00 0x40000000  if (A >= 0x40000000) goto 0010',
        ' 0004: 0x15 0x04 0x00 0x00000001  if (A == write) goto 0009',
        ' 0005: 0x15 0x03 0x00 0x00000003  if (A == close) goto 0009',
        ' 0006: 0x15 0x02 0x00 0x00000020  if (A == dup) goto 0009',
        ' 0007: 0x15 0x01 0x00 0x0000003c  if (A == exit) goto 0009',
        ' 0008: 0x06 0x00 0x00 0x00050005  return ERRNO(5)',
        ' 0009: 0x06 0x00 0x00 0x7fff0000  return ALLOW',
        ' 0010: 0x06 0x00 0x00 0x00000000  return KILL',
        '',
      ].join('\n'),
    );
  });

  it('reads every statement form', () => {
    const text = `
      A = sys_number
      if (A != execve) goto done   // C comments too
      A = args[0]
      A = args[1] >> 32
      A = (args[2] >> 32)
      A = instruction_pointer
      A = instruction_pointer >> 32
      A = data[4]
      A = sizeof(seccomp_data)
      X = sizeof(seccomp_data)
      A = 0x10
      A = -1
      X = 7
      X = A
      A = X
      mem[3] = A
      mem[4] = X
      A = mem[3]
      X = mem[4]
      A += 1
      A -= X
      A *= 3
      A /= 2
      A &= 0xff
      A |= 0x100
      A ^= X
      A <<= 4
      A >>= 2
      A = -A
      if (A & 0x4) goto 0031 else goto next
      if (!(A & X)) goto done
      if (A > X) goto next
      if (A <= 5) goto done else goto done
      if (A < 5) goto done
      goto done
      /* no-op */
    done: return ERRNO(EACCES)
    `;
    const p = program(assemble(text, { verify: false }));
    expect(p).toEqual([
      stmt(OP.LD_W_ABS, 0),
      jump(OP.JEQ_K, 59, 0, 34),
      stmt(OP.LD_W_ABS, 16),
      stmt(OP.LD_W_ABS, 28),
      stmt(OP.LD_W_ABS, 36),
      stmt(OP.LD_W_ABS, 8),
      stmt(OP.LD_W_ABS, 12),
      stmt(OP.LD_W_ABS, 4),
      stmt(OP.LD_W_LEN, 0),
      stmt(OP.LDX_W_LEN, 0),
      stmt(OP.LD_IMM, 16),
      stmt(OP.LD_IMM, 0xffffffff),
      stmt(OP.LDX_IMM, 7),
      stmt(OP.TAX, 0),
      stmt(OP.TXA, 0),
      stmt(OP.ST, 3),
      stmt(OP.STX, 4),
      stmt(OP.LD_MEM, 3),
      stmt(OP.LDX_MEM, 4),
      stmt(BPF.BPF_ALU | BPF.BPF_ADD | BPF.BPF_K, 1),
      stmt(BPF.BPF_ALU | BPF.BPF_SUB | BPF.BPF_X, 0),
      stmt(BPF.BPF_ALU | BPF.BPF_MUL | BPF.BPF_K, 3),
      stmt(BPF.BPF_ALU | BPF.BPF_DIV | BPF.BPF_K, 2),
      stmt(OP.AND_K, 0xff),
      stmt(BPF.BPF_ALU | BPF.BPF_OR | BPF.BPF_K, 0x100),
      stmt(BPF.BPF_ALU | BPF.BPF_XOR | BPF.BPF_X, 0),
      stmt(BPF.BPF_ALU | BPF.BPF_LSH | BPF.BPF_K, 4),
      stmt(BPF.BPF_ALU | BPF.BPF_RSH | BPF.BPF_K, 2),
      stmt(BPF.BPF_ALU | BPF.BPF_NEG, 0),
      jump(OP.JSET_K, 4, 1, 0),
      jump(BPF.BPF_JMP | BPF.BPF_JSET | BPF.BPF_X, 0, 0, 5),
      jump(BPF.BPF_JMP | BPF.BPF_JGT | BPF.BPF_X, 0, 0, 0),
      jump(OP.JGT_K, 5, 3, 3),
      jump(OP.JGE_K, 5, 0, 2),
      stmt(OP.JA, 1),
      stmt(OP.JA, 0),
      stmt(OP.RET_K, SECCOMP.SECCOMP_RET_ERRNO | 13),
    ]);
  });

  it('reads every return value', () => {
    const returns = [
      'A',
      'KILL',
      'KILL_THREAD',
      'KILL_PROCESS',
      'TRAP',
      'TRAP(3)',
      'ERRNO(0)',
      'ERRNO(EPERM)',
      'USER_NOTIF',
      'TRACE',
      'TRACE(0x10)',
      'LOG',
      'ALLOW',
      '0x12345678',
    ];
    const p = program(assemble(returns.map((r) => `return ${r}`).join('\n')));
    expect(p.map((insn) => insn.k)).toEqual([
      0, 0, 0, 0x80000000, 0x30000, 0x30003, 0x50000, 0x50001, 0x7fc00000, 0x7ff00000, 0x7ff00010,
      0x7ffc0000, 0x7fff0000, 0x12345678,
    ]);
    expect(p[0]?.code).toBe(OP.RET_A);
  });

  it('resolves bare syscall names for the arch each path tested', () => {
    const text = `
      A = arch
      if (A != ARCH_I386) goto other
      A = sys_number
      if (A == fork) goto allow    # i386's fork is 2
      return KILL
    other:
      A = sys_number
      if (A == fork) goto allow    # x86_64's fork is 57
      if (A == i386.fork) goto allow
      if (A == x32_read) goto allow
      return KILL
    allow:
      return ALLOW
    `;
    const p = program(assemble(text));
    expect([p[3]?.k, p[6]?.k, p[7]?.k, p[8]?.k]).toEqual([2, 57, 2, 0x40000000]);
    const forkOnAarch64 = 'A = sys_number\nif (A == fork) goto 0003\nreturn KILL\nreturn ALLOW';
    expect(errors(forkOnAarch64, { arch: 'aarch64' })[0]?.message).toBe(
      'unknown syscall or constant "fork" on aarch64',
    );
  });

  it('reads back its own listings, hex and C', () => {
    const p = program(assemble(LIBSECCOMP_ASM));
    expect(program(assemble(disassemble(p)))).toEqual(p);
    expect(program(assemble(disassembleText(p)))).toEqual(p);
    expect(program(assemble(toHex(p)))).toEqual(p);
    expect(program(assemble(toCArray(p, 'filter')))).toEqual(p);
  });

  it('lets a listing be edited when the fields are removed, keeping line numbers as labels', () => {
    const text = disassembleText(program(assemble(LIBSECCOMP_ASM)))
      .split('\n')
      .filter((line) => !line.includes('if (A == dup)'))
      .join('\n');
    const p = program(assemble(text));
    expect(p).toHaveLength(10);
    expect(disassembleText(p)).toContain('0001: if (A != ARCH_X86_64) goto 0009');
  });

  it('refuses a listing line whose text disagrees with its fields', () => {
    const listing = disassemble(program(assemble(LIBSECCOMP_ASM)));
    expect(
      errors(listing.replace('if (A == close) goto 0009', 'if (A == open) goto 0009')),
    ).toEqual([
      {
        line: 8,
        column: 35,
        message:
          'the text does not match the instruction\'s fields, which encode "if (A == close) goto 0009" (edit the text and remove the fields, or fix the fields)',
      },
    ]);
    // Another spelling of the same instruction is fine.
    expect(program(assemble(listing.replace('if (A == close)', 'if (A == 0x3)')))).toHaveLength(11);
  });

  it('reports every problem with its line and column, never throwing', () => {
    expect(errors('')).toEqual([{ line: 1, column: 1, message: 'there are no instructions' }]);
    expect(errors('A = sys_number\nif (A == nosuch) goto 0003\nreturn KILL\nreturn ALLOW')).toEqual(
      [{ line: 2, column: 10, message: 'unknown syscall or constant "nosuch" on x86_64' }],
    );
    expect(errors('goto nowhere\nreturn ALLOW')[0]).toMatchObject({
      line: 1,
      column: 6,
      message: 'unknown label nowhere',
    });
    expect(errors('x: return ALLOW\ngoto x')[0]).toMatchObject({
      line: 2,
      message: expect.stringMatching(/only go forward/),
    });
    expect(errors('x: return ALLOW\nx: return ALLOW')[0]).toMatchObject({
      line: 2,
      column: 1,
      message: 'label x is defined twice',
    });
    expect(errors('0000: goto 0005\n0001: return ALLOW')[0]).toMatchObject({
      line: 1,
      column: 12,
      message: 'no line is numbered 5',
    });
    expect(errors('mem[16] = A')[0]).toMatchObject({
      column: 5,
      message: 'a scratch memory slot must be 0..15, not 16',
    });
    expect(errors('A = args[6]')[0]).toMatchObject({ column: 10 });
    expect(errors('A = args[1] >> 16')[0]?.message).toMatch(/only ">> 32"/);
    expect(errors('return ERRNO')[0]?.message).toMatch(/ERRNO needs a value/);
    expect(errors('return ERRNO(ENOPE)')[0]).toMatchObject({
      column: 14,
      message: 'unknown errno name ENOPE',
    });
    expect(errors('return ERRNO(0x10000)')[0]?.message).toMatch(/0\.\.65535/);
    expect(errors('A = 0x100000000')[0]).toMatchObject({
      column: 5,
      message: '0x100000000 does not fit in 32 bits',
    });
    expect(errors('A = @')[0]).toMatchObject({ column: 5, message: 'unexpected character "@"' });
    expect(errors('frobnicate')[0]?.message).toMatch(/expected a statement/);
    expect(errors('return ALLOW extra')[0]).toMatchObject({ column: 14 });
    expect(errors('0x10000 0 0 0')[0]?.message).toMatch(/code 0x10000 does not fit/);
    expect(errors('BPF_STMT(BPF_LD | BPF_NOPE, 0)')[0]?.message).toMatch(
      /unknown opcode part "BPF_NOPE"/,
    );
    expect(errors('A /= 0\nreturn A')).toEqual([
      { line: 1, column: 1, message: 'instruction 0: DIV K divides by the constant 0' },
    ]);
    expect(program(assemble('A /= 0\nreturn A', { verify: false }))).toHaveLength(2);
  });

  it('refuses conditional jumps farther than 255 instructions', () => {
    const text = [
      'A = sys_number',
      'if (A == read) goto far',
      ...Array(256).fill('A = 1'),
      'far: return ALLOW',
    ];
    expect(errors(text.join('\n'))[0]).toMatchObject({
      line: 2,
      column: 21,
      message: expect.stringMatching(/at most 255/),
    });
  });

  it('reads back any valid program from its listing, exactly', () => {
    fc.assert(
      fc.property(
        validProgram(),
        fc.constantFrom('x86_64', 'i386', 'aarch64', 'x32'),
        (p, arch) => {
          expect(program(assemble(disassemble(p, arch), { arch }))).toEqual(p);
          expect(program(assemble(toHex(p)))).toEqual(p);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads back the text alone of programs whose text shows every field', () => {
    fc.assert(
      fc.property(validProgram({ canonical: true }), (p) => {
        expect(program(assemble(disassembleText(p)))).toEqual(p);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const result = assemble(text);
        expect(result.program !== undefined || (result.errors?.length ?? 0) > 0).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
