import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantValue } from '../linux/arch-constants';
import { SUPPORTED_ARCHES, type Arch } from '../linux/arches';
import { ArgAnnotations } from './arg-annotations';
import * as d from './arg-decoders';
import * as sets from './constant-sets';
import { decodeArgs, describeDecodedArgs, formatDecodedArgs } from './decode-args';
import { SYSCALL_PARAMS } from './syscall-params';

const hex = (value: bigint | number): string =>
  `0x${BigInt.asUintN(64, BigInt(value)).toString(16)}`;
const c = (name: string, arch: Arch = 'x86_64'): bigint => {
  const value = constantValue(arch, name);
  if (value === undefined) throw new Error(`${name} is not defined for ${arch}`);
  return value;
};

function decode(name: string, args: readonly (bigint | number)[], arch: Arch = 'x86_64'): string[] {
  const six = [...args, ...Array<number>(6 - args.length).fill(0)].map(hex);
  return decodeArgs({ name, arch, args: six }).map((arg) => arg.text);
}

/** Splits `A|B|0x10` and ORs the names' values back together. */
function recombine(text: string, arch: Arch): bigint {
  return text
    .split('|')
    .map((part) => constantValue(arch, part) ?? BigInt(part))
    .reduce((a, b) => a | b, 0n);
}

