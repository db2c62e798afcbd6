import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { archInfo } from '../linux/arches';
import { AUDIT_ARCH, BPF } from '../linux/constants';
import { SUPPORTED_ARCHES, syscallNumber, type Arch } from '../linux/syscalls';
import { hasErrors, parsePolicy } from '../policy/parse';
import { resolvePolicy } from '../policy/resolve';
import { assemble } from './asm';
import { disassembleText } from './disasm';
import { compileResolved } from './compile';
import { decompile, DecompileError, decompileToModel } from './decompile';
import { canonicalReturn } from './decompile-actions';
import { fixtureBytes, LIBSECCOMP_FIXTURES } from './decompile-fixtures';
import { validProgram } from './disasm-arbitrary';
import { runFilter } from './emulate';
import { flowStates } from './disasm-flow';
import { decodeProgram, isConditionalJump, OP, stmt } from './encode';
import type { BpfProgram, SeccompData } from './program';

/*
 * Decompiling is right when the policy it writes, parsed and compiled again, gives every input
 * the same verdict as the original filter. "Every input" is sampled: all arches the studio knows
 * plus foreign ones, syscall numbers 0..1023 and the x32 range, and for numbers the filter tests,
 * argument values around every constant in the filter (low half, high half, both).
 */

const X32 = 0x40000000;
const FOREIGN_ARCHES = [AUDIT_ARCH.AUDIT_ARCH_S390X, 0, 0x12345678];
const ALL_ARCHES = [
  ...new Set(SUPPORTED_ARCHES.map((a) => archInfo(a).auditArch)),
  ...FOREIGN_ARCHES,
];

function program(text: string): BpfProgram {
  const result = assemble(text);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.program;
}

/** Compiles policy text with the studio's own pipeline. */
function compileText(text: string): BpfProgram {
  const { policy, diagnostics } = parsePolicy(text);
  if (!policy || hasErrors(diagnostics)) {
    throw new Error(
      `the decompiled policy does not parse:\n${text}\n${JSON.stringify(diagnostics, null, 1)}`,
    );
  }
  return compileResolved(resolvePolicy(policy)).program;
}

function data(arch: number, nr: number, args: readonly bigint[] = []): SeccompData {
  const padded = [0, 1, 2, 3, 4, 5].map((i) => BigInt.asUintN(64, args[i] ?? 0n));
  return {
    arch: arch >>> 0,
    nr: nr >>> 0,
    instructionPointer: 0n,
    args: padded as unknown as SeccompData['args'],
  };
}

const verdict = (p: BpfProgram, d: SeccompData): number => canonicalReturn(runFilter(p, d).ret);

/** Constants the filter compares A with while A holds an argument (or something computed). */
function argumentConstants(p: BpfProgram): number[] {
  const states = flowStates(p);
  return [
    ...new Set(
      p
        .filter((insn, pc) => isConditionalJump(insn.code) && (states[pc]?.a ?? 16) >= 16)
        .map((insn) => insn.k >>> 0),
    ),
  ];
}

/** Syscall numbers the filter singles out: those whose arguments are worth varying. */
function testedNumbers(p: BpfProgram): number[] {
  const states = flowStates(p);
  const numbers = p
    .filter((insn, pc) => isConditionalJump(insn.code) && states[pc]?.a === 0)
    .map((insn) => insn.k >>> 0);
  return [...new Set(numbers)].slice(0, 64);
}

function argumentValues(p: BpfProgram): bigint[] {
  const values = new Set<bigint>([0n, 1n, 0xffffffffn, 0xffffffffffffffffn, 1n << 63n, 1n << 32n]);
  for (const k of argumentConstants(p)) {
    for (const v of [k, k - 1, k + 1, ~k]) {
      const u = BigInt(v >>> 0);
      values.add(u);
      values.add(u << 32n);
      values.add((u << 32n) | u);
      values.add((1n << 32n) | u);
    }
  }
  return [...values];
}

interface Difference {
  readonly arch: number;
  readonly nr: number;
  readonly args: readonly bigint[];
  readonly original: number;
  readonly decompiled: number;
}

