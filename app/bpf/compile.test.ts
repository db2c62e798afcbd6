import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AUDIT_ARCH, BPF } from '../linux/constants';
import { syscallNumber } from '../linux/syscalls';
import type { Policy, SeccompAction } from '../policy/model';
import { actionReturnValue } from './actions';
import { CompileError, compilePolicy, X32_SYSCALL_BIT } from './compile';
import { isConstantAllow, runFilter, seccompDataFor } from './emulate';
import { isConditionalJump, OP } from './encode';
import type { BpfProgram } from './program';
import { verifyProgram } from './verify';
import { policyVerdict } from './supervise';
import {
  ACTION_CACHE_SAFE,
  ALLOW,
  errno,
  KILL_PROCESS,
  KILL_THREAD,
  LOG,
  namesByNumber,
  NO_SECCOMP,
  NOTIFY,
  nr,
  reachableInstructions,
  rule,
  seccompPolicy,
  TRAP,
} from './test-helpers';

const X86_64 = AUDIT_ARCH.AUDIT_ARCH_X86_64;
const I386 = AUDIT_ARCH.AUDIT_ARCH_I386;
const KILL_RET = actionReturnValue(KILL_PROCESS);
const ALLOW_RET = actionReturnValue(ALLOW);

const ALL_NAMES = namesByNumber();
const EACCES = 13;
const EPERM = 1;

/** ~360 syscalls whose actions cycle with their number, the worst case for range merging. */
const ALTERNATING = seccompPolicy(
  KILL_PROCESS,
  ALL_NAMES.map((name, i) => rule([ALLOW, errno(EPERM), TRAP][i % 3] ?? ALLOW, [name], i + 1)),
);

const POLICIES: Record<string, Policy> = {
  'no seccomp section': NO_SECCOMP,
  'no rules, default kill': seccompPolicy(KILL_PROCESS, []),
  'no rules, default errno': seccompPolicy(errno(EPERM), []),
  'allow-list': seccompPolicy(KILL_PROCESS, [
    rule(ALLOW, ['read', 'write', 'exit_group', 'futex', 'mmap', 'brk', 'rt_sigreturn']),
  ]),
  'errno rules': seccompPolicy(KILL_THREAD, [
    rule(ALLOW, ['read', 'write', 'exit_group']),
    rule(errno(EACCES), ['open', 'openat', 'openat2'], 2),
    rule(errno(EPERM), ['socket', 'connect'], 3),
  ]),
  'kill rules, default allow': seccompPolicy(ALLOW, [
    rule(KILL_PROCESS, ['ptrace', 'process_vm_readv', 'process_vm_writev']),
    rule(KILL_THREAD, ['kexec_load'], 2),
    rule(TRAP, ['reboot'], 3),
  ]),
  'default allow with denials': seccompPolicy(ALLOW, [
    rule(errno(EPERM), ['mount', 'umount2', 'pivot_root', 'chroot']),
    rule(LOG, ['setns', 'unshare'], 2),
    rule(NOTIFY, ['bpf'], 3),
  ]),
  'first match wins': seccompPolicy(KILL_PROCESS, [
    rule(errno(EACCES), ['open', 'read'], 1),
    rule(ALLOW, ['read', 'write', 'open'], 2),
    rule(KILL_THREAD, ['write', 'close'], 3),
  ]),
  'syscall 0 and the highest syscall': seccompPolicy(errno(EPERM), [
    rule(ALLOW, [ALL_NAMES[0] ?? 'read', ALL_NAMES.at(-1) ?? 'read']),
  ]),
  '~360 syscalls, alternating actions': ALTERNATING,
};

const OUT_OF_RANGE = [
  0x3fffffff,
  X32_SYSCALL_BIT,
  X32_SYSCALL_BIT + nr('read'),
  X32_SYSCALL_BIT + nr('execve'),
  0x7fffffff,
  0x80000000,
  0xfffffffe,
  0xffffffff,
];
const NUMBERS = [...Array.from({ length: 601 }, (_, i) => i), ...OUT_OF_RANGE];

