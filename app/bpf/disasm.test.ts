import { describe, expect, it } from 'vitest';
import { BPF, SECCOMP } from '../linux/constants';
import { compilePolicy } from './compile';
import { disassemble, returnValueName, toHex, toJson } from './disasm';
import { jump, OP, stmt } from './encode';
import type { BpfProgram } from './program';
import { ALLOW, errno, KILL_PROCESS, rule, seccompPolicy, TRAP } from './test-helpers';

describe('disassemble', () => {
  it('lists a compiled policy in seccomp-tools style, naming syscalls and the arch', () => {
    const policy = seccompPolicy(KILL_PROCESS, [
      rule(ALLOW, ['read', 'write', 'exit_group']),
      rule(errno(13), ['openat'], 2),
      rule(TRAP, ['ptrace'], 3),
    ]);
    expect(disassemble(compilePolicy(policy).program)).toBe(
      [
        ' line  CODE  JT   JF      K',
        '=================================',
        ' 0000: 0x20 0x00 0x00 0x00000004  A = arch',
        ' 0001: 0x15 0x00 0x08 0xc000003e  if (A != ARCH_X86_64) goto 0010',
        ' 0002: 0x20 0x00 0x00 0x00000000  A = sys_number',
        ' 0003: 0x35 0x03 0x00 0x000000e7  if (A >= exit_group) goto 0007',
        ' 0004: 0x35 0x01 0x00 0x00000065  if (A >= ptrace) goto 0006',
        ' 0005: 0x35 0x04 0x05 0x00000002  if (A >= open) goto 0010 else goto 0011',
        ' 0006: 0x35 0x03 0x05 0x00000066  if (A >= getuid) goto 0010 else goto 0012',
        ' 0007: 0x35 0x01 0x00 0x00000101  if (A >= openat) goto 0009',
        ' 0008: 0x35 0x01 0x02 0x000000e8  if (A >= epoll_wait) goto 0010 else goto 0011',
        ' 0009: 0x35 0x00 0x03 0x00000102  if (A < mkdirat) goto 0013',
        ' 0010: 0x06 0x00 0x00 0x80000000  return KILL_PROCESS',
        ' 0011: 0x06 0x00 0x00 0x7fff0000  return ALLOW',
        ' 0012: 0x06 0x00 0x00 0x00030000  return TRAP',
        ' 0013: 0x06 0x00 0x00 0x0005000d  return ERRNO(13)',
        '',
      ].join('\n'),
    );
  });

  it('spells argument loads, memory, ALU and every jump form', () => {
    const program: BpfProgram = [
      stmt(OP.LD_W_ABS, 0),
      jump(OP.JEQ_K, 59, 0, 1),
      stmt(OP.LD_W_ABS, 16),
      stmt(OP.LD_W_ABS, 36),
      stmt(OP.LD_W_ABS, 12),
      stmt(BPF.BPF_ALU | BPF.BPF_AND | BPF.BPF_K, 0xff),
      stmt(BPF.BPF_ALU | BPF.BPF_ADD | BPF.BPF_X, 0),
      stmt(BPF.BPF_ALU | BPF.BPF_NEG, 0),
      stmt(OP.ST, 2),
      stmt(OP.LDX_MEM, 2),
      jump(OP.JSET_K, 4, 1, 0),
      jump(BPF.BPF_JMP | BPF.BPF_JGT | BPF.BPF_X, 0, 0, 1),
      stmt(OP.JA, 0),
      stmt(OP.RET_A, 0),
      stmt(0xff, 0),
    ];
    const text = disassemble(program)
      .split('\n')
      .slice(2, -1)
      .map((line) => line.slice(34));
    expect(text).toEqual([
      'A = sys_number',
      'if (A != execve) goto 0003',
      'A = args[0]',
      'A = args[2] >> 32',
      'A = instruction_pointer >> 32',
      'A &= 0xff',
      'A += X',
      'A = -A',
      'mem[2] = A',
      'X = mem[2]',
      'if (A & 0x4) goto 0012',
      'if (A <= X) goto 0013',
      'goto 0013',
      'return A',
      '??? (opcode 0xff is not seccomp BPF)',
    ]);
  });

  it('does not name constants when paths disagree on what A holds', () => {
    const program: BpfProgram = [
      stmt(OP.LD_W_ABS, 4),
      jump(OP.JEQ_K, 0, 0, 1),
      stmt(OP.LD_W_ABS, 0),
      jump(OP.JEQ_K, 0, 0, 1),
      stmt(OP.RET_K, 0),
      stmt(OP.RET_K, 0),
    ];
    const lines = disassemble(program).split('\n');
    expect(lines[5]).toMatch(/if \(A != 0x0\) goto 0005$/);
  });

  it('names return values', () => {
    expect(returnValueName(SECCOMP.SECCOMP_RET_KILL_THREAD)).toBe('KILL_THREAD');
    expect(returnValueName(SECCOMP.SECCOMP_RET_USER_NOTIF)).toBe('USER_NOTIF');
    expect(returnValueName(SECCOMP.SECCOMP_RET_LOG)).toBe('LOG');
    expect(returnValueName(SECCOMP.SECCOMP_RET_TRACE | 7)).toBe('TRACE(7)');
    expect(returnValueName(SECCOMP.SECCOMP_RET_ERRNO)).toBe('ERRNO(0)');
    expect(returnValueName(0x12340000)).toBe('0x12340000');
  });
});

describe('toHex and toJson', () => {
  const program: BpfProgram = [stmt(OP.LD_W_ABS, 4), jump(OP.JEQ_K, 0xc000003e, 0, 8)];

  it('writes one hex line per instruction', () => {
    expect(toHex(program)).toBe('0x20 0x00 0x00 0x00000004\n0x15 0x00 0x08 0xc000003e\n');
  });

  it('writes JSON that parses back to the program', () => {
    expect(toJson(program)).toBe(
      '[\n  {"code": 32, "jt": 0, "jf": 0, "k": 4},\n  {"code": 21, "jt": 0, "jf": 8, "k": 3221225534}\n]\n',
    );
    expect(JSON.parse(toJson(program))).toEqual(program);
    expect(JSON.parse(toJson([]))).toEqual([]);
  });
});
