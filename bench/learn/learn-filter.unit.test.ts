import { describe, expect, it } from 'vitest';
import { decodeProgram } from '../../app/bpf/encode';
import { runFilter, seccompDataFor } from '../../app/bpf/emulate';
import { AUDIT_ARCH, SECCOMP } from '../../app/linux/constants';
import { syscallNames, syscallNumber } from '../../app/linux/syscalls';
import { benchPolicy, learnFilter, learnFilterBytes } from './learn-filter';

const NOTIFY = SECCOMP.SECCOMP_RET_USER_NOTIF >>> 0;
const X32_BIT = 0x40000000;

describe('the learn-mode benchmark filter', () => {
  const program = decodeProgram(learnFilterBytes(benchPolicy()));

  it('is the filter learn mode compiles, as raw struct sock_filter bytes', () => {
    expect(program).toEqual(learnFilter(benchPolicy()));
    expect(learnFilterBytes(benchPolicy()).length).toBe(program.length * 8);
  });

  it('notifies every x86_64 syscall, execve included, whatever the arguments', () => {
    const names = syscallNames('x86_64');
    expect(names).toContain('execve');
    for (const name of names) {
      const nr = syscallNumber('x86_64', name) ?? -1;
      for (const args of [[], [0xffff_ffff_ffff_ffffn, 1n, 2n, 3n, 4n, 5n]]) {
        expect(runFilter(program, seccompDataFor(nr, args)).ret >>> 0, name).toBe(NOTIFY);
      }
    }
  });

  it('notifies unknown numbers, x32 numbers and other arches too: nothing runs unseen', () => {
    const cases = [
      seccompDataFor(1000),
      seccompDataFor(X32_BIT | 1),
      seccompDataFor(3, [], AUDIT_ARCH.AUDIT_ARCH_I386),
      seccompDataFor(3, [], AUDIT_ARCH.AUDIT_ARCH_AARCH64),
    ];
    for (const data of cases) expect(runFilter(program, data).ret >>> 0).toBe(NOTIFY);
  });
});

describe('benchPolicy', () => {
  it('reads the benchmark policy with no_new_privs set, as the C reference does', () => {
    expect(benchPolicy().linux.noNewPrivs).toBe(true);
  });

  it('reports a broken policy with its location', () => {
    expect(() => benchPolicy('version: 1\nlinux:\n  seccomp:\n    default: nonsense\n')).toThrow(
      /learn-bench\.sandbox\.yaml:4:\d+: error/,
    );
  });
});