function retFor(program: BpfProgram, number: number, arch = X86_64): number {
  return runFilter(program, seccompDataFor(number, [], arch)).ret;
}

describe('compilePolicy verdicts (checked in the emulator)', () => {
  for (const [title, policy] of Object.entries(POLICIES)) {
    describe(title, () => {
      const { program } = compilePolicy(policy);

      it('returns policyVerdict for every syscall number 0..600 and out-of-range numbers', () => {
        for (const number of NUMBERS) {
          const expected = actionReturnValue(policyVerdict(policy, number));
          expect({ number, ret: retFor(program, number) }).toEqual({ number, ret: expected });
        }
      });

      it('kills every syscall of a foreign arch (i386) and x32 numbers', () => {
        for (const number of [0, 1, 59, 322, 450, 600, 0xffffffff]) {
          expect(retFor(program, number, I386)).toBe(KILL_RET);
        }
        for (const number of [0, 1, 59, 322, 512, 0x3fffffff]) {
          expect(retFor(program, X32_SYSCALL_BIT + number)).toBe(KILL_RET);
        }
      });

      it('passes the kernel verifier rules', () => {
        expect(verifyOk(program)).toBe(true);
      });

      it('uses only action-cache-safe opcodes on every path', () => {
        for (const pc of reachableInstructions(program)) {
          expect(ACTION_CACHE_SAFE.has(program[pc]?.code ?? -1), `instruction ${pc}`).toBe(true);
        }
      });

      it('lets the kernel action cache bypass the filter for exactly the allowed syscalls', () => {
        for (const number of NUMBERS) {
          const allowed = policyVerdict(policy, number).kind === 'allow';
          expect({ number, cached: isConstantAllow(program, number, X86_64) }).toEqual({
            number,
            cached: allowed,
          });
        }
        expect(isConstantAllow(program, nr('read'), I386)).toBe(false);
      });
    });
  }
});

function verifyOk(program: BpfProgram): boolean {
  const result = verifyProgram(program);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return true;
}

