import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SECCOMP } from '../linux/constants';
import { MAX_ERRNO } from '../linux/errno';
import type { SeccompAction } from '../policy/model';
import { actionReturnValue, decodeReturnValue, policyAction, sameAction } from './actions';
import { ALLOW, errno, KILL_PROCESS, KILL_THREAD, LOG, NOTIFY, TRAP } from './test-helpers';

describe('actionReturnValue', () => {
  it('uses the SECCOMP_RET_* constants', () => {
    expect(actionReturnValue(KILL_PROCESS)).toBe(SECCOMP.SECCOMP_RET_KILL_PROCESS);
    expect(actionReturnValue(KILL_THREAD)).toBe(SECCOMP.SECCOMP_RET_KILL_THREAD);
    expect(actionReturnValue(TRAP)).toBe(SECCOMP.SECCOMP_RET_TRAP);
    expect(actionReturnValue(LOG)).toBe(SECCOMP.SECCOMP_RET_LOG);
    expect(actionReturnValue(ALLOW)).toBe(SECCOMP.SECCOMP_RET_ALLOW);
    expect(actionReturnValue(NOTIFY)).toBe(SECCOMP.SECCOMP_RET_USER_NOTIF);
  });

  it('puts the errno in the data bits, masked to SECCOMP_RET_DATA', () => {
    expect(actionReturnValue(errno(13))).toBe(SECCOMP.SECCOMP_RET_ERRNO + 13);
    expect(actionReturnValue(errno(0x1_0005))).toBe(SECCOMP.SECCOMP_RET_ERRNO + 5);
  });

  it('puts trap and trace data in the data bits', () => {
    expect(actionReturnValue({ kind: 'trap', data: 42 })).toBe(SECCOMP.SECCOMP_RET_TRAP + 42);
    expect(actionReturnValue({ kind: 'trap' })).toBe(SECCOMP.SECCOMP_RET_TRAP);
    expect(actionReturnValue({ kind: 'trace', data: 7 })).toBe(SECCOMP.SECCOMP_RET_TRACE + 7);
    expect(actionReturnValue({ kind: 'trace', data: 0x1_0001 })).toBe(
      SECCOMP.SECCOMP_RET_TRACE + 1,
    );
  });

  it('is an unsigned 32-bit number', () => {
    for (const a of [KILL_PROCESS, KILL_THREAD, TRAP, LOG, ALLOW, NOTIFY, errno(4095)]) {
      const value = actionReturnValue(a);
      expect(value).toBe(value >>> 0);
    }
  });
});

describe('decodeReturnValue', () => {
  it('inverts actionReturnValue for every action', () => {
    const actions: SeccompAction[] = [KILL_PROCESS, KILL_THREAD, TRAP, LOG, ALLOW, NOTIFY];
    for (const a of actions) {
      expect(decodeReturnValue(actionReturnValue(a))).toEqual({ ...a, data: 0, recognized: true });
    }
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_ERRNO }), (value) => {
        expect(decodeReturnValue(actionReturnValue(errno(value)))).toMatchObject(errno(value));
      }),
    );
  });

  it('caps ERRNO data at MAX_ERRNO like the kernel, keeping the raw data', () => {
    expect(decodeReturnValue(SECCOMP.SECCOMP_RET_ERRNO | 0xffff)).toEqual({
      kind: 'errno',
      errno: MAX_ERRNO,
      data: 0xffff,
      recognized: true,
    });
  });

  it('keeps data of TRAP and decodes TRACE', () => {
    expect(decodeReturnValue(SECCOMP.SECCOMP_RET_TRAP | 42)).toEqual({
      kind: 'trap',
      data: 42,
      recognized: true,
    });
    expect(decodeReturnValue(SECCOMP.SECCOMP_RET_TRACE | 7)).toEqual({
      kind: 'trace',
      data: 7,
      recognized: true,
    });
  });

  it('treats unknown actions as kill-process, as the kernel does', () => {
    expect(decodeReturnValue(0x12340000)).toEqual({
      kind: 'kill-process',
      data: 0,
      recognized: false,
    });
    // Bits below SECCOMP_RET_ACTION_FULL's top bit still matter: 0x80010000 is not KILL_PROCESS.
    expect(decodeReturnValue(0x80010000).recognized).toBe(false);
    expect(decodeReturnValue(-1).kind).toBe('kill-process');
  });

  it('decodes any 32-bit value without throwing (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (ret) => {
        const decoded = decodeReturnValue(ret);
        expect(decoded.data).toBe(ret & SECCOMP.SECCOMP_RET_DATA);
      }),
    );
  });
});

describe('policyAction', () => {
  it('gives back the action a policy writes for every return value it produced', () => {
    const actions: fc.Arbitrary<SeccompAction> = fc.oneof(
      fc.constantFrom(KILL_PROCESS, KILL_THREAD, TRAP, LOG, ALLOW, NOTIFY),
      fc.integer({ min: 1, max: 0xffff }).map((data): SeccompAction => ({ kind: 'trap', data })),
      fc.integer({ min: 0, max: 0xffff }).map((data): SeccompAction => ({ kind: 'trace', data })),
      fc.integer({ min: 1, max: MAX_ERRNO }).map(errno),
    );
    fc.assert(
      fc.property(actions, (a) => {
        expect(policyAction(decodeReturnValue(actionReturnValue(a)))).toEqual(a);
      }),
    );
  });

  it('writes trap data 0 as plain trap and an unknown action as kill-process', () => {
    expect(policyAction(decodeReturnValue(SECCOMP.SECCOMP_RET_TRAP))).toEqual(TRAP);
    expect(policyAction(decodeReturnValue(0x12340000))).toEqual(KILL_PROCESS);
  });
});

describe('sameAction', () => {
  it('compares return values', () => {
    expect(sameAction(errno(1), errno(1))).toBe(true);
    expect(sameAction(errno(1), errno(2))).toBe(false);
    expect(sameAction(ALLOW, LOG)).toBe(false);
  });
});
