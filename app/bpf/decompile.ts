import type { Arch } from '../linux/syscalls';
import { DecompileError, DEFAULT_BUDGET, explorePaths, type PathBudget } from './decompile-paths';
import { buildPolicy, type DecompiledPolicy } from './decompile-policy';
import { policyYaml } from './decompile-yaml';
import type { BpfProgram } from './program';
import { verifyProgram } from './verify';

export { DecompileError } from './decompile-paths';
export type { DecompiledPolicy, DecompiledRule } from './decompile-policy';

/**
 * The decompiler: any seccomp filter the kernel accepts (ours, libseccomp's, one read back from a
 * process) → a policy with the same verdict for every input. The filter is executed symbolically
 * over all of `seccomp_data` (decompile-paths.ts), its paths are grouped by arch and syscall
 * number into verdicts with argument conditions (decompile-policy.ts), and written as YAML.
 * Whatever a policy cannot say exactly is listed in `warnings` (and as comments in the text).
 */
export interface DecompileOptions {
  /** The ABI to assume when the filter never tests `seccomp_data.arch` (default x86_64). */
  readonly arch?: Arch;
  /** Limits on the symbolic execution; beyond them, a DecompileError. */
  readonly budget?: PathBudget;
  /** What the filter came from (a file name), for the header comment. */
  readonly source?: string;
}

export interface Decompiled {
  readonly policyText: string;
  readonly warnings: string[];
}

/** The filter as a policy model; throws DecompileError for unverifiable or too complex filters. */
export function decompileToModel(p: BpfProgram, options: DecompileOptions = {}): DecompiledPolicy {
  const verdict = verifyProgram(p);
  if (!verdict.ok) {
    const problems = verdict.errors.map((e) => e.message).join('; ');
    throw new DecompileError(`the kernel would refuse this filter: ${problems}`);
  }
  const leaves = explorePaths(p, options.budget ?? DEFAULT_BUDGET);
  return buildPolicy(leaves, { arch: options.arch ?? 'x86_64' });
}

/** The filter as policy YAML, with the warnings also returned on their own. */
export function decompile(p: BpfProgram, options: DecompileOptions = {}): Decompiled {
  const policy = decompileToModel(p, options);
  const source = options.source ?? `a ${p.length}-instruction seccomp filter`;
  return { policyText: policyYaml(policy, { source }), warnings: [...policy.warnings] };
}
