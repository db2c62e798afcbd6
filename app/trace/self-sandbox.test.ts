import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantValue } from '../linux/arch-constants';
import { capabilityNumber } from '../linux/capabilities';
import { PRCTL, SECCOMP } from '../linux/constants';
import { SUPPORTED_ARCHES, syscallNumber, type Arch } from '../linux/syscalls';
import {
  decodeSelfSandboxCall,
  SELF_SANDBOX_SYSCALLS,
  selfSandboxSyscallNumbers,
  type NotifiedSyscall,
} from './self-sandbox';

const PID = 4242;
const TID = 4243;

function nr(arch: Arch, name: string): number {
  const value = syscallNumber(arch, name);
  if (value === undefined) throw new Error(`${arch} has no ${name}`);
  return value;
}

function constant(arch: Arch, name: string): bigint {
  const value = constantValue(arch, name);
  if (value === undefined) throw new Error(`no ${name}`);
  return value;
}

function site(
  name: string,
  args: readonly (number | bigint)[],
  arch: Arch = 'x86_64',
): NotifiedSyscall {
  const six = [0, 1, 2, 3, 4, 5].map((i) => BigInt(args[i] ?? 0));
  return { arch, nr: nr(arch, name), args: six, pid: PID, tid: TID };
}

const decode = (...a: Parameters<typeof site>) => decodeSelfSandboxCall(site(...a));
const TSYNC = SECCOMP.SECCOMP_FILTER_FLAG_TSYNC;
const LOG = SECCOMP.SECCOMP_FILTER_FLAG_LOG;
const LISTENER = SECCOMP.SECCOMP_FILTER_FLAG_NEW_LISTENER;
const PROG = 0x7ffd12345670n;

describe('decodeSelfSandboxCall: seccomp filters', () => {
  it('reads seccomp(SECCOMP_SET_MODE_FILTER) with its flags and where the sock_fprog is', () => {
    expect(decode('seccomp', [SECCOMP.SECCOMP_SET_MODE_FILTER, LOG, PROG])).toEqual({
      kind: 'seccomp-filter',
      arch: 'x86_64',
      syscall: 'seccomp',
      call: 'seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_LOG, 0x7ffd12345670)',
      summary: 'installs a seccomp filter',
      flags: ['SECCOMP_FILTER_FLAG_LOG'],
      perThread: true,
      fprog: {
        address: PROG,
        layout: { size: 16, lengthOffset: 0, filterOffset: 8, pointerBytes: 8 },
      },
    });
  });

  it('binds every thread with TSYNC and says so', () => {
    const call = decode('seccomp', [SECCOMP.SECCOMP_SET_MODE_FILTER, TSYNC | LISTENER, PROG]);
    expect(call?.perThread).toBe(false);
    expect(call?.flags).toEqual(['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_NEW_LISTENER']);
    expect(call?.summary).toBe(
      'installs a seccomp filter on every thread (TSYNC) with a notification listener',
    );
  });

  it('shows flag bits the headers do not name as hex', () => {
    const call = decode('seccomp', [SECCOMP.SECCOMP_SET_MODE_FILTER, 0x80000000 | LOG, PROG]);
    expect(call?.flags).toEqual(['SECCOMP_FILTER_FLAG_LOG', '0x80000000']);
  });

  it('reads prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog)', () => {
    const call = decode('prctl', [PRCTL.PR_SET_SECCOMP, SECCOMP.SECCOMP_MODE_FILTER, PROG]);
    expect(call).toMatchObject({
      kind: 'seccomp-filter',
      call: 'prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, 0x7ffd12345670)',
      flags: [],
      perThread: true,
      fprog: { address: PROG },
    });
  });

  it('reads strict mode from both calls', () => {
    expect(decode('seccomp', [SECCOMP.SECCOMP_SET_MODE_STRICT, 0, 0])?.kind).toBe('seccomp-strict');
    expect(decode('prctl', [PRCTL.PR_SET_SECCOMP, SECCOMP.SECCOMP_MODE_STRICT])).toMatchObject({
      kind: 'seccomp-strict',
      call: 'prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT)',
      perThread: true,
    });
  });

  it('ignores seccomp queries', () => {
    expect(decode('seccomp', [SECCOMP.SECCOMP_GET_ACTION_AVAIL, 0, PROG])).toBeUndefined();
    expect(decode('seccomp', [SECCOMP.SECCOMP_GET_NOTIF_SIZES, 0, PROG])).toBeUndefined();
    expect(decode('prctl', [PRCTL.PR_GET_SECCOMP])).toBeUndefined();
  });

  it('uses the 32-bit sock_fprog on i386, arm and x32, and truncates pointers to 32 bits', () => {
    for (const arch of ['i386', 'arm', 'x32'] as const) {
      const call = decode('seccomp', [SECCOMP.SECCOMP_SET_MODE_FILTER, 0, 0x1_0000_8000n], arch);
      expect(call?.fprog).toEqual({
        address: 0x8000n,
        layout: { size: 8, lengthOffset: 0, filterOffset: 4, pointerBytes: 4 },
      });
    }
    expect(
      decode('seccomp', [SECCOMP.SECCOMP_SET_MODE_FILTER, 0, PROG], 'aarch64')?.fprog?.layout.size,
    ).toBe(16);
  });
});

