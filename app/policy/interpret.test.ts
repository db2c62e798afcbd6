import { describe, expect, it } from 'vitest';
import { seccompDataFor } from '../bpf/emulate';
import {
  ALLOW,
  and,
  archPolicy,
  cmp,
  errno,
  KILL_PROCESS,
  KILL_THREAD,
  LOG,
  not,
  or,
  resolvedPolicy,
  resolvedRule,
  TRAP,
} from '../bpf/test-helpers';
import { AUDIT_ARCH, X86 } from '../linux/constants';
import { archPolicyFor, evaluateCondition, interpretResolved } from './interpret';
import type { ArgCondition } from './resolved';

const X32_BIT = X86.__X32_SYSCALL_BIT;
const X86_64 = AUDIT_ARCH.AUDIT_ARCH_X86_64;

const holds = (condition: ArgCondition, ...args: bigint[]): boolean =>
  evaluateCondition(condition, seccompDataFor(0, args).args);

describe('evaluateCondition', () => {
  it('compares all 64 bits unless the width is 32', () => {
    expect(holds(cmp(0, '==', 5n), 0x1_00000005n)).toBe(false);
    expect(holds(cmp(0, '==', 5n, { width: 32 }), 0x1_00000005n)).toBe(true);
    // glibc passes AT_FDCWD as the int -100, zero-extended.
    expect(holds(cmp(0, '==', -100n, { width: 32 }), 0xffffff9cn)).toBe(true);
    expect(holds(cmp(0, '==', -100n), 0xffffff9cn)).toBe(false);
  });

  it('orders unsigned by default and signed when told, at the width', () => {
    expect(holds(cmp(1, '<', 0n), 0n, 0xffffffff_ffffffffn)).toBe(false);
    expect(holds(cmp(1, '<', 0n, { signed: true }), 0n, 0xffffffff_ffffffffn)).toBe(true);
    expect(holds(cmp(1, '<', 0n, { signed: true, width: 32 }), 0n, 0x80000000n)).toBe(true);
    expect(holds(cmp(1, '<', 0n, { signed: true }), 0n, 0x80000000n)).toBe(false);
    expect(holds(cmp(1, '>=', -5n, { signed: true, width: 32 }), 0n, 0xfffffffbn)).toBe(true);
    expect(holds(cmp(1, '>', -5n, { signed: true, width: 32 }), 0n, 0xfffffffbn)).toBe(false);
  });

  it('masks before comparing', () => {
    const noNamespaces = cmp(0, '==', 0n, { mask: 0x10000000n | 0x20000n });
    expect(holds(noNamespaces, 0x11n)).toBe(true);
    expect(holds(noNamespaces, 0x10000011n)).toBe(false);
    expect(holds(cmp(0, '<=', 3n, { mask: 0xffn }), 0xffff_0003n)).toBe(true);
  });

  it('combines with and, or, not, true and false', () => {
    const inSet = or(cmp(0, '==', 1n), cmp(0, '==', 2n));
    expect(holds(inSet, 2n)).toBe(true);
    expect(holds(not(inSet), 2n)).toBe(false);
    expect(holds(and(inSet, cmp(1, '!=', 0n)), 1n, 0n)).toBe(false);
    expect(holds(and())).toBe(true);
    expect(holds(or())).toBe(false);
    expect(holds({ kind: 'true' })).toBe(true);
    expect(holds({ kind: 'false' })).toBe(false);
  });
});

describe('interpretResolved', () => {
  const policy = resolvedPolicy(
    [
      archPolicy('x86_64', KILL_THREAD, [
        resolvedRule(1, errno(1), cmp(0, '==', 2n), 1),
        resolvedRule(1, ALLOW, { kind: 'true' }, 2),
        resolvedRule(2, TRAP, cmp(0, '>', 9n), 3),
      ]),
      archPolicy('i386', LOG, [resolvedRule(1, ALLOW)]),
    ],
    KILL_PROCESS,
  );
  const at = (nr: number, args: bigint[] = [], arch = X86_64) =>
    interpretResolved(policy, seccompDataFor(nr, args, arch));

  it('tries the rules for the number in file order; the first that holds decides', () => {
    expect(at(1, [2n])).toEqual(errno(1));
    expect(at(1, [3n])).toEqual(ALLOW);
    expect(at(2, [10n])).toEqual(TRAP);
  });

  it('falls back to the arch default', () => {
    expect(at(2, [9n])).toEqual(KILL_THREAD);
    expect(at(3)).toEqual(KILL_THREAD);
    expect(at(7, [], AUDIT_ARCH.AUDIT_ARCH_I386)).toEqual(LOG);
  });

  it('gives unlisted arches and x32 numbers (x32 unlisted) the bad-arch action', () => {
    expect(at(1, [], AUDIT_ARCH.AUDIT_ARCH_AARCH64)).toEqual(KILL_PROCESS);
    expect(at(X32_BIT + 1)).toEqual(KILL_PROCESS);
    expect(at(0xffffffff)).toEqual(KILL_PROCESS);
    expect(at(X32_BIT - 1)).toEqual(KILL_THREAD);
  });
});

describe('archPolicyFor', () => {
  const x86 = archPolicy('x86_64', ALLOW, []);
  const x32 = archPolicy('x32', LOG, []);

  it('splits AUDIT_ARCH_X86_64 at the x32 bit, each side only if listed', () => {
    const both = resolvedPolicy([x32, x86]);
    expect(archPolicyFor(both, { arch: X86_64, nr: 1 })).toBe(x86);
    expect(archPolicyFor(both, { arch: X86_64, nr: X32_BIT })).toBe(x32);
    expect(archPolicyFor(both, { arch: X86_64, nr: -1 })).toBe(x32);
    expect(archPolicyFor(resolvedPolicy([x32]), { arch: X86_64, nr: 1 })).toBeUndefined();
  });

  it('takes the first entry when an arch is listed twice', () => {
    const again = archPolicy('x86_64', KILL_PROCESS, []);
    expect(archPolicyFor(resolvedPolicy([x86, again]), { arch: X86_64, nr: 0 })).toBe(x86);
  });
});