describe('decodeArgs', () => {
  it('decodes openat as strace shows it', () => {
    const atFdcwd = BigInt.asUintN(64, c('AT_FDCWD'));
    const args = decode('openat', [atFdcwd, 0x7ffd1000n, c('O_RDONLY') | c('O_CLOEXEC'), 0]);
    expect(args).toEqual(['AT_FDCWD', '0x7ffd1000', 'O_RDONLY|O_CLOEXEC', '00']);
    expect(decode('openat', [3, 0, c('O_WRONLY') | c('O_CREAT') | c('O_TRUNC'), 0o644])).toEqual([
      '3',
      'NULL',
      'O_WRONLY|O_CREAT|O_TRUNC',
      '0644',
    ]);
  });

  it('decodes access modes as strace shows them', () => {
    expect(decode('access', [0, c('R_OK')])).toEqual(['NULL', 'R_OK']);
    expect(decode('access', [0, 0])[1]).toBe('F_OK');
    expect(decode('faccessat', [3, 0, c('R_OK') | c('X_OK')])[2]).toBe('R_OK|X_OK');
    expect(decode('faccessat2', [3, 0, c('W_OK') | 0x40n, 0])[2]).toBe('W_OK|0x40');
  });

  it('prefers multi-bit names over the bits they contain (O_TMPFILE, O_SYNC)', () => {
    expect(decode('open', [0, c('O_RDWR') | c('O_TMPFILE')])[1]).toBe('O_RDWR|O_TMPFILE');
    expect(decode('open', [0, c('O_WRONLY') | c('O_SYNC')])[1]).toBe('O_WRONLY|O_SYNC');
    expect(decode('open', [0, c('O_DIRECTORY')])[1]).toBe('O_RDONLY|O_DIRECTORY');
  });

  it('uses each arch’s own values', () => {
    const directory = c('O_DIRECTORY', 'aarch64');
    expect(directory).not.toBe(c('O_DIRECTORY', 'x86_64'));
    expect(decode('openat', [0, 0, directory], 'aarch64')[2]).toBe('O_RDONLY|O_DIRECTORY');
    expect(decode('openat', [0, 0, directory], 'x86_64')[2]).not.toContain('O_DIRECTORY');
  });

  it('names an int argument from its low 32 bits, whatever the upper half holds', () => {
    expect(decode('close', [0xffffffffn])).toEqual(['-1']);
    expect(decode('openat', [0xffffff9cn])[0]).toBe('AT_FDCWD');
  });

  it('decodes mmap protections, type, huge page size and flags', () => {
    const flags = c('MAP_PRIVATE') | c('MAP_ANONYMOUS');
    expect(
      decode('mmap', [0, 4096, c('PROT_READ') | c('PROT_WRITE'), flags, 0xffffffffn, 0]),
    ).toEqual(['NULL', '4096', 'PROT_READ|PROT_WRITE', 'MAP_PRIVATE|MAP_ANONYMOUS', '-1', '0']);
    const huge = c('MAP_SHARED') | c('MAP_HUGETLB') | c('MAP_HUGE_2MB');
    expect(decode('mmap', [0, 0, c('PROT_NONE'), huge])[3]).toBe(
      'MAP_SHARED|MAP_HUGE_2MB|MAP_HUGETLB',
    );
    expect(decode('mprotect', [0x1000, 4096, 0])[2]).toBe('PROT_NONE');
    expect(
      decode('mmap2', [0, 0, c('PROT_EXEC', 'i386'), c('MAP_PRIVATE', 'i386')], 'i386')[3],
    ).toBe('MAP_PRIVATE');
  });

  it('decodes clone flags with the exit signal', () => {
    const flags = c('CLONE_CHILD_SETTID') | c('CLONE_CHILD_CLEARTID') | c('SIGCHLD');
    expect(decode('clone', [flags])[0]).toBe('CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD');
    const thread = c('CLONE_VM') | c('CLONE_THREAD') | c('CLONE_SIGHAND');
    expect(decode('clone', [thread])[0]).toBe('CLONE_SIGHAND|CLONE_THREAD|CLONE_VM');
    expect(decode('unshare', [c('CLONE_NEWUSER') | c('CLONE_NEWNS')])[0]).toBe(
      'CLONE_NEWNS|CLONE_NEWUSER',
    );
  });

  it('decodes socket families, types and their flags', () => {
    expect(decode('socket', [c('AF_UNIX'), c('SOCK_STREAM') | c('SOCK_CLOEXEC'), 0])).toEqual([
      'AF_UNIX',
      'SOCK_STREAM|SOCK_CLOEXEC',
      '0',
    ]);
    expect(decode('socket', [c('AF_INET6'), c('SOCK_DGRAM'), 17])).toEqual([
      'AF_INET6',
      'SOCK_DGRAM',
      '17',
    ]);
    expect(decode('setsockopt', [3, c('SOL_SOCKET'), c('SO_REUSEADDR'), 0, 4]).slice(1, 3)).toEqual(
      ['SOL_SOCKET', 'SO_REUSEADDR'],
    );
    expect(decode('setsockopt', [3, 6, 1, 0, 4]).slice(1, 3)).toEqual(['6', '1']);
    expect(decode('sendto', [3, 0, 10, c('MSG_NOSIGNAL') | c('MSG_DONTWAIT')])[3]).toBe(
      'MSG_DONTWAIT|MSG_NOSIGNAL',
    );
  });

  it('names ioctl requests, preferring the names programs use', () => {
    expect(decode('ioctl', [1, c('TCGETS'), 0x7ffd0000n])).toEqual(['1', 'TCGETS', '0x7ffd0000']);
    expect(decode('ioctl', [1, c('FIONREAD')])[1]).toBe('FIONREAD');
    expect(decode('ioctl', [1, c('TIOCGWINSZ')])[1]).toBe('TIOCGWINSZ');
    expect(decode('ioctl', [1, 0xdead1234n])[1]).toBe('0xdead1234');
  });

  it('decodes fcntl’s argument according to its command', () => {
    expect(decode('fcntl', [3, c('F_SETFL'), c('O_NONBLOCK')]).slice(1)).toEqual([
      'F_SETFL',
      'O_NONBLOCK',
    ]);
    expect(decode('fcntl', [3, c('F_SETFD'), c('FD_CLOEXEC')]).slice(1)).toEqual([
      'F_SETFD',
      'FD_CLOEXEC',
    ]);
    expect(decode('fcntl', [3, c('F_DUPFD_CLOEXEC'), 10]).slice(1)).toEqual([
      'F_DUPFD_CLOEXEC',
      '10',
    ]);
    expect(decode('fcntl', [3, c('F_SETLK'), 0x7000]).slice(1)).toEqual(['F_SETLK', '0x7000']);
    expect(decode('fcntl64', [3, c('F_GETLK64', 'i386'), 0x7000], 'i386').slice(1)).toEqual([
      'F_GETLK64',
      '0x7000',
    ]);
  });

  it('decodes prctl options and the values some of them take', () => {
    expect(decode('prctl', [c('PR_SET_NO_NEW_PRIVS'), 1]).slice(0, 2)).toEqual([
      'PR_SET_NO_NEW_PRIVS',
      '1',
    ]);
    expect(decode('prctl', [c('PR_SET_PDEATHSIG'), c('SIGKILL')]).slice(0, 2)).toEqual([
      'PR_SET_PDEATHSIG',
      'SIGKILL',
    ]);
    expect(decode('prctl', [c('PR_CAPBSET_DROP'), c('CAP_SYS_ADMIN')]).slice(0, 2)).toEqual([
      'PR_CAPBSET_DROP',
      'CAP_SYS_ADMIN',
    ]);
    expect(decode('prctl', [c('PR_SET_SECCOMP'), c('SECCOMP_MODE_FILTER')]).slice(0, 2)).toEqual([
      'PR_SET_SECCOMP',
      'SECCOMP_MODE_FILTER',
    ]);
    expect(
      decode('prctl', [c('PR_CAP_AMBIENT'), c('PR_CAP_AMBIENT_RAISE'), c('CAP_NET_RAW')]).slice(
        0,
        3,
      ),
    ).toEqual(['PR_CAP_AMBIENT', 'PR_CAP_AMBIENT_RAISE', 'CAP_NET_RAW']);
    expect(decode('prctl', [c('PR_SET_VMA')])[0]).toBe('PR_SET_VMA');
    expect(decode('prctl', [c('PR_SET_MM'), c('PR_SET_MM_BRK')]).slice(0, 2)).toEqual([
      'PR_SET_MM',
      'PR_SET_MM_BRK',
    ]);
  });

  it('names every prctl option value as an option, not as a value of another option', () => {
    for (const name of ['PR_SET_DUMPABLE', 'PR_GET_DUMPABLE', 'PR_SET_NAME', 'PR_GET_SECCOMP']) {
      expect(decode('prctl', [c(name)])[0]).toBe(name);
    }
  });

  it('decodes futex operations as strace names them', () => {
    const priv = c('FUTEX_PRIVATE_FLAG');
    expect(decode('futex', [0x1000, c('FUTEX_WAIT') | priv, 0])[1]).toBe('FUTEX_WAIT_PRIVATE');
    expect(decode('futex', [0x1000, c('FUTEX_WAKE') | priv, 1])[1]).toBe('FUTEX_WAKE_PRIVATE');
    expect(
      decode('futex', [0x1000, c('FUTEX_WAIT_BITSET') | priv | c('FUTEX_CLOCK_REALTIME')])[1],
    ).toBe('FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME');
    expect(decode('futex', [0x1000, c('FUTEX_WAKE')])[1]).toBe('FUTEX_WAKE');
  });

  it('decodes signals, whence, clocks, resources and wait options', () => {
    expect(decode('kill', [1234, c('SIGTERM')])).toEqual(['1234', 'SIGTERM']);
    expect(decode('kill', [1234, 0])).toEqual(['1234', '0']);
    expect(decode('tgkill', [1, 2, c('SIGABRT')])[2]).toBe('SIGABRT');
    expect(decode('lseek', [3, 0, c('SEEK_END')])).toEqual(['3', '0', 'SEEK_END']);
    expect(decode('clock_gettime', [c('CLOCK_MONOTONIC'), 0x1000])[0]).toBe('CLOCK_MONOTONIC');
    expect(decode('prlimit64', [0, c('RLIMIT_NOFILE'), 0, 0x1000]).slice(1, 2)).toEqual([
      'RLIMIT_NOFILE',
    ]);
    expect(decode('wait4', [-1, 0, c('WNOHANG') | c('WUNTRACED'), 0])[2]).toBe('WNOHANG|WUNTRACED');
    expect(decode('rt_sigprocmask', [c('SIG_SETMASK'), 0x1000, 0, 8])[0]).toBe('SIG_SETMASK');
    expect(decode('getrandom', [0x1000, 16, c('GRND_NONBLOCK')])[2]).toBe('GRND_NONBLOCK');
    expect(decode('exit_group', [0xffffffffn])).toEqual(['-1']);
  });

  it('keeps unnamed bits as hex after the names', () => {
    expect(decode('open', [0, c('O_CLOEXEC') | 0x40000000n])[1]).toBe(
      'O_RDONLY|O_CLOEXEC|0x40000000',
    );
    expect(decode('mprotect', [0, 0, c('PROT_READ') | 0x100n])[2]).toBe('PROT_READ|0x100');
  });

  it('shows the raw arguments of syscalls it does not describe, and of unknown arches', () => {
    const raw = ['0x1', '0x2', '0x3', '0x4', '0x5', '0x6'];
    const unknown = decodeArgs({ name: 'no_such_call', arch: 'x86_64', args: raw });
    expect(unknown.map((a) => a.name)).toEqual(['arg0', 'arg1', 'arg2', 'arg3', 'arg4', 'arg5']);
    expect(unknown.map((a) => a.text)).toEqual(raw);
    expect(decodeArgs({ name: 'openat', arch: 'mips', args: raw }).map((a) => a.text)).toEqual(raw);
  });

  it('never throws on malformed values: it shows them as they are', () => {
    const args = ['0x1', 'banana', '0x3', '0x4', '0x5', '0x6'];
    expect(decodeArgs({ name: 'openat', arch: 'x86_64', args }).map((a) => a.text)).toEqual(args);
    expect(decodeArgs({ name: 'openat', arch: 'x86_64', args: [] })).toEqual([]);
  });

  it('shows only the parameters the syscall has, with their names', () => {
    const args = decodeArgs({
      name: 'close',
      arch: 'x86_64',
      args: ['0x3', '0x0', '0x0', '0x0', '0x0', '0x0'],
    });
    expect(args).toEqual([{ index: 0, name: 'fd', raw: '0x3', text: '3' }]);
    expect(decodeArgs({ name: 'getpid', arch: 'x86_64', args: Array(6).fill('0x0') })).toEqual([]);
  });

  it('shows strings and fd targets the supervisor read', () => {
    const annotations = ArgAnnotations.parse({
      strings: { '1': '/etc/passwd' },
      fds: { '0': '/tmp' },
    });
    const args = decodeArgs(
      {
        name: 'openat',
        arch: 'x86_64',
        args: ['0x3', '0x7ffd0000', '0x80000', '0x0', '0x0', '0x0'],
      },
      annotations,
    );
    expect(formatDecodedArgs(args)).toBe('3</tmp>, "/etc/passwd", O_RDONLY|O_CLOEXEC, 00');
    const long = 'x'.repeat(500);
    const cut = decodeArgs(
      { name: 'open', arch: 'x86_64', args: ['0x1000', '0x0', '0x0', '0x0', '0x0', '0x0'] },
      { strings: { '0': long } },
    );
    expect(cut[0]?.text.length).toBeLessThan(130);
    expect(cut[0]?.text.endsWith('…"')).toBe(true);
  });

  it('describes each argument with its name and raw value', () => {
    const args = decodeArgs({
      name: 'close',
      arch: 'x86_64',
      args: ['0x3', '0x0', '0x0', '0x0', '0x0', '0x0'],
    });
    expect(describeDecodedArgs(args)).toBe('fd = 3  (0x3)');
    const same = decodeArgs({
      name: 'brk',
      arch: 'x86_64',
      args: ['0x5000', '0x0', '0x0', '0x0', '0x0', '0x0'],
    });
    expect(describeDecodedArgs(same)).toBe('addr = 0x5000');
  });

  it('decodes every described syscall with any values on every arch without throwing', () => {
    const names = Object.keys(SYSCALL_PARAMS);
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.constantFrom(...SUPPORTED_ARCHES),
        fc.array(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), { minLength: 6, maxLength: 6 }),
        (name, arch, values) => {
          const args = decodeArgs({ name, arch, args: values.map(hex) });
          expect(args.length).toBe(SYSCALL_PARAMS[name]?.length);
          for (const arg of args) expect(arg.text).not.toBe('');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('flag decodings name exactly the bits of the value (they recombine to it)', () => {
    const decoders: [string, d.ArgDecoder, (v: bigint) => bigint][] = [
      ['open', d.openFlags, d.asUint],
      ['clone', d.cloneFlags, (v) => v],
      ['mmap', d.mmapFlags, d.asUint],
      ['prot', d.flagsIn(sets.PROT_FLAGS), d.asUint],
      ['msg', d.flagsIn(sets.MSG_FLAGS), d.asUint],
      ['at', d.flagsIn(sets.AT_FLAGS), d.asUint],
      ['socket', d.socketType, d.asUint],
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...decoders),
        fc.constantFrom(...SUPPORTED_ARCHES),
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        ([, decoder, width], arch, value) => {
          const text = decoder(value, { arch, args: [value, 0n, 0n, 0n, 0n, 0n] });
          expect(recombine(text, arch)).toBe(width(value));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
