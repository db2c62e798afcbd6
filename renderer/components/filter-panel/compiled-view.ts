import {
  CompileError,
  compilePolicy,
  resolveForCompile,
  type CompileStats,
} from '../../../app/bpf/compile';
import { describeProgram } from '../../../app/bpf/disasm-text';
import { filterGraph, type FilterGraph } from '../../../app/bpf/filter-graph';
import type { BpfProgram } from '../../../app/bpf/program';
import { instructionOrigins, type InstructionOrigins } from '../../../app/bpf/rule-instructions';
import type { Arch } from '../../../app/linux/syscalls';
import type { Policy } from '../../../app/policy/model';

/** Everything the filter panel shows for one arch of a policy. */
export interface CompiledView {
  readonly arch: Arch;
  readonly program: BpfProgram;
  /** The disassembly text of each instruction. */
  readonly listing: readonly string[];
  readonly stats: CompileStats;
  readonly origins: InstructionOrigins;
  readonly graph: FilterGraph;
}

export type CompiledViewResult =
  | { readonly ok: true; readonly view: CompiledView }
  | { readonly ok: false; readonly error: string };

/** The arches the panel offers: those the policy lists (x86_64 without a seccomp section). */
export function panelArches(policy: Policy | undefined): readonly Arch[] {
  return policy?.linux.seccomp?.arch ?? ['x86_64'];
}

/**
 * The policy compiled for `arch` alone, as the compiler would emit that arch's part of the filter,
 * with its disassembly, decision graph and which rule produced which instruction. A compile error
 * (a program over the kernel's 4096 instructions) is a result, not an exception.
 */
export function compiledView(policy: Policy, arch: Arch): CompiledViewResult {
  try {
    const filter = compilePolicy(policy, arch);
    const origins = instructionOrigins(filter.program, resolveForCompile(policy), filter.arches);
    return {
      ok: true,
      view: {
        arch,
        program: filter.program,
        listing: describeProgram(filter.program, arch),
        stats: filter.stats,
        origins,
        graph: filterGraph(filter.program, arch),
      },
    };
  } catch (error) {
    if (error instanceof CompileError) return { ok: false, error: error.message };
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `internal error while compiling: ${message}` };
  }
}
