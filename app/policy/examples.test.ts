import { describe, expect, it } from 'vitest';
import catDenied from '../../examples/cat-denied.sandbox.yaml?raw';
import ls from '../../examples/ls.sandbox.yaml?raw';
import openssh from '../../examples/openssh-preauth.sandbox.yaml?raw';
import { AUDIT_ARCH } from '../linux/constants';
import { syscallNumber } from '../linux/syscalls';
import { formatAction } from './actions';
import { interpretResolved } from './interpret';
import { resolvePolicy } from './resolve';
import { addAllowedSyscalls } from './edit';
import { parsePolicy } from './parse';

describe('examples/', () => {
  it('ls.sandbox.yaml: runs /bin/ls / with an empty rule list killing everything', () => {
    const { policy, diagnostics } = parsePolicy(ls);
    expect(diagnostics).toEqual([]);
    expect(policy?.target?.command).toEqual(['/bin/ls', '/']);
    expect(policy?.linux.seccomp).toMatchObject({
      arch: ['x86_64'],
      defaultAction: { kind: 'kill-process' },
      badArchAction: { kind: 'kill-process' },
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

  describe('openssh-preauth.sandbox.yaml', () => {
    const { policy, diagnostics } = parsePolicy(openssh);
    const resolved = policy && resolvePolicy(policy);
    const PROT_EXEC = 4n;
    const verdict = (name: string, args: readonly bigint[] = []) => {
      const padded = [...args, 0n, 0n, 0n, 0n, 0n, 0n].slice(0, 6) as unknown as readonly [
        bigint,
        bigint,
        bigint,
        bigint,
        bigint,
        bigint,
      ];
      return formatAction(
        interpretResolved(resolved!, {
          nr: syscallNumber('x86_64', name)!,
          arch: AUDIT_ARCH.AUDIT_ARCH_X86_64,
          instructionPointer: 0n,
          args: padded,
        }),
      );
    };

    it('parses cleanly, with argument conditions', () => {
      expect(diagnostics).toEqual([]);
      expect(policy?.target).toBeUndefined();
      expect(policy?.intent).toEqual(['no-new-programs']);
      const conditioned = policy!.linux.seccomp!.rules.filter((r) => r.condition);
      expect(conditioned.map((r) => r.syscalls[0]!.name)).toEqual([
        'mmap',
        'mprotect',
        'futex',
        'madvise',
        'ioctl',
      ]);
    });

    it('means what its comments say', () => {
      expect(verdict('read')).toBe('allow');
      expect(verdict('openat')).toBe('errno EACCES');
      expect(verdict('execve')).toBe('kill-process');
      expect(verdict('socket')).toBe('kill-process');
      // mmap(NULL, n, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS): malloc.
      expect(verdict('mmap', [0n, 4096n, 3n, 0x22n])).toBe('allow');
      expect(verdict('mmap', [0n, 4096n, 3n | PROT_EXEC, 0x22n])).toBe('kill-process');
      expect(verdict('mmap', [0n, 4096n, 1n, 0x01n])).toBe('kill-process');
      expect(verdict('madvise', [0n, 4096n, 4n])).toBe('allow');
      expect(verdict('madvise', [0n, 4096n, 9n])).toBe('errno EINVAL');
      expect(verdict('ioctl', [0n, 0x5401n])).toBe('allow');
      expect(verdict('ioctl', [0n, 0x5412n])).toBe('kill-process');
      // FUTEX_WAIT | FUTEX_PRIVATE_FLAG; FUTEX_FD (2) is not allowed.
      expect(verdict('futex', [0n, 0x80n])).toBe('allow');
      expect(verdict('futex', [0n, 2n])).toBe('kill-process');
    });
  });
});
