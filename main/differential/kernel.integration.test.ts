import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeReturnValue } from '../../app/bpf/actions';
import { runFilter } from '../../app/bpf/emulate';
import type { BpfProgram, SeccompData } from '../../app/bpf/program';
import { LIBSECCOMP_ARCHES, type LibseccompFilter } from '../../app/formats/libseccomp-filter';
import { ourArch, resolveLibseccompFilter } from '../../app/formats/libseccomp-meaning';
import { AUDIT_ARCH, X86 } from '../../app/linux/constants';
import { syscallNumber } from '../../app/linux/syscalls';
import { interpretResolved } from '../../app/policy/interpret';
import { buildKernelProbe, type KernelProbe } from './kernel-probe';
import { outcomeFits } from './kernel-verdict';
import { exportWithLibseccomp, libseccompUnavailable } from './libseccomp';
import { compileOurs, unsupportedByOurCompiler } from './our-compiler';
import { libseccompFilterArbitrary } from './random-filters';
import { inputsFor, seededRandom } from './seccomp-inputs';

/*
 * The real kernel agrees with our emulator: filters (libseccomp's and ours) are installed in a
 * child process that makes one real syscall (x86_64 with the syscall instruction, x32 numbers
 * with it too, i386 with int $0x80), and what the kernel did must fit the verdict the emulator
 * computed for the same seccomp_data. The syscalls used succeed with any arguments.
 */

const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
const unavailable =
  process.arch !== 'x64' || process.platform !== 'linux'
    ? 'needs Linux on x86_64'
    : (libseccompUnavailable() ?? compilerMissing());

function compilerMissing(): string | undefined {
  try {
    execFileSync('cc', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'no C compiler (cc)';
  }
}

/** Syscalls that succeed whatever their arguments, so "allowed" is plain to see. */
const HARMLESS = ['getpid', 'getppid', 'getuid', 'getgid', 'geteuid', 'getpgrp', 'sched_yield'];
/** A number no x86 ABI uses (ENOSYS when allowed). */
const UNUSED_NR = 1000;
const X32_BIT: number = X86.__X32_SYSCALL_BIT;
const X86_64_ARCH: number = AUDIT_ARCH.AUDIT_ARCH_X86_64 >>> 0;
const I386_ARCH: number = AUDIT_ARCH.AUDIT_ARCH_I386 >>> 0;
const KERNEL_ARCHES = LIBSECCOMP_ARCHES.filter(
  (a) => ['x86_64', 'x86', 'x32'].includes(a) && ourArch(a) !== undefined,
);

function harmlessNumbers(arch: 'x86_64' | 'i386' | 'x32'): Set<number> {
  const known = KERNEL_ARCHES.some((a) => ourArch(a) === arch);
  if (!known) return new Set();
  return new Set(HARMLESS.flatMap((name) => syscallNumber(arch, name) ?? []));
}

interface KernelCall {
  readonly data: SeccompData;
  readonly abi: '64' | '32';
  readonly implemented: boolean;
}

const IMPLEMENTED_64 = harmlessNumbers('x86_64');
const IMPLEMENTED_32 = harmlessNumbers('i386');
/** x32 numbers reach the filter, then ENOSYS: this kernel is built without the x32 ABI. */
const X32_NUMBERS = harmlessNumbers('x32');

/** The inputs of a policy the kernel can produce here, with how to make the call. */
function kernelCalls(inputs: readonly SeccompData[]): KernelCall[] {
  return inputs.flatMap((data): KernelCall[] => {
    const nr = data.nr >>> 0;
    if (data.arch >>> 0 === X86_64_ARCH) {
      if (IMPLEMENTED_64.has(nr)) return [{ data, abi: '64', implemented: true }];
      if (X32_NUMBERS.has(nr) || nr === UNUSED_NR || nr === (UNUSED_NR | X32_BIT)) {
        return [{ data, abi: '64', implemented: false }];
      }
    }
    if (data.arch >>> 0 === I386_ARCH) {
      const [a0, a1, a2, a3, a4, a5] = data.args.map((a) => a & 0xffffffffn);
      const args = [a0 ?? 0n, a1 ?? 0n, a2 ?? 0n, a3 ?? 0n, a4 ?? 0n, a5 ?? 0n] as const;
      const low: SeccompData = { ...data, args };
      if (IMPLEMENTED_32.has(nr)) return [{ data: low, abi: '32', implemented: true }];
      if (nr === UNUSED_NR) return [{ data: low, abi: '32', implemented: false }];
    }
    return [];
  });
}

function extraInputs(seed: number): SeccompData[] {
  const random = seededRandom(seed);
  const arg = () => BigInt(Math.floor(random() * 2 ** 32)) << BigInt(random() < 0.5 ? 32 : 0);
  const args = () => [arg(), arg(), arg(), arg(), arg(), arg()] as const;
  const of = (nr: number, arch: number): SeccompData => ({
    nr,
    arch,
    instructionPointer: 0n,
    args: args(),
  });
  return [
    of(UNUSED_NR, X86_64_ARCH),
    of(UNUSED_NR | X32_BIT, X86_64_ARCH),
    of(UNUSED_NR, I386_ARCH),
    ...[...X32_NUMBERS].map((nr) => of(nr, X86_64_ARCH)),
  ];
}

function pick<T>(items: readonly T[], count: number, random: () => number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < count && pool.length > 0) {
    out.push(...pool.splice(Math.floor(random() * pool.length), 1));
  }
  return out;
}

