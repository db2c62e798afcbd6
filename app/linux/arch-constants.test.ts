import { describe, expect, it } from 'vitest';
import {
  constantNames,
  constantsWithPrefix,
  constantValue,
  unevaluatedConstantReason,
} from './arch-constants';
import { SUPPORTED_ARCHES } from './arches';
import { PRCTL, SECCOMP } from './constants';
import { errnoByName, errnoNames } from './errno';
import { signalNumber } from './signals';

const value = (arch: Parameters<typeof constantValue>[0], name: string): bigint => {
  const v = constantValue(arch, name);
  if (v === undefined) throw new Error(`${name} undefined on ${arch}`);
  return v;
};

describe('per-arch constants', () => {
  it.each(SUPPORTED_ARCHES)('%s: the constants policies use most', (arch) => {
    expect(value(arch, 'AT_FDCWD')).toBe(-100n);
    expect(value(arch, 'MAP_ANONYMOUS')).toBe(0x20n);
    expect(value(arch, 'MAP_PRIVATE')).toBe(0x02n);
    expect(value(arch, 'PROT_READ') | value(arch, 'PROT_WRITE')).toBe(3n);
    expect(value(arch, 'TCGETS')).toBe(0x5401n);
    expect(value(arch, 'TIOCSTI')).toBe(0x5412n);
    expect(value(arch, 'FIONREAD')).toBe(0x541bn);
    expect(value(arch, 'AF_UNIX')).toBe(1n);
    expect(value(arch, 'AF_INET6')).toBe(10n);
    expect(value(arch, 'SOCK_STREAM')).toBe(1n);
    expect(value(arch, 'CLONE_NEWUSER')).toBe(0x10000000n);
    expect(value(arch, 'O_RDONLY')).toBe(0n);
    expect(value(arch, 'FD_CLOEXEC')).toBe(1n);
  });

  it('keeps per-arch differences: O_DIRECTORY, O_LARGEFILE, SIGSTKSZ', () => {
    for (const arch of ['x86_64', 'i386', 'x32', 'riscv64'] as const) {
      expect(value(arch, 'O_DIRECTORY')).toBe(0x10000n);
    }
    for (const arch of ['aarch64', 'arm'] as const) {
      expect(value(arch, 'O_DIRECTORY')).toBe(0x4000n);
      expect(value(arch, 'O_LARGEFILE')).toBe(0x20000n);
    }
    expect(value('x86_64', 'O_LARGEFILE')).toBe(0x8000n);
    expect(value('aarch64', 'SIGSTKSZ')).toBe(16384n);
    expect(value('x86_64', 'SIGSTKSZ')).toBe(8192n);
  });

  it('encodes _IOR sizes per arch: FS_IOC_GETFLAGS takes a long', () => {
    const lp64 = value('x86_64', 'FS_IOC_GETFLAGS');
    for (const arch of ['aarch64', 'riscv64'] as const)
      expect(value(arch, 'FS_IOC_GETFLAGS')).toBe(lp64);
    for (const arch of ['i386', 'x32', 'arm'] as const) {
      // _IOC_SIZESHIFT is 16: a 4-byte long instead of an 8-byte one.
      expect(lp64 - value(arch, 'FS_IOC_GETFLAGS')).toBe(4n << 16n);
    }
    expect(value('aarch64', 'TIOCGPTN')).toBe(value('x86_64', 'TIOCGPTN'));
  });

  it('keeps the C sign and type: unsigned values stay positive', () => {
    expect(value('x86_64', 'SECCOMP_RET_KILL_PROCESS')).toBe(0x80000000n);
    expect(value('arm', 'CLONE_IO')).toBe(0x80000000n);
    expect(value('x86_64', 'CLONE_CLEAR_SIGHAND')).toBe(0x100000000n);
    expect(value('i386', 'CLONE_CLEAR_SIGHAND')).toBe(0x100000000n);
  });

  it('makes SOCK_NONBLOCK and SOCK_CLOEXEC the arch’s O_ flags', () => {
    for (const arch of SUPPORTED_ARCHES) {
      expect(value(arch, 'SOCK_NONBLOCK')).toBe(value(arch, 'O_NONBLOCK'));
      expect(value(arch, 'SOCK_CLOEXEC')).toBe(value(arch, 'O_CLOEXEC'));
    }
  });

  it('agrees with the arch-independent tables', () => {
    for (const arch of SUPPORTED_ARCHES) {
      for (const name of errnoNames()) {
        const errno = errnoByName(name);
        if (constantValue(arch, name) !== undefined) {
          expect(constantValue(arch, name), `${arch} ${name}`).toBe(BigInt(errno?.value ?? -1));
        }
      }
      expect(value(arch, 'EPERM')).toBe(1n);
      expect(value(arch, 'SIGSYS')).toBe(BigInt(signalNumber('SIGSYS') ?? -1));
      expect(value(arch, 'SECCOMP_RET_ALLOW')).toBe(BigInt(SECCOMP.SECCOMP_RET_ALLOW));
      expect(value(arch, 'PR_SET_NO_NEW_PRIVS')).toBe(BigInt(PRCTL.PR_SET_NO_NEW_PRIVS));
    }
  });

  it('has arch-only families only where the header exists', () => {
    expect(value('x86_64', 'ARCH_SET_FS')).toBeGreaterThan(0n);
    expect(constantValue('aarch64', 'ARCH_SET_FS')).toBeUndefined();
    expect(value('i386', 'F_GETLK64')).toBe(12n);
    expect(constantValue('x86_64', 'F_GETLK64')).toBeUndefined();
  });

  it('leaves out pointers and names nobody defines', () => {
    expect(constantValue('x86_64', 'SIG_DFL')).toBeUndefined();
    expect(constantValue('x86_64', 'NOT_A_CONSTANT')).toBeUndefined();
  });

  it('explains struct-sized ioctls the cross headers cannot size', () => {
    expect(value('x86_64', 'TCGETS2')).toBeGreaterThan(0n);
    expect(constantValue('aarch64', 'TCGETS2')).toBeUndefined();
    expect(unevaluatedConstantReason('aarch64', 'TCGETS2')).toMatch(/struct termios2/);
    expect(unevaluatedConstantReason('x86_64', 'TCGETS2')).toBeUndefined();
    expect(unevaluatedConstantReason('aarch64', 'constructor')).toBeUndefined();
  });

  it('lists names, and constants by prefix in name order', () => {
    const names = constantNames('riscv64');
    expect(names.length).toBeGreaterThan(1000);
    expect([...names].sort()).toEqual(names);
    const prot = constantsWithPrefix('aarch64', 'PROT_');
    expect(prot.map((c) => c.name)).toEqual(expect.arrayContaining(['PROT_EXEC', 'PROT_NONE']));
    expect(prot.every((c) => c.name.startsWith('PROT_'))).toBe(true);
    expect([...prot.map((c) => c.name)].sort()).toEqual(prot.map((c) => c.name));
    expect(constantsWithPrefix('aarch64', 'NO_SUCH_PREFIX_')).toEqual([]);
  });
});