interface Sampling {
  /** Vary the arguments of the numbers the filter tests (slow for big filters). */
  readonly args?: boolean;
  /** Numbers whose verdict the policy language cannot reproduce (and a warning says so). */
  readonly skip?: readonly number[];
}

/** The first input on which the two filters disagree, if any. */
function firstDifference(
  original: BpfProgram,
  decompiled: BpfProgram,
  sampling: Sampling = {},
): Difference | undefined {
  const skip = new Set(sampling.skip ?? []);
  const numbers = [
    ...Array.from({ length: 1024 }, (_, i) => i),
    ...Array.from({ length: 600 }, (_, i) => X32 + i),
    X32 - 1,
    0x7fffffff,
    0xffffffff,
  ].filter((nr) => !skip.has(nr));
  const check = (
    arch: number,
    nr: number,
    args: readonly bigint[] = [],
  ): Difference | undefined => {
    const d = data(arch, nr, args);
    const a = verdict(original, d);
    const b = verdict(decompiled, d);
    return a === b ? undefined : { arch, nr, args, original: a, decompiled: b };
  };
  for (const arch of ALL_ARCHES) {
    for (const nr of numbers) {
      const found = check(arch, nr);
      if (found) return found;
    }
  }
  if (sampling.args === false) return undefined;
  const values = argumentValues(original);
  for (const arch of ALL_ARCHES.slice(0, -FOREIGN_ARCHES.length)) {
    for (const nr of testedNumbers(original).filter((n) => !skip.has(n))) {
      for (const value of values) {
        for (let arg = 0; arg < 6; arg++) {
          const args = Array.from({ length: 6 }, (_, i) => (i === arg ? value : 0n));
          const found =
            check(arch, nr, args) ?? check(arch, nr, [value, value, value, value, value, value]);
          if (found) return found;
        }
      }
    }
  }
  return undefined;
}

interface RoundTrip {
  readonly arch?: Arch;
  readonly warnings?: readonly string[];
  readonly sampling?: Sampling;
}

/** Decompiles, recompiles, and expects the same verdicts everywhere; returns the policy text. */
function expectRoundTrip(original: BpfProgram, options: RoundTrip = {}): string {
  const { policyText, warnings } = decompile(original, { arch: options.arch ?? 'x86_64' });
  expect(warnings).toEqual(options.warnings ?? []);
  const recompiled = compileText(policyText);
  const difference = firstDifference(original, recompiled, options.sampling);
  if (difference) {
    throw new Error(
      `verdicts differ at ${JSON.stringify(difference, (_, v: unknown) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v))}\n${policyText}`,
    );
  }
  return policyText;
}

function compiledPolicy(text: string): BpfProgram {
  return compileText(text);
}

