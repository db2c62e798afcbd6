import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../app/policy/parse';
import { testEvents as ev } from '../test-helpers';
import { newObservedNames, pendingObservedNames, ruledSyscallNames } from './observed-syscalls';

const policy = (rules: string) =>
  parsePolicy(`version: 1
target: { command: [/bin/ls] }
linux:
  seccomp:
    default: kill-process
    rules:
${rules}
`).policy;

describe('observed syscalls', () => {
  it('takes new names from syscall events only, in order of first appearance', () => {
    const events = [
      ev.exec(),
      ev.syscall('openat'),
      ev.denied('write', 'kill-process'),
      ev.syscall('read'),
      ev.syscall('openat'),
      ev.stdout('x'),
    ];
    expect(newObservedNames(events, new Set())).toEqual(['openat', 'read']);
    expect(newObservedNames(events, new Set(['openat']))).toEqual(['read']);
  });

  it('lists the names every rule handles, whatever its action', () => {
    const p = policy(`      - allow: [read, write]
      - errno: EACCES
        syscalls: [openat]`);
    expect(p).toBeDefined();
    expect([...ruledSyscallNames(p!)].sort()).toEqual(['openat', 'read', 'write']);
  });

  it('leaves only what no rule handles yet, sorted', () => {
    const p = policy(`      - allow: [read]
      - errno: EACCES
        syscalls: [openat]`);
    const observed = new Set(['write', 'read', 'openat', 'close']);
    expect(pendingObservedNames(observed, p)).toEqual(['close', 'write']);
  });

  it('offers nothing without a parsed policy or without observations', () => {
    expect(pendingObservedNames(new Set(['read']), undefined)).toEqual([]);
    expect(pendingObservedNames(new Set(), policy('      - allow: [read]'))).toEqual([]);
  });
});
