import { describe, expect, it } from 'vitest';
import { constantValue } from '../linux/arch-constants';
import { ARGUMENT_SHAPES } from './argument-shapes';
import { constantName, flagsText, numberText, valueText, type NameFamily } from './value-names';

const c = (name: string, arch: 'x86_64' | 'i386' | 'aarch64' = 'x86_64'): bigint => {
  const value = constantValue(arch, name);
  if (value === undefined) throw new Error(`${name} missing`);
  return value;
};

function valuesFamily(syscall: string, index = 0) {
  const shape = ARGUMENT_SHAPES[syscall]?.args[index];
  if (shape?.kind !== 'values') throw new Error(`${syscall} has no values shape`);
  return shape;
}

const X86 = ['x86_64'] as const;

describe('constantName', () => {
  it('names ioctl requests, preferring the tty name over its aliases', () => {
    const requests = valuesFamily('ioctl').names;
    expect(constantName(requests, 'x86_64', X86, c('TCGETS'))).toBe('TCGETS');
    // FIONREAD == TIOCINQ == SIOCINQ: the FIO name reads best.
    expect(constantName(requests, 'x86_64', X86, c('FIONREAD'))).toBe('FIONREAD');
    expect(constantName(requests, 'x86_64', X86, c('TIOCGWINSZ'))).toBe('TIOCGWINSZ');
  });

  it('never names a request by an argument of a request (TCSANOW, TIOCPKT_DATA)', () => {
    const requests = valuesFamily('ioctl').names;
    expect(constantName(requests, 'x86_64', X86, 0n)).toBeUndefined();
    expect(constantName(requests, 'x86_64', X86, 1n)).toBe('FIBMAP');
  });

  it('compares at 32 bits when asked: a sign-extended request still gets its name', () => {
    const requests = valuesFamily('ioctl').names;
    const tcgets2 = c('TCGETS2');
    const signExtended = BigInt.asUintN(64, BigInt.asIntN(32, tcgets2));
    expect(signExtended).not.toBe(tcgets2);
    expect(constantName(requests, 'x86_64', X86, signExtended, 32)).toBe('TCGETS2');
    expect(constantName(requests, 'x86_64', X86, signExtended, 64)).toBeUndefined();
  });

  it('picks fcntl commands, not lock types with the same value', () => {
    const commands = valuesFamily('fcntl', 0).names;
    expect(constantName(commands, 'x86_64', X86, c('F_SETFL'))).toBe('F_SETFL'); // F_EXLCK too
    expect(constantName(commands, 'x86_64', X86, c('F_GETFD'))).toBe('F_GETFD');
    expect(constantName(commands, 'x86_64', X86, c('F_DUPFD_CLOEXEC'))).toBe('F_DUPFD_CLOEXEC');
  });

  it('picks prctl options, not the sub-options of PR_SET_MM', () => {
    const options = valuesFamily('prctl').names;
    expect(constantName(options, 'x86_64', X86, c('PR_SET_PDEATHSIG'))).toBe('PR_SET_PDEATHSIG');
    expect(constantName(options, 'x86_64', X86, c('PR_SET_NAME'))).toBe('PR_SET_NAME');
  });

  it('prefers the common socket family names over their aliases', () => {
    const families = valuesFamily('socket', 0).names;
    expect(constantName(families, 'x86_64', X86, c('AF_UNIX'))).toBe('AF_UNIX');
    expect(constantName(families, 'x86_64', X86, c('AF_NETLINK'))).toBe('AF_NETLINK');
  });

  it('only uses a name every arch of the policy defines', () => {
    const family: NameFamily = { pattern: /^ARCH_/ };
    expect(constantName(family, 'x86_64', ['x86_64'], c('ARCH_SET_FS'))).toBe('ARCH_SET_FS');
    // asm/prctl.h exists on x86 only.
    expect(constantName(family, 'x86_64', ['x86_64', 'aarch64'], c('ARCH_SET_FS'))).toBe(undefined);
  });
});

describe('numberText', () => {
  it('writes small numbers in decimal and larger ones in hex, like the condition formatter', () => {
    expect(numberText(0n)).toBe('0');
    expect(numberText(255n)).toBe('255');
    expect(numberText(256n)).toBe('0x100');
    expect(numberText(0xffffffffn)).toBe('0xffffffff');
  });
});

describe('flagsText and valueText', () => {
  const cloneShape = ARGUMENT_SHAPES.clone?.args[0];
  if (cloneShape?.kind !== 'mask') throw new Error('clone has a mask shape');

  it('writes clone flags by name, lowest bit first, and the exit signal by its name', () => {
    const fork = c('CLONE_CHILD_SETTID') | c('CLONE_CHILD_CLEARTID') | c('SIGCHLD');
    expect(flagsText(fork, 'x86_64', X86, cloneShape.flags)).toEqual({
      text: 'CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD',
      named: true,
    });
  });

  it('keeps unnamed bits as a number', () => {
    const prot = ARGUMENT_SHAPES.mmap?.args[0];
    if (prot?.kind !== 'mask') throw new Error('mmap has a mask shape');
    const weird = c('PROT_READ') | 0x40n;
    expect(flagsText(weird, 'x86_64', X86, prot.flags)).toEqual({
      text: 'PROT_READ|64',
      named: false,
    });
  });

  it('writes a socket type as the type and its flags, the type first', () => {
    const type = valuesFamily('socket', 1);
    const names = { exact: type.names, ...(type.flags && { flags: type.flags }) };
    expect(valueText(c('SOCK_STREAM') | c('SOCK_CLOEXEC'), 'x86_64', X86, names)).toBe(
      'SOCK_STREAM|SOCK_CLOEXEC',
    );
    expect(valueText(c('SOCK_DGRAM'), 'x86_64', X86, names)).toBe('SOCK_DGRAM');
  });

  it('falls back to a number when the rest of a value has no name', () => {
    const persona = valuesFamily('personality');
    const names = { exact: persona.names, ...(persona.flags && { flags: persona.flags }) };
    expect(valueText(0xffffffffn, 'x86_64', X86, names)).toBe('0xffffffff');
    expect(valueText(c('PER_LINUX'), 'x86_64', X86, names)).toBe('PER_LINUX');
    expect(valueText(c('PER_LINUX32') | c('ADDR_NO_RANDOMIZE'), 'x86_64', X86, names)).toBe(
      'PER_LINUX32|ADDR_NO_RANDOMIZE',
    );
    // PER_LINUX is 0: the flag alone says it.
    expect(valueText(c('PER_LINUX') | c('ADDR_NO_RANDOMIZE'), 'x86_64', X86, names)).toBe(
      'ADDR_NO_RANDOMIZE',
    );
  });
});