describe('decompile: the studio compiler round trip', () => {
  it('gives back an argument-free policy', () => {
    const text = `version: 1
linux:
  seccomp:
    arch: [x86_64]
    default: kill-process
    rules:
      - allow: [read, write, exit_group]
      - errno: EACCES
        syscalls: [openat]
      - action: trap
        syscalls: [ptrace]
`;
    const policy = expectRoundTrip(compiledPolicy(text));
    expect(policy).toContain('default: kill-process');
    expect(policy).toContain('bad_arch: kill-process');
    expect(policy).toContain('- allow: [read, write, exit_group]');
    expect(policy).toContain('- errno: EACCES\n        syscalls: [openat]');
    expect(policy).toContain('- action: trap\n        syscalls: [ptrace]');
  });

  it('keeps every action, a permissive default and a non-default bad_arch', () => {
    const text = `version: 1
linux:
  seccomp:
    arch: [x86_64]
    default: allow
    bad_arch: errno EPERM
    rules:
      - action: kill-thread
        syscalls: [ptrace]
      - action: trap 7
        syscalls: [personality]
      - action: trace 3
        syscalls: [getpid]
      - action: log
        syscalls: [uname]
      - action: notify
        syscalls: [mount, umount2]
      - errno: 4095
        syscalls: [bpf]
`;
    const policy = expectRoundTrip(compiledPolicy(text));
    expect(policy).toContain('default: allow');
    expect(policy).toContain('bad_arch: errno EPERM');
    expect(policy).toContain('- action: trap 7');
    expect(policy).toContain('- action: trace 3');
  });

  it('gives back several arches, x32 included', () => {
    const text = `version: 1
linux:
  seccomp:
    arch: [x86_64, i386, x32]
    default: errno ENOSYS
    rules:
      - allow: [read, write, close, exit_group]
      - action: kill-process
        syscalls: [execve]
`;
    const policy = expectRoundTrip(compiledPolicy(text));
    expect(policy).toContain('arch: [x86_64, i386, x32]');
  });

  it('gives back argument conditions', () => {
    const text = `version: 1
linux:
  seccomp:
    arch: [x86_64]
    default: kill-process
    rules:
      - allow: [mmap]
        when: "arg2 & 4 == 0"
      - allow: [ioctl]
        when: "arg1 in {0x5401, 0x541b}"
      - errno: EPERM
        syscalls: [socket]
        when: "arg0 != 2 || arg1 > 0x100000000"
      - allow: [socket, exit_group]
      - allow: [lseek]
        when: "(u32)arg2 <= 2"
`;
    expectRoundTrip(compiledPolicy(text));
  });

  it('gives back random argument-free policies', () => {
    const names = [
      'read',
      'write',
      'openat',
      'close',
      'mmap',
      'execve',
      'ptrace',
      'getpid',
      'futex',
      'clone',
    ];
    const actions = [
      'allow',
      'kill-process',
      'kill-thread',
      'trap',
      'errno EACCES',
      'errno 1',
      'log',
      'notify',
      'trace 2',
    ];
    const arches = fc.subarray(['x86_64', 'i386', 'x32', 'aarch64'] as const, { minLength: 1 });
    fc.assert(
      fc.property(
        arches,
        fc.constantFrom(...actions),
        fc.constantFrom(...actions),
        fc.array(fc.tuple(fc.constantFrom(...actions), fc.subarray(names, { minLength: 1 })), {
          maxLength: 5,
        }),
        (archList, defaultAction, badArch, rules) => {
          const usable = rules
            .map(
              ([action, list]) =>
                [
                  action,
                  list.filter((n) => archList.some((a) => syscallNumber(a, n) !== undefined)),
                ] as const,
            )
            .filter(([, list]) => list.length > 0);
          const text = [
            'version: 1',
            'linux:',
            '  seccomp:',
            `    arch: [${archList.join(', ')}]`,
            `    default: ${defaultAction}`,
            `    bad_arch: ${badArch}`,
            usable.length === 0 ? '    rules: []' : '    rules:',
            ...usable.map(
              ([action, list]) =>
                `      - action: ${action}\n        syscalls: [${list.join(', ')}]`,
            ),
            '',
          ].join('\n');
          const original = compiledPolicy(text);
          const { policyText } = decompile(original);
          const difference = firstDifference(original, compileText(policyText), { args: false });
          expect(difference, `${text}\n---\n${policyText}`).toBeUndefined();
        },
      ),
      { numRuns: 25 },
    );
  });
});

const VALUES = [
  '0',
  '1',
  '5',
  '0xff',
  '0xffffffff',
  '0x100000000',
  '0x100000005',
  '0x8000000000000000',
];
const NARROW_VALUES = VALUES.filter((v) => BigInt(v) <= 0xffffffffn);
const arg = fc.integer({ min: 0, max: 2 }).map((i) => `arg${i}`);
const compareOp = fc.constantFrom('==', '!=', '<', '<=', '>', '>=');
function atom(values: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.tuple(arg, compareOp, fc.constantFrom(...values)).map(([a, op, v]) => `${a} ${op} ${v}`),
    fc
      .tuple(
        arg,
        fc.constantFrom('0x4', '0xf0', ...values.filter((v) => v === '0x100000000')),
        fc.constantFrom('0', '0x4', '0x10'),
      )
      .map(([a, m, v]) => `${a} & ${m} == ${v}`),
    fc
      .tuple(arg, compareOp, fc.constantFrom('0', '7', '0xffffffff'))
      .map(([a, op, v]) => `(u32)${a} ${op} ${v}`),
    fc
      .tuple(arg, compareOp, fc.constantFrom('-1', '0', '3'))
      .map(([a, op, v]) => `(int)${a} ${op} ${v}`),
    fc
      .tuple(arg, fc.constantFrom(...values), fc.constantFrom(...values))
      .map(([a, x, y]) => `${a} in {${x}, ${y}}`),
  );
}