describe('decodeSelfSandboxCall: prctl', () => {
  it('reports no_new_privs, and a value the kernel refuses', () => {
    expect(decode('prctl', [PRCTL.PR_SET_NO_NEW_PRIVS, 1])).toMatchObject({
      kind: 'no-new-privs',
      call: 'prctl(PR_SET_NO_NEW_PRIVS, 1)',
      summary: 'sets no_new_privs (execve can no longer gain privileges)',
      perThread: true,
    });
    expect(decode('prctl', [PRCTL.PR_SET_NO_NEW_PRIVS, 2])?.summary).toContain(
      'value 2: the kernel refuses it',
    );
  });

  it('reports dumpable changes as process-wide', () => {
    const off = decode('prctl', [PRCTL.PR_SET_DUMPABLE, 0]);
    expect(off).toMatchObject({
      kind: 'dumpable',
      call: 'prctl(PR_SET_DUMPABLE, 0)',
      perThread: false,
    });
    expect(off?.summary).toContain('non-dumpable');
    expect(decode('prctl', [PRCTL.PR_SET_DUMPABLE, 1])?.summary).toBe(
      'makes itself dumpable again',
    );
    expect(decode('prctl', [PRCTL.PR_SET_DUMPABLE, 5])?.summary).toContain('the kernel refuses it');
  });

  it('names capabilities dropped from the bounding set', () => {
    const sysAdmin = capabilityNumber('CAP_SYS_ADMIN') ?? -1;
    expect(decode('prctl', [PRCTL.PR_CAPBSET_DROP, sysAdmin])).toMatchObject({
      kind: 'capbset-drop',
      call: 'prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN)',
      summary: 'drops CAP_SYS_ADMIN from its bounding set',
    });
    expect(decode('prctl', [PRCTL.PR_CAPBSET_DROP, 99])?.summary).toBe(
      'drops capability 99 from its bounding set',
    );
  });

  it('reports ambient changes but not the IS_SET query', () => {
    const a = (op: string) => constant('x86_64', op);
    const netRaw = capabilityNumber('net_raw') ?? -1;
    expect(
      decode('prctl', [PRCTL.PR_CAP_AMBIENT, a('PR_CAP_AMBIENT_RAISE'), netRaw]),
    ).toMatchObject({
      kind: 'cap-ambient',
      call: 'prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW)',
      summary: 'raises CAP_NET_RAW into its ambient set (kept across execve)',
    });
    expect(decode('prctl', [PRCTL.PR_CAP_AMBIENT, a('PR_CAP_AMBIENT_CLEAR_ALL')])?.call).toBe(
      'prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)',
    );
    expect(
      decode('prctl', [PRCTL.PR_CAP_AMBIENT, a('PR_CAP_AMBIENT_LOWER'), netRaw])?.summary,
    ).toBe('lowers CAP_NET_RAW from its ambient set');
    expect(
      decode('prctl', [PRCTL.PR_CAP_AMBIENT, a('PR_CAP_AMBIENT_IS_SET'), netRaw]),
    ).toBeUndefined();
  });

  it('reports securebits', () => {
    expect(decode('prctl', [PRCTL.PR_SET_SECUREBITS, 0x2f])).toMatchObject({
      kind: 'securebits',
      call: 'prctl(PR_SET_SECUREBITS, 0x2f)',
    });
  });

  it('ignores other options, and options sharing a value with a sub-constant', () => {
    expect(decode('prctl', [PRCTL.PR_SET_NAME, 0x1000])).toBeUndefined();
    expect(decode('prctl', [PRCTL.PR_SET_PDEATHSIG, 9])).toBeUndefined();
    expect(decode('prctl', [0x7fff_fff0])).toBeUndefined();
  });

  it('reads the option as a C int (upper bits ignored)', () => {
    expect(decode('prctl', [0xdead_0000_0000n | BigInt(PRCTL.PR_SET_NO_NEW_PRIVS), 1])?.kind).toBe(
      'no-new-privs',
    );
  });
});

