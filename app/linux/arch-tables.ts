import aarch64 from '../generated/linux-arch-aarch64.json';
import arm from '../generated/linux-arch-arm.json';
import i386 from '../generated/linux-arch-i386.json';
import riscv64 from '../generated/linux-arch-riscv64.json';
import x32 from '../generated/linux-arch-x32.json';
import x86_64 from '../generated/linux-arch-x86_64.json';

/**
 * The ABIs the studio compiles filters for. `x32` is the x86_64 kernel's ILP32 ABI: it shares
 * AUDIT_ARCH_X86_64 and is told apart by __X32_SYSCALL_BIT in the syscall number.
 */
export type Arch = 'x86_64' | 'i386' | 'x32' | 'aarch64' | 'arm' | 'riscv64';

/**
 * One arch's generated table (scripts/gen-linux-tables.mjs → app/generated/linux-arch-*.json).
 * Constants are decimal strings because JSON numbers lose precision above 2^53.
 */
export interface ArchTable {
  readonly source: string;
  readonly arch: string;
  readonly auditArch: number;
  /** Width of seccomp_data.args values on this ABI (x32 passes full 64-bit registers). */
  readonly bits: number;
  /** Width of C `long` (and pointers) on this ABI. */
  readonly longBits: number;
  /** Bit set in every syscall number of the ABI (x32's __X32_SYSCALL_BIT). */
  readonly syscallBase?: number;
  readonly syscalls: Readonly<Record<string, number>>;
  /** Second names of a syscall, e.g. arm's sync_file_range2 → arm_sync_file_range. */
  readonly syscallAliases: Readonly<Record<string, string>>;
  readonly constants: Readonly<Record<string, string>>;
  /** Constants the headers define but only the target's compiler can evaluate, with why. */
  readonly unevaluated: Readonly<Record<string, string>>;
}

/** In the order the UI lists them: the host-native ABI first, its compat ABIs, then the others. */
export const ARCH_TABLES: Readonly<Record<Arch, ArchTable>> = {
  x86_64,
  i386,
  x32,
  aarch64,
  arm,
  riscv64,
};
