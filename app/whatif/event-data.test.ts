import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AUDIT_ARCH } from '../linux/constants';
import { argsOfWords, auditArchOfLabel, syscallWord, writeArgWords } from './event-data';

const hex = (v: bigint) => `0x${v.toString(16)}`;

describe('auditArchOfLabel', () => {
  it("maps our ABI names to their AUDIT_ARCH (x32 shares x86_64's)", () => {
    expect(auditArchOfLabel('x86_64')).toBe(AUDIT_ARCH.AUDIT_ARCH_X86_64 >>> 0);
    expect(auditArchOfLabel('x32')).toBe(AUDIT_ARCH.AUDIT_ARCH_X86_64 >>> 0);
    expect(auditArchOfLabel('i386')).toBe(AUDIT_ARCH.AUDIT_ARCH_I386 >>> 0);
    expect(auditArchOfLabel('aarch64')).toBe(AUDIT_ARCH.AUDIT_ARCH_AARCH64 >>> 0);
  });

  it('reads the hex label of an AUDIT_ARCH without tables', () => {
    expect(auditArchOfLabel('0xc0000015')).toBe(0xc0000015);
  });

  it('refuses anything else', () => {
    for (const label of ['', 'sparc', '0x', '0x123456789', '0xzz', 'X86_64']) {
      expect(auditArchOfLabel(label), label).toBeUndefined();
    }
  });
});

describe('syscallWord', () => {
  it('keeps nr as the unsigned word seccomp_data holds', () => {
    expect(syscallWord(0)).toBe(0);
    expect(syscallWord(0x40000001)).toBe(0x40000001);
    expect(syscallWord(-1)).toBe(0xffffffff);
    expect(syscallWord(0xffffffff)).toBe(0xffffffff);
  });

  it('refuses what no syscall number can be', () => {
    for (const n of [1.5, 2 ** 32, -(2 ** 31) - 1, Number.NaN, Infinity]) {
      expect(syscallWord(n), String(n)).toBeUndefined();
    }
  });
});

describe('writeArgWords', () => {
  it('writes low then high word of each argument', () => {
    const out = new Uint32Array(14);
    const ok = writeArgWords(
      ['0x1', '0xFFFFFFFF', '0x100000000', '0xdeadbeefcafef00d', '0x0', '0x7f'],
      out,
      2,
    );
    expect(ok).toBe(true);
    expect([...out]).toEqual([
      0, 0, 1, 0, 0xffffffff, 0, 0, 1, 0xcafef00d, 0xdeadbeef, 0, 0, 0x7f, 0,
    ]);
  });

  it('refuses arguments that are not 64-bit hex, or not six of them', () => {
    const out = new Uint32Array(12);
    const six = (bad: string) => ['0x0', '0x0', bad, '0x0', '0x0', '0x0'];
    for (const bad of ['', '0x', '12', '0x1g', '0x10000000000000000', '-0x1', ' 0x1', 'x1']) {
      expect(writeArgWords(six(bad), out, 0), bad).toBe(false);
    }
    expect(writeArgWords(['0x0'], out, 0)).toBe(false);
  });

  it('round-trips every 64-bit value (fast-check)', () => {
    const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    fc.assert(
      fc.property(fc.tuple(u64, u64, u64, u64, u64, u64), fc.boolean(), (args, upper) => {
        const out = new Uint32Array(12);
        const text = args.map((a) => (upper ? hex(a).toUpperCase().replace('0X', '0x') : hex(a)));
        expect(writeArgWords(text, out, 0)).toBe(true);
        expect(argsOfWords(out, 0)).toEqual(args);
      }),
    );
  });
});
