import { constantNames, constantValue } from '../../app/linux/arch-constants';
import { isAddressParam, syscallParam } from '../../app/linux/syscall-docs';
import type { Arch } from '../../app/linux/syscalls';
import type { ObservedSyscall } from './observed-arguments';

/** A condition that lets a syscall run only with argument values a run observed. */
export interface Narrowing {
  readonly syscall: string;
  readonly arg: number;
  /** The parameter as declared, e.g. `unsigned long request`. */
  readonly param: string;
  readonly values: readonly bigint[];
  /** E.g. `arg1 in {TCGETS, 0x541b}`. */
  readonly condition: string;
}

/** At most this many values make a narrowing worth proposing. */
export const MAX_NARROWING_VALUES = 6;
const MAX_PROPOSALS = 2;

/** Parameters that select what a syscall does: narrowing them is what a policy author wants. */
const SELECTOR =
  /flag|request|cmd|op|option|prot|advice|how|which|domain|type|protocol|level|optname|resource|whence|mode|family|sig/i;

const reverseIndex = new Map<Arch, ReadonlyMap<bigint, readonly string[]>>();

/** Constant names by their value as an unsigned 64-bit register, per arch. */
function namesByValue(arch: Arch): ReadonlyMap<bigint, readonly string[]> {
  let index = reverseIndex.get(arch);
  if (!index) {
    const map = new Map<bigint, string[]>();
    for (const name of constantNames(arch)) {
      const value = BigInt.asUintN(64, constantValue(arch, name)!);
      map.set(value, [...(map.get(value) ?? []), name]);
    }
    index = map;
    reverseIndex.set(arch, index);
  }
  return index;
}

/**
 * A value as the condition writes it: the one constant with exactly that value on every arch of
 * the policy (a name is clearer than 0x5401), else the number — ambiguous small numbers such as
 * 1 stay numbers.
 */
export function valueText(value: bigint, arches: readonly Arch[]): string {
  const [first, ...others] = arches;
  const names = first ? namesByValue(first).get(value) : undefined;
  const name = names?.length === 1 ? names[0] : undefined;
  const same = (arch: Arch) => {
    const other = name === undefined ? undefined : constantValue(arch, name);
    return other !== undefined && BigInt.asUintN(64, other) === value;
  };
  if (name !== undefined && others.every(same)) return name;
  return value > 9n ? `0x${value.toString(16)}` : String(value);
}

function conditionText(arg: number, values: readonly bigint[], arches: readonly Arch[]): string {
  const texts = values.map((v) => valueText(v, arches));
  return texts.length === 1 ? `arg${arg} == ${texts[0]}` : `arg${arg} in {${texts.join(', ')}}`;
}

/**
 * Narrowings for a syscall a run observed: one per documented, non-address argument with a few
 * distinct values; arguments that select an operation (flags, request, cmd, …) when there are
 * such, fewest values first.
 */
export function narrowingsFor(
  syscall: string,
  observed: ObservedSyscall,
  arches: readonly Arch[],
): Narrowing[] {
  if (observed.calls === 0) return [];
  const candidates: (Narrowing & { rank: number })[] = [];
  observed.values.forEach((set, arg) => {
    const param = syscallParam(syscall, arg);
    if (!set || !param || isAddressParam(param) || set.size > MAX_NARROWING_VALUES) return;
    const values = [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const rank = (SELECTOR.test(param.name ?? '') ? 0 : 10) + values.length;
    candidates.push({
      syscall,
      arg,
      param: `${param.type}${param.name ? ` ${param.name}` : ''}`,
      values,
      condition: conditionText(arg, values, arches),
      rank,
    });
  });
  // Selector arguments are what matters; others (an fd, a length) only when there is none.
  const selectors = candidates.filter((c) => c.rank < 10);
  return (selectors.length > 0 ? selectors : candidates)
    .sort((a, b) => a.rank - b.rank || a.arg - b.arg)
    .slice(0, MAX_PROPOSALS)
    .map(({ rank: _rank, ...narrowing }) => narrowing);
}
