import { describe, expect, it } from 'vitest';
import { BPF, SECCOMP } from '../linux/constants';
import { disassemble, disassembleText, returnValueName, toCArray, toHex, toJson } from './disasm';
import { opcodeExpression } from './disasm-c';
import { syscallByLabel, syscallLabel } from './disasm-names';
import { jump, OP, stmt } from './encode';
import type { BpfInstruction, BpfProgram } from './program';

/** The program whose fields a listing shows (read here with a regex, not with the assembler). */
function fromListing(listing: string): BpfProgram {
  return [...listing.matchAll(/^ \d{4}: (0x\w+) (0x\w+) (0x\w+) (0x\w+)/gm)].map((m) => ({
    code: Number(m[1]),
    jt: Number(m[2]),
    jf: Number(m[3]),
    k: Number(m[4]),
  }));
}

const listing = (...lines: string[]): string =>
  [' line  CODE  JT   JF      K', '=================================', ...lines, ''].join('\n');

describe('disassemble (seccomp-tools format)', () => {
  it('lists a libseccomp filter exactly as seccomp-tools does', () => {
    const text = listing(
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
    );
    expect(disassemble(fromListing(text))).toBe(text);
  });

  it('names syscalls of the arch each branch dispatched to, with a prefix for other arches', () => {
    const text = listing(
      ' 0000: 0x20 0x00 0x00 0x00000004  A = arch',
      ' 0001: 0x15 0x00 0x05 0xc000003e  if (A != ARCH_X86_64) goto 0007',
      ' 0002: 0x20 0x00 0x00 0x00000000  A = sys_number',
      ' 0003: 0x35 0x12 0x00 0x40000000  if (A >= 0x40000000) goto 0022',
      ' 0004: 0x15 0x12 0x00 0x00000000  if (A == read) goto 0023',
      ' 0005: 0x15 0x11 0x00 0x00000001  if (A == write) goto 0023',
      ' 0006: 0x15 0x10 0x0f 0x00000002  if (A == open) goto 0023 else goto 0022',
      ' 0007: 0x15 0x00 0x04 0x40000003  if (A != ARCH_I386) goto 0012',
      ' 0008: 0x20 0x00 0x00 0x00000000  A = sys_number',
      ' 0009: 0x15 0x0d 0x00 0x00000000  if (A == i386.restart_syscall) goto 0023',
      ' 0010: 0x15 0x0c 0x00 0x00000001  if (A == i386.exit) goto 0023',
      ' 0011: 0x15 0x0b 0x0a 0x00000002  if (A == i386.fork) goto 0023 else goto 0022',
      ' 0012: 0x15 0x00 0x04 0xc00000b7  if (A != ARCH_AARCH64) goto 0017',
      ' 0013: 0x20 0x00 0x00 0x00000000  A = sys_number',
      ' 0014: 0x15 0x08 0x00 0x00000000  if (A == aarch64.io_setup) goto 0023',
      ' 0015: 0x15 0x07 0x00 0x00000001  if (A == aarch64.io_destroy) goto 0023',
      ' 0016: 0x15 0x06 0x05 0x00000002  if (A == aarch64.io_submit) goto 0023 else goto 0022',
      ' 0017: 0x15 0x00 0x04 0x80000016  if (A != ARCH_S390X) goto 0022',
      ' 0018: 0x20 0x00 0x00 0x00000000  A = sys_number',
      // No s390x table: numbers stay numbers.
      ' 0019: 0x15 0x03 0x00 0x00000000  if (A == 0x0) goto 0023',
      ' 0020: 0x15 0x02 0x00 0x00000001  if (A == 0x1) goto 0023',
      ' 0021: 0x15 0x01 0x00 0x00000002  if (A == 0x2) goto 0023',
      ' 0022: 0x06 0x00 0x00 0x00000000  return KILL',
      ' 0023: 0x06 0x00 0x00 0x7fff0000  return ALLOW',
    );
    expect(disassemble(fromListing(text))).toBe(text);
  });

  it('names x32-ABI numbers and prefixes x86_64 names in an i386 listing', () => {
    const text = listing(
      ' 0000: 0x20 0x00 0x00 0x00000004  A = arch',
      ' 0001: 0x15 0x00 0x06 0xc000003e  if (A != ARCH_X86_64) goto 0008',
      ' 0002: 0x20 0x00 0x00 0x00000000  A = sys_number',
      ' 0003: 0x35 0x00 0x04 0x40000000  if (A < 0x40000000) goto 0008',
      ' 0004: 0x15 0x03 0x00 0x40000000  if (A == x32_read) goto 0008',
      ' 0005: 0x15 0x02 0x00 0x40000001  if (A == x32_write) goto 0008',
      ' 0006: 0x15 0x00 0x01 0x40000009  if (A != x32_mmap) goto 0008',
      ' 0007: 0x06 0x00 0x00 0x00050005  return ERRNO(5)',
      ' 0008: 0x06 0x00 0x00 0x7fff0000  return ALLOW',
    );
    const program = fromListing(text);
    expect(disassemble(program)).toBe(text);
    expect(disassemble(program, 'i386')).toContain('if (A == x86_64.x32_read) goto 0008');
    expect(disassemble(program, 'x32')).toBe(text);
  });

  it('spells every instruction like seccomp-tools: decimal where A holds no data word', () => {
    const program: BpfProgram = [
      stmt(OP.LD_W_ABS, 8),
      stmt(OP.TAX, 0),
      stmt(OP.LD_W_ABS, 12),
      stmt(BPF.BPF_ALU | BPF.BPF_ADD | BPF.BPF_X, 0xa539),
      stmt(OP.AND_K, 0xfff),
      jump(OP.JEQ_K, 0, 1, 0),
      stmt(OP.RET_K, 0),
      stmt(OP.LD_W_ABS, 0),
      stmt(OP.TAX, 0),
      stmt(BPF.BPF_ALU | BPF.BPF_MUL | BPF.BPF_K, 1000),
      stmt(OP.ST, 0),
      stmt(OP.TXA, 0),
      stmt(BPF.BPF_ALU | BPF.BPF_LSH | BPF.BPF_K, 3),
      stmt(BPF.BPF_ALU | BPF.BPF_NEG, 0),
      stmt(OP.LD_MEM, 0),
      jump(BPF.BPF_JMP | BPF.BPF_JEQ | BPF.BPF_X, 0, 1, 0),
      stmt(OP.RET_A, 0),
      stmt(OP.LD_IMM, 64),
      stmt(OP.LDX_IMM, 69),
      stmt(OP.LD_W_LEN, 0),
      stmt(OP.STX, 12),
      stmt(OP.LDX_MEM, 12),
      stmt(OP.LD_W_ABS, 60),
      jump(OP.JSET_K, 0x1337, 0, 1),
      jump(OP.JGT_K, 44, 1, 1),
      jump(OP.JGE_K, 61, 0, 0),
      stmt(OP.RET_K, SECCOMP.SECCOMP_RET_TRACE | 7),
    ];
    expect(disassembleText(program).split('\n')).toEqual([
      '0000: A = instruction_pointer',
      '0001: X = A',
      '0002: A = instruction_pointer >> 32',
      '0003: A += X',
      '0004: A &= 0xfff',
      '0005: if (A == 0) goto 0007',
      '0006: return KILL',
      '0007: A = sys_number',
      '0008: X = A',
      '0009: A *= 0x3e8',
      '0010: mem[0] = A',
      '0011: A = X',
      '0012: A <<= 3',
      '0013: A = -A',
      // mem[0] holds a computed value; A == X is never named.
      '0014: A = mem[0]',
      '0015: if (A == X) goto 0017',
      '0016: return A',
      '0017: A = 64',
      '0018: X = 69',
      '0019: A = sizeof(seccomp_data)',
      '0020: mem[12] = X',
      '0021: X = mem[12]',
      '0022: A = args[5] >> 32',
      '0023: if (!(A & 0x1337)) goto 0025',
      '0024: goto 0026',
      '0025: /* no-op */',
      '0026: return TRACE(7)',
      '',
    ]);
  });

  it('follows data words through scratch memory and X', () => {
    const program: BpfInstruction[] = [
      stmt(OP.LD_W_ABS, 0),
      stmt(OP.ST, 3),
      stmt(OP.LD_IMM, 1),
      stmt(OP.LDX_MEM, 3),
      stmt(OP.TXA, 0),
      jump(OP.JEQ_K, 59, 0, 0),
      stmt(OP.RET_K, 0),
    ];
    expect(disassembleText(program)).toContain('0005: /* no-op */');
    program.splice(5, 1, jump(OP.JEQ_K, 59, 0, 1));
    program.push(stmt(OP.RET_K, 0));
    expect(disassembleText(program)).toContain('0005: if (A != execve) goto 0007');
  });

  it('spells comparisons in decimal when paths disagree on what A holds', () => {
    const program: BpfProgram = [
      stmt(OP.LD_W_ABS, 4),
      jump(OP.JEQ_K, 0, 0, 1),
      stmt(OP.LD_W_ABS, 0),
      jump(OP.JEQ_K, 10, 0, 1),
      stmt(OP.RET_K, 0),
      stmt(OP.RET_K, 0),
    ];
    expect(disassembleText(program)).toContain('0003: if (A != 10) goto 0005');
  });

  it('never throws on programs the verifier rejects', () => {
    const program: BpfProgram = [
      stmt(0xff, 0),
      stmt(OP.LD_W_ABS, 3),
      stmt(OP.LD_W_ABS, 400),
      jump(OP.JEQ_K, 0, 200, 7),
      stmt(BPF.BPF_ALU | BPF.BPF_MOD | BPF.BPF_K, 3),
    ];
    expect(disassembleText(program).split('\n').slice(0, 5)).toEqual([
      '0000: ??? (opcode 0xff is not seccomp BPF)',
      '0001: A = data[3]',
      '0002: A = data[400]',
      '0003: if (A == 0x0) goto 0204 else goto 0011',
      '0004: A %= 0x3',
    ]);
  });

  it('names return values', () => {
    expect(returnValueName(SECCOMP.SECCOMP_RET_KILL_THREAD)).toBe('KILL');
    expect(returnValueName(SECCOMP.SECCOMP_RET_KILL_PROCESS)).toBe('KILL_PROCESS');
    expect(returnValueName(SECCOMP.SECCOMP_RET_USER_NOTIF)).toBe('USER_NOTIF');
    expect(returnValueName(SECCOMP.SECCOMP_RET_LOG)).toBe('LOG');
    expect(returnValueName(SECCOMP.SECCOMP_RET_TRACE | 7)).toBe('TRACE(7)');
    expect(returnValueName(SECCOMP.SECCOMP_RET_ERRNO)).toBe('ERRNO(0)');
    expect(returnValueName(0x12340000)).toBe('0x12340000');
  });
});

