import x86_64 from '../generated/linux-syscalls-x86_64.json';

/** Architectures the compiler can target today; later ones are added with their generated tables. */
export type Arch = 'x86_64';
export const SUPPORTED_ARCHES: readonly Arch[] = ['x86_64'];

interface SyscallTable {
  readonly byName: ReadonlyMap<string, number>;
  readonly byNumber: ReadonlyMap<number, string>;
}

function indexTable(rows: Record<string, number>): SyscallTable {
  const entries = Object.entries(rows);
  return {
    byName: new Map(entries),
    byNumber: new Map(entries.map(([name, nr]) => [nr, name])),
  };
}

const tables: Record<Arch, SyscallTable> = { x86_64: indexTable(x86_64.syscalls) };

export function syscallNumber(arch: Arch, name: string): number | undefined {
  return tables[arch].byName.get(name);
}

export function syscallName(arch: Arch, nr: number): string | undefined {
  return tables[arch].byNumber.get(nr);
}

/** Name for display: the table's name, or `nr_N` for numbers the headers do not know. */
export function displaySyscallName(arch: Arch, nr: number): string {
  return syscallName(arch, nr) ?? `nr_${nr}`;
}

export function syscallNames(arch: Arch): readonly string[] {
  return [...tables[arch].byName.keys()];
}

/** Where the syscall table came from, for diagnostics and the about box. */
export const SYSCALL_TABLE_SOURCE: string = x86_64.source;
