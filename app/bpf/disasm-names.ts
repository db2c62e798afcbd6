import { AUDIT_ARCH, X86 } from '../linux/constants';
import { archForAudit, archInfo, isArch } from '../linux/arches';
import { syscallName, syscallNumber, type Arch } from '../linux/syscalls';

/**
 * Names of `seccomp_data.arch` values and syscall numbers as the disassembler prints them and the
 * assembler reads them back (seccomp-tools spelling): `ARCH_X86_64`, `read`, `i386.fork` for a
 * syscall of another arch than the listing's, `x32_read` for an x32-ABI number on x86_64.
 */

/** `__X32_SYSCALL_BIT`: x32-ABI numbers carry it under AUDIT_ARCH_X86_64. */
export const X32_BIT: number = X86.__X32_SYSCALL_BIT;

const X32_PREFIX = 'x32_';

const archNames = new Map<number, string>();
for (const [name, value] of Object.entries(AUDIT_ARCH)) {
  if (!archNames.has(value)) archNames.set(value, name.replace(/^AUDIT_/, ''));
}

/** `ARCH_X86_64` for 0xc000003e; undefined for values audit.h does not name. */
export function auditArchName(value: number): string | undefined {
  return archNames.get(value >>> 0);
}

/** `ARCH_X86_64` or `AUDIT_ARCH_X86_64` → its value. */
export function auditArchByName(name: string): number | undefined {
  const key = name.startsWith('AUDIT_') ? name : `AUDIT_${name}`;
  return Object.hasOwn(AUDIT_ARCH, key) ? AUDIT_ARCH[key as keyof typeof AUDIT_ARCH] : undefined;
}

/** The arch whose audit value a listing for `arch` assumes when the program never tests it. */
const familyOf = (arch: Arch): number => archInfo(arch).auditArch;

/** The ABI of syscall `nr` under an audit arch (x86_64 or x32 under AUDIT_ARCH_X86_64). */
export const abiOf = archForAudit;

/**
 * The name of syscall `nr` for a listing of `defaultArch`, given the audit arch the path to this
 * comparison established (undefined: not tested, so the listing's arch is assumed).
 */
export function syscallLabel(
  nr: number,
  auditArch: number | undefined,
  defaultArch: Arch,
): string | undefined {
  const family = auditArch ?? familyOf(defaultArch);
  const abi = abiOf(family, nr);
  if (abi === undefined) return undefined;
  const name = syscallName(abi, nr);
  if (name === undefined) return undefined;
  const spelled = abi === 'x32' ? `${X32_PREFIX}${name}` : name;
  if (family === familyOf(defaultArch)) return spelled;
  const prefix = abi === 'x32' ? 'x86_64' : abi;
  return `${prefix}.${spelled}`;
}

/** Reads a name `syscallLabel` printed (or a user wrote) back to its number. */
export function syscallByLabel(
  label: string,
  auditArch: number | undefined,
  defaultArch: Arch,
): number | undefined {
  const dot = label.indexOf('.');
  let family = auditArch ?? familyOf(defaultArch);
  let name = label;
  if (dot >= 0) {
    const prefix = label.slice(0, dot);
    if (!isArch(prefix)) return undefined;
    family = familyOf(prefix);
    name = label.slice(dot + 1);
  }
  if (name.startsWith(X32_PREFIX) && family === familyOf('x32')) {
    const x32 = syscallNumber('x32', name.slice(X32_PREFIX.length));
    if (x32 !== undefined) return x32;
  }
  const abi = abiOf(family, 0);
  return abi === undefined ? undefined : syscallNumber(abi, name);
}
