import { describe, expect, it } from 'vitest';
import catDenied from '../../examples/cat-denied.sandbox.yaml?raw';
import ls from '../../examples/ls.sandbox.yaml?raw';
import { addAllowedSyscalls } from './edit';
import { parsePolicy } from './parse';

describe('examples/', () => {
  it('ls.sandbox.yaml: runs /bin/ls / with an empty rule list killing everything', () => {
    const { policy, diagnostics } = parsePolicy(ls);
    expect(diagnostics).toEqual([]);
    expect(policy?.target?.command).toEqual(['/bin/ls', '/']);
    expect(policy?.linux.seccomp).toEqual({
      arch: ['x86_64'],
      defaultAction: { kind: 'kill-process' },
      rules: [],
    });
  });

  it('cat-denied.sandbox.yaml: cats /etc/hostname with an empty rule list', () => {
    const { policy, diagnostics } = parsePolicy(catDenied);
    expect(diagnostics).toEqual([]);
    expect(policy?.target?.command).toEqual(['/bin/cat', '/etc/hostname']);
    expect(policy?.linux.seccomp?.rules).toEqual([]);
  });

  it('"Allow observed" on the ls example keeps its comments', () => {
    const updated = addAllowedSyscalls(ls, ['write', 'read']);
    expect(updated).toBe(ls.replace('rules: []', 'rules:\n      - allow: [read, write]'));
  });
});
