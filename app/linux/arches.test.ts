import { describe, expect, it } from 'vitest';
import { archForAudit, archInfo, isArch, SUPPORTED_ARCHES } from './arches';
import { AUDIT_ARCH, X86 } from './constants';
import { syscallNumber } from './syscalls';

describe('arch info', () => {
  it('takes seccomp_data.arch values from linux/audit.h', () => {
    expect(archInfo('x86_64').auditArch).toBe(AUDIT_ARCH.AUDIT_ARCH_X86_64);
    expect(archInfo('i386').auditArch).toBe(AUDIT_ARCH.AUDIT_ARCH_I386);
    expect(archInfo('x32').auditArch).toBe(AUDIT_ARCH.AUDIT_ARCH_X86_64);
    expect(archInfo('aarch64').auditArch).toBe(AUDIT_ARCH.AUDIT_ARCH_AARCH64);
    expect(archInfo('arm').auditArch).toBe(AUDIT_ARCH.AUDIT_ARCH_ARM);
    expect(archInfo('riscv64').auditArch).toBe(AUDIT_ARCH.AUDIT_ARCH_RISCV64);
  });

  it('gives argument and long widths', () => {
    const widths = SUPPORTED_ARCHES.map((a) => [a, archInfo(a).bits, archInfo(a).longBits]);
    expect(widths).toEqual([
      ['x86_64', 64, 64],
      ['i386', 32, 32],
      ['x32', 64, 32],
      ['aarch64', 64, 64],
      ['arm', 32, 32],
      ['riscv64', 64, 64],
    ]);
  });

  it('marks x32 with its syscall bit and no other arch', () => {
    expect(archInfo('x32').syscallBase).toBe(X86.__X32_SYSCALL_BIT);
    for (const arch of SUPPORTED_ARCHES.filter((a) => a !== 'x32')) {
      expect(archInfo(arch).syscallBase).toBeUndefined();
    }
  });

  it('names its sources', () => {
    expect(archInfo('aarch64').source).toMatch(/linux-libc-dev-arm64-cross/);
    expect(archInfo('i386').source).toMatch(/^linux-libc-dev /);
  });

  it('recognises arch names', () => {
    expect(SUPPORTED_ARCHES.every(isArch)).toBe(true);
    expect(isArch('x86-64')).toBe(false);
    expect(isArch('toString')).toBe(false);
    expect(() => archInfo('mips' as never)).toThrow(/unknown architecture mips/);
  });
});

describe('archForAudit', () => {
  it('tells x86_64 from x32 by the syscall bit', () => {
    const x86 = AUDIT_ARCH.AUDIT_ARCH_X86_64;
    expect(archForAudit(x86, syscallNumber('x86_64', 'read') ?? -1)).toBe('x86_64');
    expect(archForAudit(x86, syscallNumber('x32', 'read') ?? -1)).toBe('x32');
    expect(archForAudit(x86, 0x40000000 | 5000)).toBe('x32');
  });

  it('maps the other audit arches one to one, and unknown ones to undefined', () => {
    expect(archForAudit(AUDIT_ARCH.AUDIT_ARCH_I386, 102)).toBe('i386');
    expect(archForAudit(AUDIT_ARCH.AUDIT_ARCH_AARCH64, 56)).toBe('aarch64');
    expect(archForAudit(AUDIT_ARCH.AUDIT_ARCH_ARM, 4)).toBe('arm');
    expect(archForAudit(AUDIT_ARCH.AUDIT_ARCH_RISCV64, 56)).toBe('riscv64');
    expect(archForAudit(AUDIT_ARCH.AUDIT_ARCH_PPC64LE, 0)).toBeUndefined();
  });

  it('accepts the arch as a signed 32-bit number too (as BPF registers print it)', () => {
    expect(archForAudit(AUDIT_ARCH.AUDIT_ARCH_AARCH64 | 0, 56)).toBe('aarch64');
  });
});
