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
        'unknown action "Kill-Process"; did you mean kill-process? (valid actions: kill-process, kill-thread, trap, errno NAME, errno N, log, allow, notify)',
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
  });

  it('round-trips through parseAction for every kind and errno name', () => {
    const actions: SeccompAction[] = [
      ...ACTION_KINDS.filter((k) => k !== 'errno').map((kind) => ({ kind }) as SeccompAction),
      ...errnoNames().map((name) => ({ kind: 'errno' as const, errno: errnoByName(name)!.value })),
    ];
    for (const action of actions) expect(parseAction(formatAction(action))).toEqual(action);
  });
});