function condition(values: readonly string[]): fc.Arbitrary<string> {
  return fc.letrec<{ c: string }>((tie) => ({
    c: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      atom(values),
      fc
        .tuple(tie('c'), fc.constantFrom('&&', '||'), tie('c'))
        .map(([l, op, r]) => `(${l}) ${op} (${r})`),
      tie('c').map((c) => `!(${c})`),
    ),
  })).c;
}

describe('decompile: random policies with argument conditions', () => {
  const actions = ['allow', 'kill-process', 'errno EACCES', 'trap', 'log'];
  const cases = [
    { arches: 'x86_64', values: VALUES, runs: 40 },
    // 32-bit arches compare 32-bit values only (the language refuses wider ones there).
    { arches: 'x86_64, i386, aarch64, arm', values: NARROW_VALUES, runs: 20 },
  ];
  for (const { arches, values, runs } of cases) {
    it(`gives back what the studio compiler made of them (${arches})`, () => {
      const rule = fc.tuple(
        fc.constantFrom(...actions),
        fc.subarray(['read', 'mmap', 'ioctl', 'socket'], { minLength: 1 }),
        fc.option(condition(values), { nil: undefined }),
      );
      fc.assert(
        fc.property(
          fc.constantFrom(...actions),
          fc.array(rule, { minLength: 1, maxLength: 4 }),
          (defaultAction, rules) => {
            const text = [
              'version: 1',
              'linux:',
              '  seccomp:',
              `    arch: [${arches}]`,
              `    default: ${defaultAction}`,
              '    rules:',
              ...rules.map(
                ([action, names, when]) =>
                  `      - action: ${action}\n        syscalls: [${names.join(', ')}]${when ? `\n        when: ${JSON.stringify(when)}` : ''}`,
              ),
              '',
            ].join('\n');
            const original = compiledPolicy(text);
            const { policyText, warnings } = decompile(original);
            expect(warnings, policyText).toEqual([]);
            const difference = firstDifference(original, compileText(policyText));
            expect(difference, `${text}\n---\n${policyText}`).toBeUndefined();
          },
        ),
        { numRuns: runs },
      );
    }, 60_000);
  }
});

describe('decompile: libseccomp filters', () => {
  // libseccomp lets syscall number -1 past its x32 check (tracers use it to skip a syscall);
  // policies give every x32-range number bad_arch unless they list x32.
  const minusOne =
    "x32: the filter gives syscall numbers 0xffffffff (no syscall has them) another verdict than bad_arch, but none of the ABI's syscalls; the policy does not list x32, so they get bad_arch";
  for (const fixture of LIBSECCOMP_FIXTURES) {
    it(`gives back ${fixture.name}`, () => {
      const original = decodeProgram(fixtureBytes(fixture));
      const aarch64 = fixture.name.startsWith('aarch64');
      expectRoundTrip(original, {
        arch: aarch64 ? 'aarch64' : 'x86_64',
        warnings: fixture.name.startsWith('argument checks') ? [minusOne] : [],
        sampling: { skip: [0xffffffff] },
      });
    });
  }

  it('reads libseccomp 64-bit comparisons back as 64-bit conditions', () => {
    const fixture = LIBSECCOMP_FIXTURES.find((f) => f.name.startsWith('argument checks'));
    const { policyText } = decompile(decodeProgram(fixtureBytes(fixture!)));
    expect(policyText).toContain('when: "arg1 >= 0x100000006"');
    expect(policyText).toContain('when: "arg1 in {0x5401, 0x541b}"');
    expect(policyText).toContain('when: "arg2 & 4 == 0"');
    expect(policyText).toContain('when: "arg0 == 2 && arg1 == 1"');
    expect(policyText).toContain('when: "arg3 <= 0x1000"');
    expect(policyText).toContain('when: "arg1 != 9"');
  });
});

