import { ARCH_TABLES, type Arch } from './arch-tables';
import { SUPPORTED_ARCHES } from './arches';

export type { Arch } from './arch-tables';
export { SUPPORTED_ARCHES } from './arches';

export interface SyscallEntry {
  readonly name: string;
  readonly nr: number;
}

interface SyscallTable {
  /** Every accepted name, aliases included. */
  readonly byName: ReadonlyMap<string, number>;
  /** One canonical name per number. */
  readonly byNumber: ReadonlyMap<number, string>;
  /** Canonical entries in number order. */
  readonly entries: readonly SyscallEntry[];
}

function indexTable(arch: Arch): SyscallTable {
  const table = ARCH_TABLES[arch];
  const entries = Object.entries(table.syscalls)
    .map(([name, nr]) => ({ name, nr }))
    .sort((a, b) => a.nr - b.nr);
  const byName = new Map(entries.map((e) => [e.name, e.nr]));
  for (const [alias, target] of Object.entries(table.syscallAliases)) {
    const nr = byName.get(target);
    if (nr === undefined) throw new Error(`${arch}: alias ${alias} of unknown syscall ${target}`);
    byName.set(alias, nr);
  }
  return { byName, byNumber: new Map(entries.map((e) => [e.nr, e.name])), entries };
}

const tables = new Map<Arch, SyscallTable>(SUPPORTED_ARCHES.map((a) => [a, indexTable(a)]));

function tableOf(arch: Arch): SyscallTable {
  const table = tables.get(arch);
  if (!table) throw new Error(`no syscall table for ${String(arch)}`);
  return table;
}

/**
 * The number the kernel sees in seccomp_data.nr for `name` on `arch` (x32 numbers include
 * __X32_SYSCALL_BIT), or undefined when the arch has no such syscall. Aliases are accepted.
 */
export function syscallNumber(arch: Arch, name: string): number | undefined {
  return tableOf(arch).byName.get(name);
}

/** The canonical name of `nr` on `arch`. */
export function syscallName(arch: Arch, nr: number): string | undefined {
  return tableOf(arch).byNumber.get(nr);
}

/** Name for display: the table's name, or `nr_N` for numbers the headers do not know. */
export function displaySyscallName(arch: Arch, nr: number): string {
  return syscallName(arch, nr) ?? `nr_${nr}`;
}

/** Every name `syscallNumber` accepts on `arch`, aliases included, in number order. */
export function syscallNames(arch: Arch): readonly string[] {
  return [...tableOf(arch).byName.keys()];
}

/** One entry per syscall number of `arch` (canonical names only), in number order. */
export function syscallEntries(arch: Arch): readonly SyscallEntry[] {
  return tableOf(arch).entries;
}

/** Where the x86_64 syscall table came from, for diagnostics and the about box. */
export const SYSCALL_TABLE_SOURCE: string = ARCH_TABLES.x86_64.source;
