import fc from 'fast-check';
import { archInfo } from '../linux/arches';
import { AUDIT_ARCH } from '../linux/constants';
import type { SeccompAction } from '../policy/model';
import type {
  ArgCompare,
  ArgCondition,
  ArgIndex,
  CompareOp,
  ResolvedArchPolicy,
  ResolvedPolicy,
  ResolvedRule,
} from '../policy/resolved';
import type { SeccompData } from './program';
import { abi, lineRange } from './test-helpers';

/*
 * fast-check generators for the compiler's property tests: random resolved policies over every
 * ABI, and seccomp_data biased toward the values where compiled comparisons go wrong (word
 * boundaries, sign bits, the policy's own constants ±1, the x32 bit).
 */

const X32_BIT = 0x40000000;
const X86_64 = AUDIT_ARCH.AUDIT_ARCH_X86_64;

export const ABIS = ['x86_64', 'x32', 'i386', 'aarch64', 'arm', 'riscv64'] as const;

export const EDGE_VALUES: readonly bigint[] = [
  0n,
  1n,
  2n,
  0x7fn,
  0xffn,
  0x7fffffffn,
  0x80000000n,
  0x80000001n,
  0xfffffffen,
  0xffffffffn,
  0x100000000n,
  0x100000001n,
  0x1_ffffffffn,
  0x7fffffff_ffffffffn,
  0x80000000_00000000n,
  0x80000000_ffffffffn,
  0xffffffff_00000000n,
  0xffffffff_7fffffffn,
  0xffffffff_80000000n,
  0xffffffff_fffffffen,
  0xffffffff_ffffffffn,
];

const EDGE_MASKS: readonly bigint[] = [
  0n,
  1n,
  0xffn,
  0x80000000n,
  0xffffffffn,
  0xffffffff_00000000n,
  0x80000000_00000000n,
  0x80000000_80000000n,
  0xffffffff_ffffffffn,
  0xffff0000_0000ffffn,
];

export const ACTION: fc.Arbitrary<SeccompAction> = fc.oneof(
  fc.constantFrom<SeccompAction>(
    { kind: 'kill-process' },
    { kind: 'kill-thread' },
    { kind: 'trap' },
    { kind: 'log' },
    { kind: 'allow' },
    { kind: 'allow' },
    { kind: 'notify' },
  ),
  fc.integer({ min: 0, max: 0xffff }).map((data): SeccompAction => ({ kind: 'trap', data })),
  fc.integer({ min: 0, max: 0xffff }).map((data): SeccompAction => ({ kind: 'trace', data })),
  fc.integer({ min: 1, max: 4095 }).map((errno): SeccompAction => ({ kind: 'errno', errno })),
);

const VALUE: fc.Arbitrary<bigint> = fc.oneof(
  fc.constantFrom(...EDGE_VALUES),
  fc.bigInt({ min: -20n, max: 20n }),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }),
);

const MASK: fc.Arbitrary<bigint | undefined> = fc.option(
  fc.oneof(fc.constantFrom(...EDGE_MASKS), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })),
  { nil: undefined, freq: 2 },
);

/** Mostly arg0, so that comparisons share words (and the code reuses what A holds). */
const ARG: fc.Arbitrary<ArgIndex> = fc.oneof(
  { arbitrary: fc.constant<ArgIndex>(0), weight: 3 },
  { arbitrary: fc.constantFrom<ArgIndex>(0, 1), weight: 2 },
  { arbitrary: fc.constantFrom<ArgIndex>(0, 1, 2, 3, 4, 5), weight: 1 },
);

const OP: fc.Arbitrary<CompareOp> = fc.constantFrom('==', '!=', '<', '<=', '>', '>=');