describe('decompile: hand-written filters', () => {
  it('reads a linear filter without an arch check, with a warning', () => {
    const p = program(`
      A = sys_number
      if (A == execve) goto kill
      if (A == execveat) goto kill
      return ALLOW
    kill: return KILL_PROCESS
    `);
    const { policyText, warnings } = decompile(p);
    expect(warnings.some((w) => w.includes('does not check seccomp_data.arch'))).toBe(true);
    expect(policyText).toContain('arch: [x86_64]');
    expect(policyText).toContain('default: allow');
    expect(policyText).toContain('syscalls: [execve, execveat]');
    const recompiled = compileText(policyText);
    for (let nr = 0; nr < 1024; nr++) {
      const d = data(AUDIT_ARCH.AUDIT_ARCH_X86_64, nr);
      expect(verdict(recompiled, d)).toBe(verdict(p, d));
    }
  });

  it('follows scratch memory, X and arithmetic on the syscall number and arguments', () => {
    const p = program(`
      A = arch
      if (A != ARCH_X86_64) goto kill
      A = sys_number
      mem[0] = A
      A = args[0]
      X = A
      A = mem[0]
      A += 5                   # nr + 5
      if (A == 5) goto checkarg  # read
      A = mem[0]
      A &= 0xfffffffe
      if (A == 2) goto allow     # open, close
      A = mem[0]
      if (A >= 0x40000000) goto kill
      return ERRNO(1)
    checkarg:
      A = X
      A &= 0xff
      if (A == 3) goto allow
      A = args[0] >> 32
      if (A > 0) goto allow
      return ERRNO(9)
    allow: return ALLOW
    kill: return KILL_PROCESS
    `);
    const policy = expectRoundTrip(p);
    expect(policy).toMatch(/- allow: \[.*open, close\]/);
  });

  it('reads 64-bit argument checks through scratch memory (seccomp-tools amigo style)', () => {
    const p = program(`
      A = arch
      if (A != ARCH_X86_64) goto kill
      A = sys_number
      if (A >= 0x40000000) goto kill
      if (A != kill) goto other
      A = args[0]
      mem[0] = A
      A = args[0] >> 32
      mem[1] = A
      if (A != 0) goto kill
      A = mem[0]
      if (A == 0x1d93) goto allow
    kill: return KILL_PROCESS
    other:
      if (A == exit_group) goto allow
      return ERRNO(38)
    allow: return ALLOW
    `);
    const policy = expectRoundTrip(p);
    expect(policy).toContain('when: "arg0 == 0x1d93"');
  });

  it('splits the x32 range with a JSET on the syscall number', () => {
    const p = program(`
      A = arch
      if (A != ARCH_X86_64) goto kill
      A = sys_number
      if (A & 0xc0000000) goto kill
      if (A == read) goto allow
      return ERRNO(1)
    allow: return ALLOW
    kill: return KILL
    `);
    expectRoundTrip(p);
    // Testing only the x32 bit leaves numbers from 0x80000000 up to the native rules.
    const leaky = decompile(program(disassembleText(p).replace('0xc0000000', '0x40000000')));
    expect(leaky.warnings).toEqual([
      "x32: the filter gives syscall numbers 0x80000000..0xbfffffff (no syscall has them) another verdict than bad_arch, but none of the ABI's syscalls; the policy does not list x32, so they get bad_arch",
    ]);
  });

  it('names what a policy cannot say, choosing the stricter verdict', () => {
    const p = program(`
      A = sys_number
      if (A == getpid) goto ip
      if (A == getuid) goto computed
      if (A == 500) goto allow       # not a syscall
      return ERRNO(0)
    ip:
      A = instruction_pointer
      if (A == 0x1000) goto allow
      return KILL
    computed:
      A = args[0]
      return A
    allow: return ALLOW
    `);
    const { policyText, warnings } = decompile(p);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining('getpid: it tests the instruction pointer'),
        expect.stringContaining('getuid: it returns a value computed from the input'),
        expect.stringContaining('syscall numbers 500 (no syscall has them)'),
        expect.stringContaining('ERRNO(0)'),
      ]),
    );
    expect(policyText).toMatch(/^# Not exactly expressible/m);
    expect(policyText).toContain('default: kill-process');
    expect(hasErrors(parsePolicy(policyText).diagnostics)).toBe(false);
  });

  it('reports rules for an arch policies cannot list', () => {
    const p = program(`
      A = arch
      if (A == ARCH_S390X) goto allow
      if (A != ARCH_X86_64) goto kill
      A = sys_number
      if (A == read) goto allow
    kill: return KILL_PROCESS
    allow: return ALLOW
    `);
    const { policyText, warnings } = decompile(p);
    expect(warnings).toEqual([
      'the filter has its own rules for seccomp_data.arch 0x80000016 (ARCH_S390X), which policies cannot list; it gets bad_arch',
    ]);
    expect(policyText).toContain('allow: [read]');
  });

  it('lists nothing but the assumed arch for a filter that kills everything', () => {
    const policy = expectRoundTrip([stmt(OP.RET_K, 0x80000000)], { arch: 'aarch64' });
    expect(policy).toContain('arch: [aarch64]');
    expect(policy).toContain('rules: []');
  });
});

