import { seccompDataFor } from '../../app/bpf/emulate';
import type { SeccompData } from '../../app/bpf/program';
import { AUDIT_ARCH, X86 } from '../../app/linux/constants';
import type { ArgCompare, ArgCondition, ResolvedPolicy } from '../../app/policy/resolved';

/*
 * The `seccomp_data` a differential test feeds both filters: every syscall number a rule names
 * and its neighbours, the numbers where dispatch code changes (x32 bit, sign bit, -1), values
 * around every constant a condition compares with (±1, the other 32-bit half flipped, bits
 * outside a mask), every arch the policy lists and some it does not, plus seeded random inputs.
 */

const U64 = (1n << 64n) - 1n;
const X32_BIT: number = X86.__X32_SYSCALL_BIT;

/** mulberry32: small, seeded, reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const u32 = (random: () => number): number => Math.floor(random() * 2 ** 32) >>> 0;
const u64 = (random: () => number): bigint => (BigInt(u32(random)) << 32n) | BigInt(u32(random));

/** Args the way a 64-bit ABI may pass them (any 64-bit value). */
function randomArgs(random: () => number): bigint[] {
  return [0, 1, 2, 3, 4, 5].map(() => {
    const pick = random();
    if (pick < 0.3) return BigInt(u32(random) & 0xff);
    if (pick < 0.6) return BigInt(u32(random));
    return u64(random);
  });
}

const NR_EDGES = [
  0,
  1,
  2,
  0x3ff,
  0x3fffffff,
  X32_BIT,
  X32_BIT + 1,
  0x7fffffff,
  0x80000000,
  0xfffffffe,
  0xffffffff,
];

const VALUE_EDGES = [0n, 1n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 1n << 32n, 1n << 63n, U64];

function comparesOf(condition: ArgCondition): ArgCompare[] {
  switch (condition.kind) {
    case 'cmp':
      return [condition];
    case 'and':
    case 'or':
      return condition.items.flatMap(comparesOf);
    case 'not':
      return comparesOf(condition.item);
    default:
      return [];
  }
}

/** Values on both sides of the compare's boundary. */
function valuesAround(c: ArgCompare, random: () => number): bigint[] {
  const v = c.value;
  const mask = c.mask ?? U64;
  const outside = ~mask & U64;
  const near = [v - 1n, v, v + 1n, v ^ (1n << 32n), v | outside, v | (outside & u64(random))];
  return near.map((x) => BigInt.asUintN(64, x));
}

/** A value that satisfies the compare when there is an obvious one. */
function satisfying(c: ArgCompare): bigint {
  switch (c.op) {
    case '<':
      return BigInt.asUintN(64, c.value - 1n);
    case '>':
      return BigInt.asUintN(64, c.value + 1n);
    case '!=':
      return c.value === 0n ? 1n : 0n;
    default:
      return c.value;
  }
}

function argVectorsFor(compares: readonly ArgCompare[], random: () => number): bigint[][] {
  const vectors: bigint[][] = [randomArgs(random), [0n, 0n, 0n, 0n, 0n, 0n]];
  if (compares.length === 0) return vectors;
  const allHold = randomArgs(random);
  for (const c of compares) allHold[c.arg] = satisfying(c);
  vectors.push(allHold);
  for (const c of compares) {
    for (const value of [...valuesAround(c, random), ...VALUE_EDGES]) {
      const base = random() < 0.5 ? [...allHold] : randomArgs(random);
      base[c.arg] = value;
      vectors.push(base);
    }
  }
  return vectors;
}

/** 32-bit ABIs: the kernel zero-extends arguments into seccomp_data. */
const ZERO_EXTENDED: ReadonlySet<number> = new Set([
  AUDIT_ARCH.AUDIT_ARCH_I386 >>> 0,
  AUDIT_ARCH.AUDIT_ARCH_ARM >>> 0,
]);

function data(nr: number, args: readonly bigint[], arch: number): SeccompData {
  const fitted = ZERO_EXTENDED.has(arch >>> 0) ? args.map((a) => a & 0xffffffffn) : args;
  return seccompDataFor(nr, fitted, arch);
}

const OTHER_ARCHES = [
  AUDIT_ARCH.AUDIT_ARCH_X86_64,
  AUDIT_ARCH.AUDIT_ARCH_I386,
  AUDIT_ARCH.AUDIT_ARCH_AARCH64,
  AUDIT_ARCH.AUDIT_ARCH_ARM,
  AUDIT_ARCH.AUDIT_ARCH_RISCV64,
  AUDIT_ARCH.AUDIT_ARCH_PPC64LE,
  0,
  0xffffffff,
];

/** Edge-case and random inputs for a policy (deterministic for a given seed). */
export function inputsFor(policy: ResolvedPolicy, seed: number, randomCount = 200): SeccompData[] {
  const random = seededRandom(seed);
  const out: SeccompData[] = [];
  const auditArches = [...new Set(policy.arches.map((a) => a.auditArch >>> 0))];
  for (const entry of policy.arches) {
    const byNr = new Map<number, ArgCompare[]>();
    for (const rule of entry.rules) {
      byNr.set(rule.nr, [...(byNr.get(rule.nr) ?? []), ...comparesOf(rule.condition)]);
    }
    for (const [nr, compares] of byNr) {
      for (const args of argVectorsFor(compares, random)) out.push(data(nr, args, entry.auditArch));
      for (const near of [nr - 1, nr + 1, nr ^ X32_BIT]) {
        out.push(data(near >>> 0, randomArgs(random), entry.auditArch));
      }
    }
    for (const nr of NR_EDGES) out.push(data(nr, randomArgs(random), entry.auditArch));
  }
  for (const arch of [...OTHER_ARCHES, u32(random)]) {
    for (const nr of [0, 1, 59, 231, X32_BIT, 0xffffffff]) out.push(data(nr, [], arch));
  }
  for (let i = 0; i < randomCount; i++) {
    const listed = auditArches[Math.floor(random() * auditArches.length)] ?? 0;
    const arch = random() < 0.9 ? listed : u32(random);
    const nr = random() < 0.7 ? Math.floor(random() * 1100) : u32(random);
    out.push(data(nr, randomArgs(random), arch));
  }
  return out;
}
