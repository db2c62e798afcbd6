import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AUDIT_ARCH } from '../linux/constants';
import { archPolicyFor, interpretResolved } from '../policy/interpret';
import type { SeccompAction } from '../policy/model';
import type { ArgCondition, CompareOp, ResolvedPolicy } from '../policy/resolved';
import { actionReturnValue } from './actions';
import {
  ACTION,
  CONDITION,
  DATA_CHOICE,
  EDGE_VALUES,
  interestingNumbers,
  POLICY,
  seccompDataFrom,
} from './compile-arbitraries';
import { CompileError, compileResolved, X32_SYSCALL_BIT } from './compile';
import { isConstantAllow, runFilter, seccompDataFor } from './emulate';
import { isConditionalJump, OP } from './encode';
import type { BpfProgram, SeccompData } from './program';
import {
  ACTION_CACHE_SAFE,
  ALLOW,
  and,
  archPolicy,
  cmp,
  errno,
  KILL_PROCESS,
  KILL_THREAD,
  LOG,
  not,
  NOTIFY,
  or,
  resolvedPolicy,
  resolvedRule,
  TRAP,
} from './test-helpers';
import { verifyProgram } from './verify';

const X86_64 = AUDIT_ARCH.AUDIT_ARCH_X86_64;
const I386 = AUDIT_ARCH.AUDIT_ARCH_I386;
const ALLOW_RET = actionReturnValue(ALLOW);

function verified(program: BpfProgram): BpfProgram {
  const result = verifyProgram(program);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return program;
}

function expectAgrees(policy: ResolvedPolicy, program: BpfProgram, data: SeccompData): void {
  const got = runFilter(program, data).ret;
  const want = actionReturnValue(interpretResolved(policy, data));
  if (got !== want) {
    throw new Error(
      `nr ${data.nr} arch 0x${data.arch.toString(16)} args [${data.args.map((a) => `0x${a.toString(16)}`).join(', ')}]: filter returned 0x${got.toString(16)}, the policy says 0x${want.toString(16)}`,
    );
  }
}

/** Rules for `nr` in the arch policy governing (arch, nr), when none looks at the arguments. */
function argumentFreeVerdict(
  policy: ResolvedPolicy,
  arch: number,
  nr: number,
): SeccompAction | undefined {
  const governing = archPolicyFor(policy, { arch, nr });
  if (!governing) return policy.badArchAction;
  for (const rule of governing.rules) {
    if (rule.nr >>> 0 !== nr) continue;
    if (rule.condition.kind === 'true') return rule.action;
    if (rule.condition.kind !== 'false') return undefined;
  }
  return governing.defaultAction;
}

