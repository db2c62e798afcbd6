import { describe, expect, it } from 'vitest';
import { errnoByName, errnoNames } from '../linux/errno';
import { ACTION_KINDS, formatAction, isActionError, parseAction, parseErrno } from './actions';
import type { SeccompAction } from './model';

const EACCES = errnoByName('EACCES')!.value;

describe('parseAction', () => {
  it('reads every action kind', () => {
    expect(parseAction('kill-process')).toEqual({ kind: 'kill-process' });
    expect(parseAction('kill-thread')).toEqual({ kind: 'kill-thread' });
    expect(parseAction('trap')).toEqual({ kind: 'trap' });
    expect(parseAction('trap 42')).toEqual({ kind: 'trap', data: 42 });
    expect(parseAction('trap 0xffff')).toEqual({ kind: 'trap', data: 65535 });
    expect(parseAction('trace 0')).toEqual({ kind: 'trace', data: 0 });
    expect(parseAction('trace 7')).toEqual({ kind: 'trace', data: 7 });
    expect(parseAction('log')).toEqual({ kind: 'log' });
    expect(parseAction('allow')).toEqual({ kind: 'allow' });
    expect(parseAction('notify')).toEqual({ kind: 'notify' });
    expect(parseAction('errno EACCES')).toEqual({ kind: 'errno', errno: EACCES });
    expect(parseAction('errno 13')).toEqual({ kind: 'errno', errno: 13 });
    expect(parseAction('  errno   EACCES ')).toEqual({ kind: 'errno', errno: EACCES });
  });

  it('explains what is wrong', () => {
    expect(parseAction('kill')).toMatchObject({ code: 'invalid-action' });
    expect(parseAction('Kill-Process')).toEqual({
      code: 'invalid-action',
      error:
        'unknown action "Kill-Process"; did you mean kill-process? (valid actions: kill-process, kill-thread, trap, trap N, errno NAME, errno N, trace N, log, allow, notify)',
    });
    expect(parseAction('errno')).toMatchObject({ code: 'invalid-action' });
    expect(parseAction('errno EPERM EACCES')).toMatchObject({ code: 'invalid-action' });
    expect(parseAction('allow all')).toMatchObject({ code: 'invalid-action' });
    expect(parseAction('')).toMatchObject({ code: 'invalid-action' });
    expect(parseAction('errno EPREM')).toEqual({
      code: 'unknown-errno',
      error: 'unknown errno name "EPREM"; did you mean EPERM?',
    });
    expect(parseAction('errno 4096')).toMatchObject({ code: 'invalid-errno' });
    expect(parseAction('errno 0')).toMatchObject({ code: 'invalid-errno' });
    expect(parseAction('allow all')).toEqual({
      code: 'invalid-action',
      error: '"allow" takes no value; write just "allow"',
    });
    expect(parseAction('trace')).toEqual({
      code: 'invalid-action',
      error: '"trace" needs the value the tracer sees, e.g. "trace 1"',
    });
    for (const bad of ['trap 65536', 'trap -1', 'trap x', 'trace 1.5', 'trace 010', 'trap 1e3']) {
      expect(parseAction(bad), bad).toMatchObject({ code: 'invalid-action-data' });
    }
    expect(parseAction('trap 65536')).toEqual({
      code: 'invalid-action-data',
      error: '"trap 65536": the value must be a number 0..65535 (16 bits of SECCOMP_RET_DATA)',
    });
    expect(parseAction('trap 1 2')).toEqual({
      code: 'invalid-action',
      error: '"trap 1 2" has extra words after "1"',
    });
  });
});

describe('parseErrno', () => {
  it('accepts names, aliases and numbers in range', () => {
    expect(parseErrno('EACCES')).toBe(EACCES);
    expect(parseErrno('EWOULDBLOCK')).toBe(errnoByName('EAGAIN')!.value);
    expect(parseErrno(1)).toBe(1);
    expect(parseErrno('4095')).toBe(4095);
  });

  it('rejects the rest', () => {
    for (const bad of [0, -1, 4096, 1.5, Number.NaN, 'eacces', 'E', '1e3', '0x10']) {
      expect(isActionError(parseErrno(bad)), String(bad)).toBe(true);
    }
  });
});

describe('formatAction', () => {
  it('writes errno by name, others by kind', () => {
    expect(formatAction({ kind: 'errno', errno: EACCES })).toBe('errno EACCES');
    expect(formatAction({ kind: 'errno', errno: 4000 })).toBe('errno 4000');
    expect(formatAction({ kind: 'kill-process' })).toBe('kill-process');
    expect(formatAction({ kind: 'trap' })).toBe('trap');
    expect(formatAction({ kind: 'trap', data: 9 })).toBe('trap 9');
    expect(formatAction({ kind: 'trace', data: 3 })).toBe('trace 3');
  });

  it('round-trips through parseAction for every kind and errno name', () => {
    const actions: SeccompAction[] = [
      ...ACTION_KINDS.filter((k) => k !== 'errno' && k !== 'trace').map(
        (kind) => ({ kind }) as SeccompAction,
      ),
      { kind: 'trap', data: 0 },
      { kind: 'trap', data: 65535 },
      { kind: 'trace', data: 0 },
      { kind: 'trace', data: 12 },
      ...errnoNames().map((name) => ({ kind: 'errno' as const, errno: errnoByName(name)!.value })),
    ];
    for (const action of actions) expect(parseAction(formatAction(action))).toEqual(action);
  });
});