/** A comparison; usually with value and mask truncated to its width, as the resolver makes them. */
export const COMPARE: fc.Arbitrary<ArgCompare> = fc
  .record({
    arg: ARG,
    op: OP,
    width: fc.constantFrom<32 | 64>(32, 64),
    signed: fc.boolean(),
    value: VALUE,
    mask: MASK,
    truncate: fc.nat({ max: 7 }).map((n) => n > 0),
  })
  .map(({ truncate, mask, value, ...rest }) => {
    const fit = (x: bigint): bigint => (truncate ? BigInt.asUintN(rest.width, x) : x);
    return {
      kind: 'cmp',
      ...rest,
      value: fit(value),
      ...(mask === undefined ? {} : { mask: fit(mask) }),
    };
  });

/** `argN in {…}` / `argN not in {…}` as the resolver writes them: equalities on one argument. */
const SET: fc.Arbitrary<ArgCondition> = fc
  .record({
    arg: ARG,
    mask: MASK,
    values: fc.array(fc.oneof(VALUE, fc.bigInt({ min: 0n, max: 40n })), {
      minLength: 1,
      maxLength: 5,
    }),
    negated: fc.boolean(),
  })
  .map(({ arg, mask, values, negated }) => {
    const items = values.map((value): ArgCondition => ({
      kind: 'cmp',
      arg,
      op: negated ? '!=' : '==',
      value: BigInt.asUintN(64, value),
      width: 64,
      signed: false,
      ...(mask === undefined ? {} : { mask }),
    }));
    return { kind: negated ? 'and' : 'or', items };
  });

export const CONDITION: fc.Arbitrary<ArgCondition> = fc.letrec<{ condition: ArgCondition }>(
  (tie) => ({
    condition: fc.oneof(
      { maxDepth: 3, depthIdentifier: 'condition' },
      COMPARE,
      COMPARE,
      SET,
      fc.constantFrom<ArgCondition>({ kind: 'true' }, { kind: 'false' }),
      fc
        .array(tie('condition'), { maxLength: 3 })
        .map((items): ArgCondition => ({ kind: 'and', items })),
      fc
        .array(tie('condition'), { maxLength: 3 })
        .map((items): ArgCondition => ({ kind: 'or', items })),
      tie('condition').map((item): ArgCondition => ({ kind: 'not', item })),
    ),
  }),
).condition;

/** Rule conditions: mostly none (argument-free rules are most rules), often a condition. */
const RULE_CONDITION: fc.Arbitrary<ArgCondition> = fc.oneof(
  { arbitrary: fc.constant<ArgCondition>({ kind: 'true' }), weight: 2 },
  { arbitrary: CONDITION, weight: 3 },
);

/** Syscall numbers in a small range so that rules collide, plus far ones. */
const NUMBER_OFFSET: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 3 }), weight: 4 },
  { arbitrary: fc.integer({ min: 0, max: 12 }), weight: 4 },
  { arbitrary: fc.constantFrom(59, 322, 1000, 0x3ffffffe, X32_BIT + 1, 0xfffffffe), weight: 1 },
);

function archPolicyArb(name: (typeof ABIS)[number]): fc.Arbitrary<ResolvedArchPolicy> {
  const arch = abi(name);
  const info = archInfo(arch);
  const base = info.syscallBase ?? 0;
  const rule = fc.record({ offset: NUMBER_OFFSET, action: ACTION, condition: RULE_CONDITION });
  return fc
    .record({ defaultAction: ACTION, rules: fc.array(rule, { maxLength: 10 }) })
    .map(({ defaultAction, rules }) => ({
      arch,
      auditArch: info.auditArch,
      defaultAction,
      rules: rules.map((r, i): ResolvedRule => ({
        nr: (base + r.offset) >>> 0,
        action: r.action,
        condition: r.condition,
        ruleIndex: i,
        range: lineRange(i + 1),
      })),
      unresolved: [],
    }));
}

export const POLICY: fc.Arbitrary<ResolvedPolicy> = fc
  .record({
    arches: fc
      .shuffledSubarray([...ABIS], { minLength: 0, maxLength: 4 })
      .chain((names) => fc.tuple(...names.map(archPolicyArb))),
    badArchAction: ACTION,
  })
  .map(({ arches, badArchAction }) => ({ arches, badArchAction }));