describe('compilePolicy semantics, spelled out', () => {
  it('gives each syscall the first rule that lists it, in file order', () => {
    const { program } = compilePolicy(POLICIES['first match wins'] ?? NO_SECCOMP);
    expect(retFor(program, nr('read'))).toBe(actionReturnValue(errno(EACCES)));
    expect(retFor(program, nr('open'))).toBe(actionReturnValue(errno(EACCES)));
    expect(retFor(program, nr('write'))).toBe(ALLOW_RET);
    expect(retFor(program, nr('close'))).toBe(actionReturnValue(KILL_THREAD));
    expect(retFor(program, nr('mmap'))).toBe(KILL_RET);
  });

  it('allows every native syscall without a seccomp section, still checking the arch', () => {
    const { program } = compilePolicy(NO_SECCOMP);
    expect(retFor(program, nr('execve'))).toBe(ALLOW_RET);
    expect(retFor(program, 600)).toBe(ALLOW_RET);
    expect(retFor(program, nr('read'), I386)).toBe(KILL_RET);
    expect(program[0]).toEqual({ code: OP.LD_W_ABS, jt: 0, jf: 0, k: 4 });
  });

  it('returns ERRNO with the errno in the data bits', () => {
    const { program } = compilePolicy(POLICIES['errno rules'] ?? NO_SECCOMP);
    const ret = retFor(program, nr('openat'));
    expect(ret >>> 16).toBe(actionReturnValue(errno(0)) >>> 16);
    expect(ret & 0xffff).toBe(EACCES);
  });

  it('gives foreign arches and x32 numbers the bad-arch action, from the policy or the options', () => {
    const base = seccompPolicy(KILL_PROCESS, [rule(ALLOW, ['read'])]);
    const seccomp = base.linux.seccomp;
    if (!seccomp) throw new Error('test: no seccomp section');
    const policy: Policy = {
      ...base,
      linux: { ...base.linux, seccomp: { ...seccomp, badArchAction: NOTIFY } },
    };
    const { program } = compilePolicy(policy);
    expect(retFor(program, nr('read'), I386)).toBe(actionReturnValue(NOTIFY));
    expect(retFor(program, X32_SYSCALL_BIT + nr('read'))).toBe(actionReturnValue(NOTIFY));
    expect(retFor(program, nr('read'))).toBe(ALLOW_RET);
    const overridden = compilePolicy(policy, { badArchAction: errno(EPERM) }).program;
    expect(retFor(overridden, nr('read'), I386)).toBe(actionReturnValue(errno(EPERM)));
    expect(retFor(overridden, X32_SYSCALL_BIT)).toBe(actionReturnValue(errno(EPERM)));
  });

  it('shares identical RET instructions in small programs', () => {
    const { program } = compilePolicy(POLICIES['allow-list'] ?? NO_SECCOMP);
    const rets = program.filter((insn) => insn.code === OP.RET_K).map((insn) => insn.k);
    expect(new Set(rets).size).toBe(rets.length);
  });

  it('lists names one of the arches does not have, and compiles the rest', () => {
    const base = seccompPolicy(KILL_PROCESS, [rule(ALLOW, ['read', 'arm_fadvise64_64'])]);
    const seccomp = base.linux.seccomp;
    if (!seccomp) throw new Error('test: no seccomp section');
    const policy: Policy = {
      ...base,
      linux: { ...base.linux, seccomp: { ...seccomp, arch: ['x86_64', 'arm'] } },
    };
    const compiled = compilePolicy(policy);
    expect(compiled.arches).toEqual(['x86_64', 'arm']);
    expect(compiled.stats.unresolved).toEqual(['arm_fadvise64_64']);
    expect(retFor(compiled.program, nr('read'))).toBe(ALLOW_RET);
    const arm = AUDIT_ARCH.AUDIT_ARCH_ARM;
    expect(retFor(compiled.program, syscallNumber('arm', 'arm_fadvise64_64') ?? -1, arm)).toBe(
      ALLOW_RET,
    );
  });

  it('refuses a syscall no listed arch has, naming its line', () => {
    const policy = seccompPolicy(ALLOW, [rule(KILL_PROCESS, ['no_such_call'], 7)]);
    expect(() => compilePolicy(policy)).toThrow(CompileError);
    expect(() => compilePolicy(policy)).toThrow(/line 7: .*no_such_call/);
  });
});

describe('long programs and the 255-instruction reach of conditional jumps', () => {
  const compiled = compilePolicy(ALTERNATING);
  const { program } = compiled;

  it('is long enough that naive jumps would not reach', () => {
    expect(ALL_NAMES.length).toBeGreaterThanOrEqual(350);
    expect(program.length).toBeGreaterThan(255);
    expect(program.length).toBeLessThanOrEqual(BPF.BPF_MAXINSNS);
  });

  it('keeps every jump forward and inside the program, with jt/jf <= 255', () => {
    program.forEach((insn, pc) => {
      if (insn.code === OP.JA) expect(pc + 1 + insn.k).toBeLessThan(program.length);
      if (isConditionalJump(insn.code)) {
        expect(insn.jt).toBeLessThanOrEqual(255);
        expect(insn.jf).toBeLessThanOrEqual(255);
        expect(pc + 1 + Math.max(insn.jt, insn.jf)).toBeLessThan(program.length);
      }
    });
    // Far jumps to a RET get a copy of it right after the jump (a trampoline that costs nothing).
    const rets = program.filter((insn) => insn.code === OP.RET_K);
    expect(rets.length).toBeGreaterThan(new Set(rets.map((insn) => insn.k)).size);
  });

  it('stays correct across program sizes around the reach limit (every prefix of the table)', () => {
    for (let count = 120; count <= ALL_NAMES.length; count++) {
      const policy = seccompPolicy(
        errno(EPERM),
        ALL_NAMES.slice(0, count).map((name, i) => rule(i % 3 === 0 ? ALLOW : KILL_THREAD, [name])),
      );
      const { program } = compilePolicy(policy);
      expect(verifyOk(program)).toBe(true);
      for (const name of ALL_NAMES) {
        const number = nr(name);
        expect(retFor(program, number)).toBe(actionReturnValue(policyVerdict(policy, number)));
      }
      expect(retFor(program, 0xffffffff)).toBe(KILL_RET);
    }
  });

  it('runs a binary search: few instructions per syscall', () => {
    const worst = Math.max(...NUMBERS.map((n) => runFilter(program, seccompDataFor(n)).executed));
    expect(worst).toBeLessThanOrEqual(compiled.stats.maxExecuted);
    // arch load + check + nr load + ceil(log2(ranges)) tests + RET; the tree minimizes the mean
    // over the syscalls the policy lets run (denied ones are taken to be rare), so its longest
    // path may be a few tests longer than a perfect search.
    expect(compiled.stats.maxExecuted).toBeLessThanOrEqual(
      3 + Math.ceil(Math.log2(compiled.stats.ranges)) + 1 + 4,
    );
    const allowed = ALL_NAMES.filter((_, i) => i % 3 === 0);
    const mean =
      allowed.reduce(
        (sum, name) => sum + runFilter(program, seccompDataFor(nr(name))).executed,
        0,
      ) / allowed.length;
    expect(mean).toBeLessThanOrEqual(3 + Math.log2(compiled.stats.ranges) + 1);
  });

  it('merges neighbouring numbers with the same verdict into one range', () => {
    const blocky = seccompPolicy(KILL_PROCESS, [rule(ALLOW, ALL_NAMES.slice(0, 100))]);
    const stats = compilePolicy(blocky).stats;
    expect(stats.ranges).toBeLessThanOrEqual(3);
    expect(stats.instructions).toBeLessThan(12);
  });
});

