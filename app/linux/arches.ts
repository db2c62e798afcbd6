import { ARCH_TABLES, type Arch, type ArchTable } from './arch-tables';

export type { Arch } from './arch-tables';

export interface ArchInfo {
  readonly name: Arch;
  /** AUDIT_ARCH_* value the kernel puts in seccomp_data.arch for this ABI. */
  readonly auditArch: number;
  /** Width of each seccomp_data.args value: 32 on i386 and arm, 64 elsewhere (also x32). */
  readonly bits: 32 | 64;
  /** Width of C `long` and pointers (32 on i386, x32 and arm). */
  readonly longBits: 32 | 64;
  /** Set in every syscall number of the ABI (x32: __X32_SYSCALL_BIT), when there is one. */
  readonly syscallBase?: number;
  /** Where the arch's tables came from (package, version, tool). */
  readonly source: string;
}

export const SUPPORTED_ARCHES: readonly Arch[] = Object.keys(ARCH_TABLES) as Arch[];

function width(arch: string, what: string, value: number): 32 | 64 {
  if (value !== 32 && value !== 64) throw new Error(`${arch}: ${what} is ${value}, not 32 or 64`);
  return value;
}

function toInfo(name: Arch, table: ArchTable): ArchInfo {
  return {
    name,
    auditArch: table.auditArch,
    bits: width(name, 'bits', table.bits),
    longBits: width(name, 'longBits', table.longBits),
    ...(table.syscallBase === undefined ? {} : { syscallBase: table.syscallBase }),
    source: table.source,
  };
}

const INFO: ReadonlyMap<Arch, ArchInfo> = new Map(
  SUPPORTED_ARCHES.map((name) => [name, toInfo(name, ARCH_TABLES[name])]),
);

export function isArch(name: string): name is Arch {
  return Object.hasOwn(ARCH_TABLES, name);
}

export function archInfo(arch: Arch): ArchInfo {
  const info = INFO.get(arch);
  if (!info) throw new Error(`unknown architecture ${String(arch)}`);
  return info;
}

/**
 * The ABI of a syscall as the kernel reports it in seccomp_data (`arch`, `nr`): x86_64 and x32
 * share AUDIT_ARCH_X86_64 and differ by x32's bit in `nr`. Undefined for other arches.
 */
export function archForAudit(auditArch: number, nr: number): Arch | undefined {
  const candidates = ABIS_BY_AUDIT_ARCH.get(auditArch >>> 0) ?? [];
  const withBase = candidates.find(
    (info) => info.syscallBase !== undefined && (nr & info.syscallBase) !== 0,
  );
  return (withBase ?? candidates.find((info) => info.syscallBase === undefined))?.name;
}

/** Called for every event of a run: the ABIs of each AUDIT_ARCH, looked up once. */
const ABIS_BY_AUDIT_ARCH: ReadonlyMap<number, readonly ArchInfo[]> = (() => {
  const byAudit = new Map<number, ArchInfo[]>();
  for (const info of INFO.values()) {
    const list = byAudit.get(info.auditArch >>> 0) ?? [];
    list.push(info);
    byAudit.set(info.auditArch >>> 0, list);
  }
  return byAudit;
})();