describe('decodeSelfSandboxCall: limits, capabilities, Landlock', () => {
  const nofile = constant('x86_64', 'RLIMIT_NOFILE');

  it('reads setrlimit with the struct layout of the ABI', () => {
    expect(decode('setrlimit', [nofile, 0x7000])).toEqual({
      kind: 'rlimit',
      arch: 'x86_64',
      syscall: 'setrlimit',
      call: 'setrlimit(RLIMIT_NOFILE, 0x7000)',
      summary: 'sets its RLIMIT_NOFILE limit',
      flags: [],
      perThread: false,
      rlimit: { resource: 'RLIMIT_NOFILE', address: 0x7000n, fieldBytes: 8 },
    });
    expect(decode('setrlimit', [nofile, 0x7000], 'i386')?.rlimit?.fieldBytes).toBe(4);
    expect(decode('setrlimit', [nofile, 0x7000], 'x32')?.rlimit?.fieldBytes).toBe(8);
  });

  it('reads prlimit64 on itself only, and only when it sets a limit', () => {
    const nproc = constant('x86_64', 'RLIMIT_NPROC');
    expect(decode('prlimit64', [0, nproc, 0x5000, 0])).toMatchObject({
      kind: 'rlimit',
      call: 'prlimit64(0, RLIMIT_NPROC, 0x5000, 0x0)',
      rlimit: { resource: 'RLIMIT_NPROC', address: 0x5000n, fieldBytes: 8 },
    });
    expect(decode('prlimit64', [PID, nproc, 0x5000, 0])?.kind).toBe('rlimit');
    expect(decode('prlimit64', [TID, nproc, 0x5000, 0])?.kind).toBe('rlimit');
    expect(decode('prlimit64', [0, nproc, 0, 0x5000])).toBeUndefined();
    expect(decode('prlimit64', [PID + 10, nproc, 0x5000, 0])).toBeUndefined();
  });

  it('reports capset and landlock_restrict_self as per-thread', () => {
    expect(decode('capset', [0x10, 0x20])).toMatchObject({
      kind: 'capset',
      call: 'capset(0x10, 0x20)',
      perThread: true,
    });
    expect(decode('landlock_restrict_self', [3, 0])).toMatchObject({
      kind: 'landlock-restrict',
      call: 'landlock_restrict_self(3, 0)',
      summary: 'restricts itself with the Landlock ruleset fd 3',
      perThread: true,
    });
  });

  it('ignores every other syscall and unknown numbers', () => {
    expect(decode('getpid', [])).toBeUndefined();
    expect(decode('read', [0, 0, 0])).toBeUndefined();
    expect(
      decodeSelfSandboxCall({ arch: 'x86_64', nr: 99999, args: [], pid: 1, tid: 1 }),
    ).toBeUndefined();
  });

  it('never throws on arbitrary arguments', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SUPPORTED_ARCHES),
        fc.constantFrom(...SELF_SANDBOX_SYSCALLS),
        fc.array(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), { minLength: 6, maxLength: 6 }),
        (arch, name, args) => {
          const number = syscallNumber(arch, name);
          if (number === undefined) return;
          decodeSelfSandboxCall({ arch, nr: number, args, pid: 1, tid: 1 });
        },
      ),
    );
  });
});

describe('selfSandboxSyscallNumbers', () => {
  it('lists the numbers the supervisor must get notifications for', () => {
    expect(selfSandboxSyscallNumbers('x86_64')).toEqual(
      SELF_SANDBOX_SYSCALLS.map((name) => nr('x86_64', name)),
    );
  });
});