describe('compileResolved against the reference interpreter (fast-check)', () => {
  it('returns what interpretResolved says, for random policies and edge-biased seccomp_data', () => {
    fc.assert(
      fc.property(
        POLICY,
        fc.array(DATA_CHOICE, { minLength: 1, maxLength: 30 }),
        (policy, choices) => {
          const { program } = compileResolved(policy);
          verified(program);
          for (const choice of choices)
            expectAgrees(policy, program, seccompDataFrom(policy, choice));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('agrees on every interesting number × arch with all-zero and all-ones arguments', () => {
    fc.assert(
      fc.property(POLICY, (policy) => {
        const { program } = compileResolved(policy);
        for (const arch of policy.arches.map((a) => a.auditArch).concat([X86_64, I386])) {
          for (const nr of interestingNumbers(policy)) {
            for (const fill of [0n, 2n ** 64n - 1n]) {
              expectAgrees(policy, program, seccompDataFor(nr, Array(6).fill(fill), arch));
            }
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('lets the action cache skip exactly the argument-free allows, and never a conditional one', () => {
    fc.assert(
      fc.property(
        POLICY,
        fc.array(DATA_CHOICE, { minLength: 8, maxLength: 8 }),
        (policy, choices) => {
          const { program } = compileResolved(policy);
          for (const arch of policy.arches.map((a) => a.auditArch >>> 0)) {
            for (const nr of interestingNumbers(policy)) {
              const cached = isConstantAllow(program, nr, arch);
              const fixed = argumentFreeVerdict(policy, arch, nr);
              if (fixed !== undefined) expect(cached).toBe(actionReturnValue(fixed) === ALLOW_RET);
              if (!cached) continue;
              // Sound: whatever the arguments, the policy allows it.
              for (const choice of choices) {
                const data = { ...seccompDataFrom(policy, choice), nr, arch };
                expect(actionReturnValue(interpretResolved(policy, data))).toBe(ALLOW_RET);
              }
            }
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('uses only action-cache-safe opcodes before the first argument load', () => {
    fc.assert(
      fc.property(POLICY, (policy) => {
        const { program } = compileResolved(policy);
        const argLoad = (pc: number): boolean =>
          program[pc]?.code === OP.LD_W_ABS && (program[pc]?.k ?? 0) >= 16;
        for (const pc of reachableBeforeArgs(program, argLoad)) {
          expect(ACTION_CACHE_SAFE.has(program[pc]?.code ?? -1), `instruction ${pc}`).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

/** Instructions some path reaches from the start without passing an argument load. */
function reachableBeforeArgs(program: BpfProgram, stop: (pc: number) => boolean): number[] {
  const seen = new Set<number>();
  const stack = [0];
  while (stack.length > 0) {
    const pc = stack.pop() ?? 0;
    const insn = program[pc];
    if (seen.has(pc) || insn === undefined || stop(pc)) continue;
    seen.add(pc);
    if (insn.code === OP.RET_K || insn.code === OP.RET_A) continue;
    if (insn.code === OP.JA) stack.push(pc + 1 + insn.k);
    else if (isConditionalJump(insn.code)) stack.push(pc + 1 + insn.jt, pc + 1 + insn.jf);
    else stack.push(pc + 1);
  }
  return [...seen];
}

const OPS: readonly CompareOp[] = ['==', '!=', '<', '<=', '>', '>='];

describe('single comparisons, exhaustively over edge values', () => {
  const masks: (bigint | undefined)[] = [
    undefined,
    0xffn,
    0x80000000_00000000n,
    0xffffffff_00000000n,
  ];
  for (const width of [32, 64] as const) {
    for (const signed of [false, true]) {
      it(`${width}-bit ${signed ? 'signed' : 'unsigned'}: every op, value, mask and argument`, () => {
        for (const op of OPS) {
          for (const value of EDGE_VALUES) {
            for (const mask of masks) {
              const condition = cmp(2, op, value, {
                width,
                signed,
                ...(mask === undefined ? {} : { mask }),
              });
              const policy = resolvedPolicy([
                archPolicy('x86_64', errno(1), [resolvedRule(0, ALLOW, condition)]),
              ]);
              const { program } = compileResolved(policy);
              for (const arg of EDGE_VALUES) {
                expectAgrees(policy, program, seccompDataFor(0, [0n, 0n, arg]));
              }
            }
          }
        }
      });
    }
  }
});

describe('code shape', () => {
  const one = (condition: ArgCondition): BpfProgram =>
    compileResolved(
      resolvedPolicy([archPolicy('x86_64', errno(1), [resolvedRule(7, ALLOW, condition)])]),
    ).program;
  const argumentPart = (program: BpfProgram): BpfProgram => {
    const first = program.findIndex((insn) => insn.code === OP.LD_W_ABS && insn.k >= 16);
    const rets = program.slice(first).findIndex((insn) => insn.code === OP.RET_K);
    return program.slice(first, first + rets);
  };

  it('compares a 64-bit argument as two words: hi then lo', () => {
    const block = argumentPart(one(cmp(0, '==', 0x1_00000005n)));
    expect(block.map((i) => [i.code, i.k])).toEqual([
      [OP.LD_W_ABS, 20],
      [OP.JEQ_K, 1],
      [OP.LD_W_ABS, 16],
      [OP.JEQ_K, 5],
    ]);
  });

  it('compares a 32-bit argument with one load and one jump', () => {
    const block = argumentPart(one(cmp(1, '!=', -100n, { width: 32 })));
    expect(block.map((i) => [i.code, i.k])).toEqual([
      [OP.LD_W_ABS, 24],
      [OP.JEQ_K, 0xffffff9c],
    ]);
  });

  it('masks with AND K and loads each word once for a set of values', () => {
    const set = or(...[1n, 2n, 3n].map((v) => cmp(0, '==', v, { mask: 0xffn, width: 32 })));
    const block = argumentPart(one(set));
    expect(block.filter((i) => i.code === OP.LD_W_ABS)).toHaveLength(1);
    expect(block.filter((i) => i.code === OP.AND_K)).toHaveLength(1);
    expect(block.filter((i) => i.code === OP.JEQ_K)).toHaveLength(3);
  });

  it('tests the shared high word of a 64-bit set once', () => {
    const values = [0n, 8n, 0x20000n, 0x20008n, 0xffffffffn];
    const inSet = argumentPart(one(or(...values.map((v) => cmp(0, '==', v)))));
    expect(inSet.map((i) => [i.code, i.k])).toEqual([
      [OP.LD_W_ABS, 20],
      [OP.JEQ_K, 0],
      [OP.LD_W_ABS, 16],
      ...values.map((v) => [OP.JEQ_K, Number(v)]),
    ]);
    const notInSet = argumentPart(one(and(...values.map((v) => cmp(0, '!=', v)))));
    expect(notInSet).toHaveLength(inSet.length);
  });

  it('treats neighbouring rules with one action as one set (Docker writes personality so)', () => {
    const values = [0n, 8n, 0x20000n, 0x20008n, 0xffffffffn];
    const rules = values.map((v, i) => resolvedRule(135, ALLOW, cmp(0, '==', v), i + 1));
    const { program } = compileResolved(resolvedPolicy([archPolicy('x86_64', errno(1), rules)]));
    const highLoads = program.filter((i) => i.code === OP.LD_W_ABS && i.k === 20);
    expect(highLoads).toHaveLength(1);
  });

  it('flips the sign bit for signed comparisons', () => {
    const program = one(cmp(0, '<', -1n, { signed: true }));
    expect(program.some((i) => i.code === OP.XOR_K && i.k === 0x80000000)).toBe(true);
  });

  it('folds comparisons that cannot fail or cannot hold', () => {
    // unsigned >= 0 always holds; (x & 0xff) == 0x100 never does.
    const always = one(cmp(0, '>=', 0n));
    const never = one(and(cmp(0, '==', 0x100n, { mask: 0xffn }), cmp(1, '==', 1n)));
    for (const program of [always, never]) {
      expect(program.some((i) => i.code === OP.LD_W_ABS && i.k >= 16)).toBe(false);
    }
    expect(isConstantAllow(always, 7, X86_64)).toBe(true);
    expect(runFilter(never, seccompDataFor(7, [0x100n, 1n])).ret).toBe(actionReturnValue(errno(1)));
  });

  it('emits one copy of identical argument checks, across syscalls and arches', () => {
    const condition = or(cmp(0, '==', 1n), not(cmp(1, '<', 5n, { signed: true })));
    const rules = [3, 9, 20].map((nr) => resolvedRule(nr, ALLOW, condition));
    const policy = resolvedPolicy([
      archPolicy('x86_64', KILL_PROCESS, rules),
      archPolicy('i386', KILL_PROCESS, rules),
    ]);
    const compiled = compileResolved(policy);
    expect(compiled.stats.argumentBlocks).toBe(1);
    const loads = compiled.program.filter((i) => i.code === OP.LD_W_ABS && i.k === 16);
    expect(loads).toHaveLength(1);
  });
});

describe('architectures', () => {
  const read = (action: SeccompAction) => [resolvedRule(0, action)];

  it('dispatches on seccomp_data.arch and gives unlisted arches the bad-arch action', () => {
    const policy = resolvedPolicy(
      [
        archPolicy('x86_64', KILL_PROCESS, read(ALLOW)),
        archPolicy('i386', KILL_PROCESS, read(LOG)),
      ],
      errno(38),
    );
    const { program } = compileResolved(policy);
    expect(runFilter(program, seccompDataFor(0, [], X86_64)).ret).toBe(ALLOW_RET);
    expect(runFilter(program, seccompDataFor(0, [], I386)).ret).toBe(actionReturnValue(LOG));
    const aarch64 = AUDIT_ARCH.AUDIT_ARCH_AARCH64;
    expect(runFilter(program, seccompDataFor(0, [], aarch64)).ret).toBe(
      actionReturnValue(errno(38)),
    );
  });

  it('closes the x32 hole: x32 numbers are a bad arch unless x32 is listed', () => {
    const nativeOnly = resolvedPolicy([archPolicy('x86_64', ALLOW, [])], KILL_THREAD);
    const { program } = compileResolved(nativeOnly);
    for (const nr of [X32_SYSCALL_BIT, X32_SYSCALL_BIT + 1, 0x7fffffff, 0xffffffff]) {
      expect(runFilter(program, seccompDataFor(nr)).ret).toBe(actionReturnValue(KILL_THREAD));
    }
    expect(runFilter(program, seccompDataFor(X32_SYSCALL_BIT - 1)).ret).toBe(ALLOW_RET);
  });

  it('routes x32 numbers to the x32 rules when x32 is listed, and x86_64 ones elsewhere', () => {
    const policy = resolvedPolicy([
      archPolicy('x32', errno(1), [resolvedRule(X32_SYSCALL_BIT + 0, ALLOW)]),
    ]);
    const { program } = compileResolved(policy);
    expect(runFilter(program, seccompDataFor(X32_SYSCALL_BIT)).ret).toBe(ALLOW_RET);
    expect(runFilter(program, seccompDataFor(X32_SYSCALL_BIT + 1)).ret).toBe(
      actionReturnValue(errno(1)),
    );
    expect(runFilter(program, seccompDataFor(0)).ret).toBe(actionReturnValue(KILL_PROCESS));
  });

  it('compiles only the arches asked for', () => {
    const policy = resolvedPolicy([archPolicy('x86_64', ALLOW, []), archPolicy('i386', ALLOW, [])]);
    const compiled = compileResolved(policy, { arches: [archPolicy('i386', ALLOW, []).arch] });
    expect(compiled.arches).toEqual(['i386']);
    expect(runFilter(compiled.program, seccompDataFor(0, [], X86_64)).ret).toBe(
      actionReturnValue(KILL_PROCESS),
    );
  });

  it('compiles a policy listing no arch to the bad-arch action alone', () => {
    const { program } = compileResolved(resolvedPolicy([], NOTIFY));
    expect(program).toHaveLength(2);
    expect(runFilter(program, seccompDataFor(0)).ret).toBe(actionReturnValue(NOTIFY));
  });
});

describe('limits', () => {
  it('keeps argument blocks reachable past the 255-instruction jump limit', () => {
    const big = and(
      ...Array.from({ length: 300 }, (_, i) => cmp(0, '!=', BigInt(i * 7 + 1), { width: 32 })),
    );
    const rules = Array.from({ length: 6 }, (_, i) =>
      resolvedRule(i * 3, i % 2 ? ALLOW : TRAP, and(big, cmp(1, '==', BigInt(i)))),
    );
    const policy = resolvedPolicy([
      archPolicy('x86_64', errno(1), rules),
      archPolicy('i386', errno(1), rules),
    ]);
    const { program } = compileResolved(policy);
    expect(program.length).toBeGreaterThan(1000);
    verified(program);
    fc.assert(
      fc.property(fc.array(DATA_CHOICE, { minLength: 20, maxLength: 20 }), (choices) => {
        for (const choice of choices)
          expectAgrees(policy, program, seccompDataFrom(policy, choice));
        for (let nr = 0; nr < 40; nr++) {
          expectAgrees(policy, program, seccompDataFor(nr, [0n, BigInt(Math.floor(nr / 3))], I386));
        }
      }),
      { numRuns: 20 },
    );
  });

  it('searches very many ranges by weight-median splits, still exactly', () => {
    const rules = Array.from({ length: 700 }, (_, i) =>
      resolvedRule(i * 2, i % 3 === 0 ? ALLOW : i % 3 === 1 ? TRAP : LOG),
    );
    const policy = resolvedPolicy([archPolicy('aarch64', errno(1), rules)]);
    const { program, stats } = compileResolved(policy);
    expect(stats.ranges).toBeGreaterThan(1024);
    const arch = AUDIT_ARCH.AUDIT_ARCH_AARCH64;
    for (let nr = 0; nr < 1500; nr++) expectAgrees(policy, program, seccompDataFor(nr, [], arch));
    expect(stats.maxExecuted).toBeLessThanOrEqual(30);
  });

  it('refuses more than 4096 instructions, saying how many and what to cut', () => {
    const rules = Array.from({ length: 150 }, (_, nr) =>
      resolvedRule(
        nr,
        ALLOW,
        // Distinct high words: nothing to factor out.
        and(...Array.from({ length: 10 }, (_, i) => cmp(0, '!=', BigInt(nr * 100 + i) << 32n))),
        nr + 1,
      ),
    );
    const policy = resolvedPolicy([archPolicy('x86_64', KILL_PROCESS, rules)]);
    expect(() => compileResolved(policy)).toThrow(CompileError);
    expect(() => compileResolved(policy)).toThrow(
      /needs \d{4,} instructions; the kernel accepts at most 4096\..*argument checks of .* \(rules at line \d+\).*fewer architectures/,
    );
  });
});

describe('weighted dispatch', () => {
  const allowed = Array.from({ length: 300 }, (_, i) => i).filter((nr) => nr % 5 !== 3);
  const policy = resolvedPolicy([
    archPolicy(
      'x86_64',
      errno(1),
      allowed.map((nr) => resolvedRule(nr, ALLOW)),
    ),
  ]);
  const hot = new Map([
    [0, 1000],
    [3, 800],
    [232, 500],
    [202, 2000],
  ]);
  const meanExecuted = (program: BpfProgram): number => {
    let total = 0;
    let count = 0;
    for (const [nr, weight] of hot) {
      total += runFilter(program, seccompDataFor(nr)).executed * weight;
      count += weight;
    }
    return total / count;
  };

  it('runs fewer instructions for frequent syscalls than the balanced tree, same verdicts', () => {
    const balanced = compileResolved(policy).program;
    const weighted = compileResolved(policy, { weights: hot }).program;
    expect(meanExecuted(weighted)).toBeLessThan(meanExecuted(balanced));
    // arch load and test, nr load, two tests bracketing 202's run, RET.
    expect(runFilter(weighted, seccompDataFor(202)).executed).toBe(6);
    for (let nr = 0; nr < 400; nr++) {
      expect(runFilter(weighted, seccompDataFor(nr)).ret).toBe(
        runFilter(balanced, seccompDataFor(nr)).ret,
      );
    }
  });

  it('without weights, puts the syscalls the policy lets run above the ones it denies', () => {
    // Allow 0..9 and every tenth number up to 300; kill the rest.
    const allowed = [
      ...Array.from({ length: 10 }, (_, i) => i),
      ...Array.from({ length: 30 }, (_, i) => 10 * i + 15),
    ];
    const rules = allowed.map((nr, i) => resolvedRule(nr, ALLOW, undefined, i + 1));
    const { program } = compileResolved(
      resolvedPolicy([archPolicy('x86_64', KILL_PROCESS, rules)]),
    );
    const mean = (nrs: readonly number[]): number =>
      nrs.reduce((sum, nr) => sum + runFilter(program, seccompDataFor(nr)).executed, 0) /
      nrs.length;
    const denied = Array.from({ length: 300 }, (_, nr) => nr).filter((nr) => !allowed.includes(nr));
    expect(mean(allowed)).toBeLessThan(mean(denied));
  });

  it('still decides everything correctly on random policies with random weights', () => {
    fc.assert(
      fc.property(
        POLICY,
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 1e6 }))),
        fc.array(DATA_CHOICE, { minLength: 1, maxLength: 20 }),
        (p, weights, choices) => {
          const { program } = compileResolved(p, { weights: new Map(weights) });
          verified(program);
          for (const choice of choices) expectAgrees(p, program, seccompDataFrom(p, choice));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('conditions (fast-check, one syscall)', () => {
  it('matches evaluateCondition for deep random conditions', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(CONDITION, ACTION), { minLength: 1, maxLength: 4 }),
        ACTION,
        fc.array(DATA_CHOICE, { minLength: 10, maxLength: 10 }),
        (rules, defaultAction, choices) => {
          const policy = resolvedPolicy([
            archPolicy(
              'x86_64',
              defaultAction,
              rules.map(([condition, action], i) => resolvedRule(1, action, condition, i + 1)),
            ),
          ]);
          const { program } = compileResolved(policy);
          for (const choice of choices) {
            const data = { ...seccompDataFrom(policy, choice), nr: 1, arch: X86_64 };
            expectAgrees(policy, program, data);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