const valueCache = new WeakMap<ResolvedPolicy, bigint[]>();

/**
 * Values near the policy's constants: v, v±1, v with a sign bit flipped, each word of v with the
 * other word at an edge, v with every bit outside the mask set. Policy-derived values come first.
 */
export function interestingValues(policy: ResolvedPolicy): bigint[] {
  const cached = valueCache.get(policy);
  if (cached) return cached;
  const out = new Set<bigint>();
  const visit = (c: ArgCondition): void => {
    if (c.kind === 'cmp') {
      const v = BigInt.asUintN(64, c.value);
      const m = c.mask === undefined ? undefined : BigInt.asUintN(64, c.mask);
      for (const x of [v, v + 1n, v - 1n, v ^ (1n << 31n), v ^ (1n << 63n)]) {
        out.add(BigInt.asUintN(64, x));
        out.add(BigInt.asUintN(32, x));
        out.add(BigInt.asUintN(64, x) | 0xffffffff_00000000n);
        out.add((BigInt.asUintN(32, x) << 32n) | BigInt.asUintN(32, x + 1n));
        if (m !== undefined) out.add(BigInt.asUintN(64, x | ~m));
      }
    } else if (c.kind === 'and' || c.kind === 'or') c.items.forEach(visit);
    else if (c.kind === 'not') visit(c.item);
  };
  for (const arch of policy.arches) for (const rule of arch.rules) visit(rule.condition);
  const values = [...out];
  valueCache.set(policy, values);
  return values;
}

export function interestingNumbers(policy: ResolvedPolicy): number[] {
  const out = new Set<number>([0, 1, X32_BIT - 1, X32_BIT, X32_BIT + 1, 0x7fffffff, 0x80000000]);
  out.add(0xffffffff);
  for (const arch of policy.arches) {
    for (const rule of arch.rules) {
      for (const nr of [rule.nr - 1, rule.nr, rule.nr + 1, rule.nr + X32_BIT]) out.add(nr >>> 0);
    }
  }
  return [...out];
}

export function interestingArches(policy: ResolvedPolicy): number[] {
  const out = new Set<number>([X86_64, AUDIT_ARCH.AUDIT_ARCH_I386, AUDIT_ARCH.AUDIT_ARCH_PPC64, 0]);
  for (const arch of policy.arches) out.add(arch.auditArch >>> 0);
  return [...out];
}

/** Choices that `seccompDataFrom` turns into data for a given policy. */
export const DATA_CHOICE = fc.record({
  nr: fc.nat(),
  arch: fc.nat(),
  args: fc.array(
    fc.record({
      how: fc.nat({ max: 5 }),
      pick: fc.nat(),
      other: fc.nat(),
      random: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    }),
    { minLength: 6, maxLength: 6 },
  ),
});

export type DataChoice = typeof DATA_CHOICE extends fc.Arbitrary<infer T> ? T : never;

function pick<T>(list: readonly T[], index: number): T {
  const value = list[index % list.length];
  if (value === undefined) throw new Error('test: empty list');
  return value;
}

export function seccompDataFrom(policy: ResolvedPolicy, choice: DataChoice): SeccompData {
  const fromPolicy = interestingValues(policy);
  const values = fromPolicy.length > 0 ? fromPolicy : EDGE_VALUES;
  const args = choice.args.map(({ how, pick: p, other, random }) => {
    if (how === 0) return random;
    if (how === 1) return pick(EDGE_VALUES, p);
    if (how === 2)
      return (pick(values, p) & 0xffffffff_00000000n) | (pick(values, other) & 0xffffffffn);
    return pick(values, p);
  });
  return {
    nr: pick(interestingNumbers(policy), choice.nr),
    arch: pick(interestingArches(policy), choice.arch),
    instructionPointer: 0n,
    args: args as unknown as SeccompData['args'],
  };
}
