import { archInfo } from '../linux/arches';
import { X86 } from '../linux/constants';
import type { Arch } from '../linux/syscalls';
import type { Policy } from '../policy/model';
import { PolicyResolveError, resolvePolicy } from '../policy/resolve';
import type { ResolvedPolicy } from '../policy/resolved';
import {
  CompileError,
  compileResolved,
  type CompiledFilter,
  type CompileOptions,
} from './compile-resolved';

export { longestPath } from './compile-limits';
export {
  CompileError,
  compileResolved,
  type CompiledFilter,
  type CompileOptions,
  type CompileStats,
} from './compile-resolved';

/**
 * `__X32_SYSCALL_BIT` (asm/unistd.h): x32-ABI syscall numbers on x86_64 carry this bit. Numbers
 * at or above it (unsigned) belong to x32; they get the bad-arch action unless x32 is listed.
 */
export const X32_SYSCALL_BIT: number = X86.__X32_SYSCALL_BIT;

export function auditArchOf(arch: Arch): number {
  return archInfo(arch).auditArch;
}

/**
 * The policy as the compiler sees it: `resolvePolicy` (cached per policy object), its errors
 * reported as a CompileError naming the first one's line.
 */
export function resolveForCompile(policy: Policy): ResolvedPolicy {
  try {
    return resolvePolicy(policy);
  } catch (error) {
    if (!(error instanceof PolicyResolveError)) throw error;
    const first = error.diagnostics.find((d) => d.severity === 'error');
    const where = first ? `line ${first.range.start.line}: ` : '';
    throw new CompileError(`${where}${first?.message ?? error.message}`);
  }
}

/**
 * Compiles the policy's seccomp section into one filter for the arches it lists (see
 * `compileResolved`). The second argument may name a single arch to compile.
 */
export function compilePolicy(
  policy: Policy,
  archOrOptions?: Arch | CompileOptions,
  options: CompileOptions = {},
): CompiledFilter {
  const merged: CompileOptions =
    typeof archOrOptions === 'string'
      ? { ...options, arches: [archOrOptions] }
      : { ...archOrOptions, ...options };
  return compileResolved(resolveForCompile(policy), merged);
}
