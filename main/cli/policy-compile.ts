import { CompileError, compileResolved, type CompiledFilter } from '../../app/bpf/compile-resolved';
import { verifyProgram } from '../../app/bpf/verify';
import type { Arch } from '../../app/linux/syscalls';
import { resolvePolicyChecked } from '../../app/policy/resolve';
import { formatDiagnostic } from '../../app/policy/source-range';
import { CliError, EXIT_FAILURE, EXIT_USAGE } from './cli-error';
import type { LoadedPolicy } from './policy-input';

export interface PolicyFilter {
  readonly compiled: CompiledFilter;
  /** Findings of resolving the policy for its arches, `FILE:LINE:COL: warning: …`. */
  readonly notes: readonly string[];
}

/**
 * The policy's seccomp filter for all its arches (or only `arch`), compiled and verified.
 * Policy problems (exit 2) name the file and position; a filter that fails the kernel's rules is
 * the compiler's bug (exit 1).
 */
export function compileLoadedPolicy(loaded: LoadedPolicy, arch?: Arch): PolicyFilter {
  const outcome = resolvePolicyChecked(loaded.policy);
  const lines = outcome.diagnostics.map((d) => formatDiagnostic(loaded.file, d));
  if (!outcome.resolved) {
    throw new CliError(lines.join('\n') || `${loaded.file}: error: invalid policy`, EXIT_USAGE);
  }
  const listed = outcome.resolved.arches.map((a) => a.arch);
  if (arch !== undefined && !listed.includes(arch)) {
    throw new CliError(
      `${loaded.file}: error: the policy does not list ${arch} (it lists ${listed.join(', ')})`,
      EXIT_USAGE,
    );
  }
  let compiled: CompiledFilter;
  try {
    compiled = compileResolved(outcome.resolved, arch ? { arches: [arch] } : {});
  } catch (error) {
    if (error instanceof CompileError) {
      throw new CliError(`${loaded.file}: error: ${error.message}`, EXIT_USAGE);
    }
    throw error;
  }
  const verdict = verifyProgram(compiled.program);
  if (!verdict.ok) {
    const problems = verdict.errors.map((e) => `  ${e.message}`);
    throw new CliError(
      ['internal error: the compiled filter does not verify:', ...problems].join('\n'),
      EXIT_FAILURE,
    );
  }
  return { compiled, notes: lines };
}
