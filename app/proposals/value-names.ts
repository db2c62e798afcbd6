import { constantNames, constantValue } from '../linux/arch-constants';
import type { Arch } from '../linux/syscalls';

/**
 * Which named constants may stand for an argument's value (ioctl requests, F_* commands, ...),
 * and which of several names with one value reads best.
 */
export interface NameFamily {
  readonly pattern: RegExp;
  /** Names the pattern catches that mean something else (TCSANOW is not an ioctl request). */
  readonly exclude?: RegExp;
  /** Earlier patterns win when several names share a value (FIONREAD over TIOCINQ). */
  readonly prefer?: readonly RegExp[];
}

/** The number of bits the value is compared at: ioctl's request is an `unsigned int`. */
export type ValueWidth = 32 | 64;

const byFamily = new WeakMap<NameFamily, Map<string, ReadonlyMap<bigint, readonly string[]>>>();

function rank(family: NameFamily, name: string): number {
  const index = (family.prefer ?? []).findIndex((pattern) => pattern.test(name));
  return index === -1 ? Number.MAX_SAFE_INTEGER : index;
}

function compareNames(family: NameFamily, a: string, b: string): number {
  return rank(family, a) - rank(family, b) || a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** Every name of the family on `arch`, by value at `width`, best name first. */
function namesByValue(
  family: NameFamily,
  arch: Arch,
  width: ValueWidth,
): ReadonlyMap<bigint, readonly string[]> {
  let perArch = byFamily.get(family);
  if (!perArch) {
    perArch = new Map();
    byFamily.set(family, perArch);
  }
  const key = `${arch}/${width}`;
  const known = perArch.get(key);
  if (known) return known;
  const index = new Map<bigint, string[]>();
  for (const name of constantNames(arch)) {
    if (!family.pattern.test(name) || family.exclude?.test(name)) continue;
    const value = constantValue(arch, name);
    if (value === undefined) continue;
    const unsigned = BigInt.asUintN(width, value);
    index.set(unsigned, [...(index.get(unsigned) ?? []), name]);
  }
  for (const names of index.values()) names.sort((a, b) => compareNames(family, a, b));
  perArch.set(key, index);
  return index;
}

/**
 * A name for `value` as seen on `arch` that also exists on every arch of the policy (a rule's
 * condition is resolved on each of them), or undefined.
 */
export function constantName(
  family: NameFamily,
  arch: Arch,
  policyArches: readonly Arch[],
  value: bigint,
  width: ValueWidth = 64,
): string | undefined {
  const names = namesByValue(family, arch, width).get(BigInt.asUintN(width, value)) ?? [];
  return names.find((name) => policyArches.every((a) => constantValue(a, name) !== undefined));
}

/** A literal the condition language reads back: decimal up to 255, hexadecimal above. */
export function numberText(value: bigint): string {
  return value >= 0n && value <= 255n ? value.toString() : `0x${value.toString(16)}`;
}

/** The single-bit names of `family` whose bits are all in `mask`, lowest bit first. */
function flagNames(
  family: NameFamily,
  arch: Arch,
  policyArches: readonly Arch[],
  mask: bigint,
): { readonly names: readonly string[]; readonly covered: bigint } {
  const names: string[] = [];
  let covered = 0n;
  for (let bit = 0n; bit < 64n && mask >> bit !== 0n; bit++) {
    const flag = 1n << bit;
    if ((mask & flag) === 0n) continue;
    const name = constantName(family, arch, policyArches, flag);
    if (name === undefined) continue;
    names.push(name);
    covered |= flag;
  }
  return { names, covered };
}

/** How a value made of flags is written. */
export interface FlagNames {
  /** Single-bit names (CLONE_VM, SOCK_CLOEXEC, PROT_READ). */
  readonly flags: NameFamily;
  /** Names for what the flags leave (a socket type, a clone exit signal). */
  readonly rest?: NameFamily;
  /** The rest goes first: `SOCK_STREAM|SOCK_CLOEXEC`, but `CLONE_VM|SIGCHLD`. */
  readonly restFirst?: boolean;
}

/**
 * `value` as the flags it holds joined with `|`, and what remains: named by `rest`, else as a
 * number, or nothing when no bit remains. `CLONE_VM|CLONE_FS|SIGCHLD`, `PROT_READ|0x40`.
 * `named` is false when a remainder had to be written as a number.
 */
export function flagsText(
  value: bigint,
  arch: Arch,
  policyArches: readonly Arch[],
  names: FlagNames,
): { readonly text: string; readonly named: boolean } {
  const unsigned = BigInt.asUintN(64, value);
  const flags = flagNames(names.flags, arch, policyArches, unsigned);
  const remainder = unsigned & ~flags.covered;
  if (remainder === 0n && flags.names.length > 0)
    return { text: flags.names.join('|'), named: true };
  const rest = names.rest && constantName(names.rest, arch, policyArches, remainder);
  const restText = rest ?? numberText(remainder);
  const parts = names.restFirst ? [restText, ...flags.names] : [...flags.names, restText];
  return { text: parts.join('|'), named: rest !== undefined };
}

/**
 * `value` written with names: one name of `exact` when there is one (at `width` bits), else as
 * flags and a named rest when `flags` says how and everything gets a name, else a number.
 */
export function valueText(
  value: bigint,
  arch: Arch,
  policyArches: readonly Arch[],
  names: { readonly exact: NameFamily; readonly flags?: FlagNames },
  width: ValueWidth = 64,
): string {
  const unsigned = BigInt.asUintN(width, value);
  const exact = constantName(names.exact, arch, policyArches, unsigned, width);
  if (exact !== undefined) return exact;
  if (!names.flags) return numberText(unsigned);
  const flags = flagsText(unsigned, arch, policyArches, names.flags);
  return flags.named ? flags.text : numberText(unsigned);
}