interface Mismatch {
  readonly who: string;
  readonly call: KernelCall;
  readonly verdict: string;
  readonly outcome: unknown;
}

/** What the sample covered: `abi outcome` pairs, e.g. "32 trapped". */
const covered = new Set<string>();

function runOnKernel(
  probe: KernelProbe,
  who: string,
  program: BpfProgram,
  calls: readonly KernelCall[],
): Mismatch[] {
  return calls.flatMap((call) => {
    const ret = runFilter(program, call.data).ret;
    const outcome = probe.run(program, call.abi, call.data.nr, call.data.args);
    covered.add(`${call.abi} ${outcome.kind}`);
    if (outcomeFits(ret, outcome, call.implemented)) return [];
    const verdict = `${decodeReturnValue(ret).kind} ${ret.toString(16)}`;
    return [{ who, call, verdict, outcome }];
  });
}

describe.skipIf(unavailable !== undefined && !inCi)('differential: the real kernel', () => {
  const probe = unavailable === undefined ? buildKernelProbe() : undefined;

  it('has what it needs in CI', () => {
    expect(unavailable).toBeUndefined();
  });

  it('does what the emulator says for a sample of filters and syscalls', () => {
    if (!probe) return;
    const filters = fc.sample(
      libseccompFilterArbitrary({ arches: KERNEL_ARCHES, withArgs: true, names: HARMLESS }),
      { seed: 0x6b65, numRuns: 40 },
    );
    const defined = filters.flatMap((filter) => {
      try {
        return [{ filter, policy: resolveLibseccompFilter(filter) }];
      } catch {
        return [];
      }
    });
    const exported = exportWithLibseccomp(defined.map((d) => d.filter));
    const random = seededRandom(7);
    let calls = 0;
    const mismatches = defined.flatMap(({ policy }, i) => {
      const sample = pick(
        kernelCalls([...inputsFor(policy, i, 50), ...extraInputs(i)]),
        10,
        random,
      );
      calls += sample.length;
      const libseccomp = exported[i]?.program ?? [];
      const ours = unsupportedByOurCompiler(policy) === undefined ? compileOurs(policy) : undefined;
      return [
        ...runOnKernel(probe, 'libseccomp', libseccomp, sample),
        ...(ours ? runOnKernel(probe, 'ours', ours, sample) : []),
      ];
    });
    expect(defined.length).toBeGreaterThan(30);
    expect(calls).toBeGreaterThan(200);
    expect(mismatches.slice(0, 5)).toEqual([]);
    const expected = ['64 returned', '64 trapped', '64 killed'];
    if (IMPLEMENTED_32.size > 0) expected.push('32 returned', '32 trapped', '32 killed');
    expect([...covered].sort()).toEqual(expect.arrayContaining(expected));
  });

  it("confirms libseccomp 2.5.4's wrong verdict for OR-ed rules with range comparisons", () => {
    if (!probe) return;
    const errno7 = { kind: 'errno', errno: 7 } as const;
    // getpid(a0, a1, a2, a3) is errno 7 when (a0 > 0 && a1 == 0) || (a3 == 0 && a0 >= 0).
    const filter: LibseccompFilter = {
      arches: ['x86_64'],
      defaultAction: { kind: 'allow' },
      badArchAction: { kind: 'kill-process' },
      optimize: 1,
      rules: [
        {
          syscall: 'getpid',
          action: errno7,
          args: [
            { arg: 0, op: 'GT', value: 0n },
            { arg: 1, op: 'EQ', value: 0n },
          ],
        },
        {
          syscall: 'getpid',
          action: errno7,
          args: [
            { arg: 3, op: 'EQ', value: 0n },
            { arg: 0, op: 'GE', value: 0n },
          ],
        },
      ],
    };
    const policy = resolveLibseccompFilter(filter);
    const getpid = syscallNumber('x86_64', 'getpid') ?? -1;
    // Neither rule holds: a0 = 0 fails the first, a3 = -1 the second.
    const args = [0n, 0n, 0n, (1n << 64n) - 1n, 0n, 0n] as const;
    const data: SeccompData = { nr: getpid, arch: X86_64_ARCH, instructionPointer: 0n, args };
    expect(interpretResolved(policy, data)).toEqual({ kind: 'allow' });
    const [exported] = exportWithLibseccomp([filter]);
    const program = exported?.program ?? [];
    expect(decodeReturnValue(runFilter(program, data).ret)).toMatchObject(errno7);
    expect(probe.run(program, '64', getpid, args)).toEqual({
      kind: 'returned',
      value: -1n,
      errno: 7,
    });
    const ours = compileOurs(policy);
    expect(decodeReturnValue(runFilter(ours, data).ret).kind).toBe('allow');
    expect(probe.run(ours, '64', getpid, args)).toMatchObject({ kind: 'returned', errno: 0 });
  });
});