describe('decompile: any valid filter', () => {
  /** Inputs around the filter's constants, as number, arch and every argument half. */
  function probes(p: BpfProgram): SeccompData[] {
    const ks = [...new Set([0, 1, 0xffffffff, ...p.map((i) => i.k >>> 0)])].slice(0, 24);
    const arches = [AUDIT_ARCH.AUDIT_ARCH_X86_64, AUDIT_ARCH.AUDIT_ARCH_I386, ...ks.slice(0, 4)];
    return ks.flatMap((k) =>
      arches.flatMap((arch) =>
        [0n, BigInt(k), BigInt(k) << 32n, (BigInt(k) << 32n) | BigInt(k), BigInt(k + 1)].map((v) =>
          data(arch, k, [v, v, v, v, v, v]),
        ),
      ),
    );
  }

  it('decompiles random valid filters (memory, ALU, X, every jump) to equivalent policies', () => {
    let exact = 0;
    fc.assert(
      fc.property(validProgram({ canonical: false }, 30), (p) => {
        let result: ReturnType<typeof decompile>;
        try {
          result = decompile(p, { budget: { steps: 200_000, leaves: 5000 } });
        } catch (error) {
          if (error instanceof DecompileError) return;
          throw error;
        }
        if (result.warnings.length > 0) return;
        exact += 1;
        const recompiled = compileText(result.policyText);
        for (const d of probes(p)) {
          expect(verdict(recompiled, d), `${disassembleText(p)}\n${result.policyText}`).toBe(
            verdict(p, d),
          );
        }
      }),
      { numRuns: 300 },
    );
    expect(exact).toBeGreaterThan(200);
  }, 60_000);
});

describe('decompile: limits', () => {
  it('refuses a filter the kernel would refuse', () => {
    expect(() => decompile([stmt(OP.LD_W_ABS, 0)])).toThrow(DecompileError);
    expect(() => decompile([])).toThrow(
      /the kernel would refuse this filter: the program is empty/,
    );
  });

  it('stops with a clear error when the paths explode', () => {
    // 20 independent tests on arg0 that all merge again: 2^20 paths.
    const tests = Array.from(
      { length: 20 },
      (_, i) => `A = args[0]\nif (A & ${1 << i}) goto n${i}\nn${i}:`,
    );
    const p = program(`${tests.join('\n')}\nreturn ALLOW`);
    expect(() => decompile(p, { budget: { steps: 100_000, leaves: 1000 } })).toThrow(
      /too many paths to decompile/,
    );
  });

  it('refuses a syscall-number test that needs too many ranges', () => {
    const p = program('A = sys_number\nif (A & 1) goto odd\nreturn ALLOW\nodd: return KILL');
    expect(() => decompileToModel(p)).toThrow(/splits it into too many ranges/);
  });

  it('never fails on random valid filters other than with a DecompileError', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...['read', 'write', 'close', 'execve']), { maxLength: 6 }),
        (names) => {
          const body = names.map((n, i) => `if (A == ${n}) goto r${i % 3}`).join('\n');
          const p = program(
            `A = sys_number\n${body}\nr0: return ALLOW\nr1: return ERRNO(1)\nr2: return TRAP`,
          );
          const { policyText } = decompile(p);
          expect(hasErrors(parsePolicy(policyText).diagnostics)).toBe(false);
        },
      ),
      { numRuns: 30 },
    );
    expect(BPF.BPF_MAXINSNS).toBe(4096);
  });
});
