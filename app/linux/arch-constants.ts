import { ARCH_TABLES, type Arch } from './arch-tables';

/**
 * Named constants policy conditions may use (PROT_*, MAP_*, O_*, AT_*, AF_*, SOCK_*, CLONE_*,
 * F_*, PR_*, FUTEX_*, MADV_*, SIG*, E*, ioctl requests, …), evaluated per arch from that arch's
 * kernel headers by scripts/gen-linux-tables.mjs. Values keep their C sign: AT_FDCWD is -100n.
 */
export interface NamedConstant {
  readonly name: string;
  readonly value: bigint;
}

const parsed = new Map<Arch, ReadonlyMap<string, bigint>>();

function constantsOf(arch: Arch): ReadonlyMap<string, bigint> {
  let map = parsed.get(arch);
  if (!map) {
    const table = ARCH_TABLES[arch];
    if (!table) throw new Error(`no constants for ${String(arch)}`);
    map = new Map(Object.entries(table.constants).map(([name, text]) => [name, BigInt(text)]));
    parsed.set(arch, map);
  }
  return map;
}

export function constantValue(arch: Arch, name: string): bigint | undefined {
  return constantsOf(arch).get(name);
}

/** All names defined for `arch`, sorted. */
export function constantNames(arch: Arch): readonly string[] {
  return [...constantsOf(arch).keys()];
}

/** The constants whose name starts with `prefix` (e.g. `CLONE_`), sorted by name. */
export function constantsWithPrefix(arch: Arch, prefix: string): readonly NamedConstant[] {
  return [...constantsOf(arch)]
    .filter(([name]) => name.startsWith(prefix))
    .map(([name, value]) => ({ name, value }));
}

/**
 * Why a name the headers define has no value for `arch` (e.g. `TCGETS2` on aarch64: its
 * _IOR size is a struct only the target compiler can measure), or undefined.
 */
export function unevaluatedConstantReason(arch: Arch, name: string): string | undefined {
  const reasons: Readonly<Record<string, string>> = ARCH_TABLES[arch].unevaluated;
  return Object.hasOwn(reasons, name) ? reasons[name] : undefined;
}