const ACTIONS: fc.Arbitrary<SeccompAction> = fc.oneof(
  fc.constantFrom(KILL_PROCESS, KILL_THREAD, TRAP, LOG, ALLOW, NOTIFY),
  fc.integer({ min: 1, max: 4095 }).map(errno),
);

const RANDOM_POLICY: fc.Arbitrary<Policy> = fc
  .record({
    defaultAction: ACTIONS,
    rules: fc.array(
      fc.record({ action: ACTIONS, names: fc.subarray(ALL_NAMES, { maxLength: 80 }) }),
      { maxLength: 8 },
    ),
  })
  .map(({ defaultAction, rules }) =>
    seccompPolicy(
      defaultAction,
      rules.map((r, i) => rule(r.action, r.names, i + 1)),
    ),
  );

const RANDOM_NR = fc.oneof(
  fc.integer({ min: 0, max: 600 }),
  fc.integer({ min: 0, max: 0xffffffff }),
  fc.integer({ min: 0, max: 600 }).map((n) => X32_SYSCALL_BIT + n),
);

describe('compilePolicy on random policies (fast-check)', () => {
  it('matches policyVerdict on random syscall numbers and arguments', () => {
    fc.assert(
      fc.property(
        RANDOM_POLICY,
        fc.array(
          fc.tuple(
            RANDOM_NR,
            fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { maxLength: 6 }),
          ),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        (policy, calls) => {
          const { program } = compilePolicy(policy);
          expect(verifyOk(program)).toBe(true);
          for (const [number, args] of calls) {
            const { ret } = runFilter(program, seccompDataFor(number, args));
            expect(ret).toBe(actionReturnValue(policyVerdict(policy, number)));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('matches policyVerdict on every listed syscall and kills foreign arches', () => {
    fc.assert(
      fc.property(
        RANDOM_POLICY,
        fc.integer({ min: 0, max: 0xffffffff }).filter((arch) => arch !== X86_64),
        (policy, arch) => {
          const { program } = compilePolicy(policy);
          for (const name of ALL_NAMES) {
            const number = nr(name);
            expect(retFor(program, number)).toBe(actionReturnValue(policyVerdict(policy, number)));
          }
          expect(retFor(program, nr('read'), arch)).toBe(KILL_RET);
          for (const pc of reachableInstructions(program)) {
            expect(ACTION_CACHE_SAFE.has(program[pc]?.code ?? -1)).toBe(true);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
