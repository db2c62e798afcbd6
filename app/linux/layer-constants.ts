import { ARCH_TABLES, type Arch } from './arch-tables';

/**
 * Kernel numbers of the sandbox layers: capabilities (CAP_*), Landlock (LANDLOCK_*) and resource
 * limits (RLIMIT_*), from the generated per-arch tables. The launcher applies them on the machine
 * it runs on, whatever arches the seccomp filter covers, so these are read once and required to
 * be the same on every arch the studio knows (they are: asm-generic and arch-independent uapi).
 */

function uniformConstants(prefix: string): ReadonlyMap<string, bigint> {
  const arches = Object.keys(ARCH_TABLES) as Arch[];
  const [first, ...others] = arches.map((arch) => withPrefix(arch, prefix));
  if (!first || first.size === 0) throw new Error(`no ${prefix}* constants in the tables`);
  for (const [index, other] of others.entries()) {
    for (const [name, value] of first) {
      if (other.get(name) !== value) {
        throw new Error(`${name} differs on ${arches[index + 1]}: the launcher needs one value`);
      }
    }
  }
  return first;
}

function withPrefix(arch: Arch, prefix: string): Map<string, bigint> {
  const entries = Object.entries(ARCH_TABLES[arch].constants)
    .filter(([name]) => name.startsWith(prefix))
    .map(([name, text]) => [name, BigInt(text)] as const);
  return new Map(entries);
}

function small(map: ReadonlyMap<string, bigint>): ReadonlyMap<string, number> {
  return new Map([...map].map(([name, value]) => [name, Number(value)]));
}

/** CAP_* numbers, CAP_LAST_CAP included. */
export const CAPABILITY: ReadonlyMap<string, number> = small(uniformConstants('CAP_'));

/** RLIMIT_* resource numbers. */
export const RLIMIT: ReadonlyMap<string, number> = small(uniformConstants('RLIMIT_'));

/** LANDLOCK_* numbers: access-right bits (u64), rule types, flags. */
export const LANDLOCK: ReadonlyMap<string, bigint> = uniformConstants('LANDLOCK_');

/** A LANDLOCK_* number the code relies on; its absence means the tables are stale. */
export function landlockConstant(name: string): bigint {
  const value = LANDLOCK.get(name);
  if (value === undefined) throw new Error(`${name} is not in the generated tables: npm run gen`);
  return value;
}
