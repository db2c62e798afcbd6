import { describe, expect, it } from 'vitest';
import { actionReturnValue } from '../bpf/actions';
import { errnoByName } from '../linux/errno';
import type { SeccompAction } from '../policy/model';
import type { DeniedEvent, SyscallEvent } from '../trace/events';
import {
  classifyOutcome,
  letsRun,
  observedOutcome,
  outcomeLabel,
  VERDICT,
  verdictName,
} from './verdicts';

const EPERM = errnoByName('EPERM')?.value ?? 0;
const EACCES = errnoByName('EACCES')?.value ?? 0;
const ret = (a: SeccompAction) => actionReturnValue(a);
const ARGS = ['0x0', '0x0', '0x0', '0x0', '0x0', '0x0'];
const base = { t: 0, pid: 1, tid: 1, name: 'openat', nr: 257, arch: 'x86_64', args: ARGS };
const learned = (action?: string): SyscallEvent => ({
  type: 'syscall',
  ...base,
  ...(action === undefined ? {} : { action }),
});
const denied = (action: string, source?: 'audit' | 'supervisor'): DeniedEvent => ({
  type: 'denied',
  ...base,
  action,
  ...(source ? { source } : {}),
});

describe('outcomeLabel', () => {
  it('spells a return value as the supervisor labels events', () => {
    expect(outcomeLabel(ret({ kind: 'errno', errno: EPERM }))).toBe('errno EPERM');
    expect(outcomeLabel(ret({ kind: 'kill-process' }))).toBe('kill-process');
    expect(outcomeLabel(ret({ kind: 'trap' }))).toBe('trap');
    expect(outcomeLabel(ret({ kind: 'allow' }))).toBe('allow');
    // An action the kernel does not know kills the process.
    expect(outcomeLabel(0x12340000)).toBe('kill-process');
  });

  it('lets allow and log run, nothing else', () => {
    expect(letsRun(ret({ kind: 'allow' }))).toBe(true);
    expect(letsRun(ret({ kind: 'log' }))).toBe(true);
    for (const kind of ['kill-process', 'kill-thread', 'trap', 'notify'] as const) {
      expect(letsRun(ret({ kind })), kind).toBe(false);
    }
    expect(letsRun(ret({ kind: 'errno', errno: EPERM }))).toBe(false);
    expect(letsRun(ret({ kind: 'trace', data: 1 }))).toBe(false);
  });
});

describe('classifyOutcome', () => {
  it('allowed: the edited policy lets the syscall run', () => {
    expect(classifyOutcome(observedOutcome(learned('kill-process')), ret({ kind: 'allow' }))).toBe(
      VERDICT.allowed,
    );
    expect(classifyOutcome(observedOutcome(denied('errno EACCES')), ret({ kind: 'log' }))).toBe(
      VERDICT.allowed,
    );
  });

  it('denied: still not allowed, the way the run saw it', () => {
    expect(
      classifyOutcome(observedOutcome(learned('kill-process')), ret({ kind: 'kill-process' })),
    ).toBe(VERDICT.denied);
    expect(
      classifyOutcome(
        observedOutcome(denied('errno EACCES')),
        ret({ kind: 'errno', errno: EACCES }),
      ),
    ).toBe(VERDICT.denied);
    // A learn event that does not say which action: any denial is "still denied".
    expect(classifyOutcome(observedOutcome(learned()), ret({ kind: 'trap' }))).toBe(VERDICT.denied);
    expect(classifyOutcome(observedOutcome(learned('')), ret({ kind: 'trap' }))).toBe(
      VERDICT.denied,
    );
  });

  it('changed: still not allowed, but another action', () => {
    expect(
      classifyOutcome(
        observedOutcome(learned('kill-process')),
        ret({ kind: 'errno', errno: EPERM }),
      ),
    ).toBe(VERDICT.changed);
    expect(
      classifyOutcome(
        observedOutcome(denied('errno EACCES')),
        ret({ kind: 'errno', errno: EPERM }),
      ),
    ).toBe(VERDICT.changed);
    // It ran with `log` in the run; now it would not.
    expect(classifyOutcome(observedOutcome(learned('log')), ret({ kind: 'kill-thread' }))).toBe(
      VERDICT.changed,
    );
  });

  it('compares only the kind with an audit record that names only the kind', () => {
    const audit = observedOutcome(denied('errno', 'audit'));
    expect(classifyOutcome(audit, ret({ kind: 'errno', errno: EPERM }))).toBe(VERDICT.denied);
    expect(classifyOutcome(audit, ret({ kind: 'kill-process' }))).toBe(VERDICT.changed);
    const exact = observedOutcome(denied('errno EACCES', 'audit'));
    expect(classifyOutcome(exact, ret({ kind: 'errno', errno: EACCES }))).toBe(VERDICT.denied);
    expect(classifyOutcome(exact, ret({ kind: 'errno', errno: EPERM }))).toBe(VERDICT.changed);
    // Only audit records get that leniency.
    expect(
      classifyOutcome(observedOutcome(denied('errno')), ret({ kind: 'errno', errno: EPERM })),
    ).toBe(VERDICT.changed);
  });

  it('names every code', () => {
    expect(Object.entries(VERDICT).map(([name, code]) => verdictName(code) === name)).not.toContain(
      false,
    );
    expect(verdictName(99)).toBe('unknown');
  });
});