describe('syscall labels', () => {
  it('reads back what it writes', () => {
    expect(syscallLabel(0, undefined, 'x86_64')).toBe('read');
    expect(syscallLabel(0x40000000, undefined, 'x86_64')).toBe('x32_read');
    expect(syscallLabel(2, 0x40000003, 'x86_64')).toBe('i386.fork');
    expect(syscallLabel(99999, undefined, 'x86_64')).toBeUndefined();
    expect(syscallByLabel('read', undefined, 'x86_64')).toBe(0);
    expect(syscallByLabel('i386.fork', undefined, 'x86_64')).toBe(2);
    expect(syscallByLabel('fork', 0x40000003, 'x86_64')).toBe(2);
    expect(syscallByLabel('x32_read', undefined, 'x86_64')).toBe(0x40000000);
    expect(syscallByLabel('x86_64.x32_read', undefined, 'i386')).toBe(0x40000000);
    expect(syscallByLabel('sparc.read', undefined, 'x86_64')).toBeUndefined();
    expect(syscallByLabel('nosuchcall', undefined, 'x86_64')).toBeUndefined();
  });
});

describe('toHex, toJson and toCArray', () => {
  const program: BpfProgram = [
    stmt(OP.LD_W_ABS, 4),
    jump(OP.JEQ_K, 0xc000003e, 1, 0),
    stmt(OP.RET_K, SECCOMP.SECCOMP_RET_KILL_PROCESS),
    stmt(OP.RET_K, SECCOMP.SECCOMP_RET_ALLOW),
  ];

  it('writes one hex line per instruction', () => {
    expect(toHex(program.slice(0, 2))).toBe(
      '0x20 0x00 0x00 0x00000004\n0x15 0x01 0x00 0xc000003e\n',
    );
  });

  it('writes JSON that parses back to the program', () => {
    expect(JSON.parse(toJson(program))).toEqual(program);
    expect(JSON.parse(toJson([]))).toEqual([]);
  });

  it('writes C with BPF_STMT/BPF_JUMP, a commented listing and a sock_fprog', () => {
    expect(toCArray([...program, stmt(0xff, 1)], 'policy')).toBe(
      [
        '/* Needs <linux/filter.h> (struct sock_filter, struct sock_fprog, BPF_STMT, BPF_JUMP). */',
        'struct sock_filter policy[] = {',
        '\tBPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0x4), // 0000: A = arch',
        '\tBPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xc000003e, 1, 0), // 0001: if (A == ARCH_X86_64) goto 0003',
        '\tBPF_STMT(BPF_RET | BPF_K, 0x80000000), // 0002: return KILL_PROCESS',
        '\tBPF_STMT(BPF_RET | BPF_K, 0x7fff0000), // 0003: return ALLOW',
        '\t{ 0xff, 0x00, 0x00, 0x00000001 }, // 0004: ??? (opcode 0xff is not seccomp BPF)',
        '};',
        '',
        'struct sock_fprog policy_prog = {',
        '\t.len = (unsigned short)(sizeof(policy) / sizeof(policy[0])),',
        '\t.filter = policy,',
        '};',
        '',
      ].join('\n'),
    );
    expect(() => toCArray(program, 'not a name')).toThrow(RangeError);
  });

  it('spells every seccomp opcode with the header macros', () => {
    expect(opcodeExpression(OP.LD_IMM)).toBe('BPF_LD | BPF_IMM');
    expect(opcodeExpression(OP.LDX_W_LEN)).toBe('BPF_LDX | BPF_W | BPF_LEN');
    expect(opcodeExpression(OP.ST)).toBe('BPF_ST');
    expect(opcodeExpression(BPF.BPF_ALU | BPF.BPF_NEG)).toBe('BPF_ALU | BPF_NEG');
    expect(opcodeExpression(BPF.BPF_ALU | BPF.BPF_RSH | BPF.BPF_X)).toBe(
      'BPF_ALU | BPF_RSH | BPF_X',
    );
    expect(opcodeExpression(OP.JA)).toBe('BPF_JMP | BPF_JA');
    expect(opcodeExpression(OP.RET_A)).toBe('BPF_RET | BPF_A');
    expect(opcodeExpression(OP.TXA)).toBe('BPF_MISC | BPF_TXA');
    expect(opcodeExpression(BPF.BPF_LD | BPF.BPF_H | BPF.BPF_IMM)).toBeUndefined();
  });
});
