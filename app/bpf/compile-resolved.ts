import { BPF } from '../linux/constants';
import type { Arch } from '../linux/syscalls';
import type { SeccompAction } from '../policy/model';
import type { ResolvedPolicy } from '../policy/resolved';
import { actionReturnValue } from './actions';
import { assemble } from './compile-assemble';
import { longestPath, tooLongMessage } from './compile-limits';
import { groupSections, ProgramBuilder } from './compile-program';
import type { BpfProgram } from './program';
import { verifyProgram } from './verify';

export class CompileError extends Error {
  override readonly name = 'CompileError';
}

export interface CompileOptions {
  /** Compile only these of the policy's arches (others then get the bad-arch action). */
  readonly arches?: readonly Arch[];
  /** Replaces the policy's bad-arch action. */
  readonly badArchAction?: SeccompAction;
  /** @deprecated Old name of `badArchAction`. */
  readonly foreignArchAction?: SeccompAction;
  /**
   * @deprecated x32 numbers on x86_64 get the bad-arch action unless the policy lists x32; this
   * old option must equal the bad-arch action.
   */
  readonly x32Action?: SeccompAction;
  /**
   * How often each `seccomp_data.nr` is seen on the first compiled arch's AUDIT_ARCH (x86_64 and
   * x32 share one). With it the dispatch minimizes the expected instructions run instead of being
   * balanced.
   */
  readonly weights?: ReadonlyMap<number, number>;
}

export interface CompileStats {
  readonly instructions: number;
  /** Number ranges with one verdict each in the syscall-number dispatch, over all arches. */
  readonly ranges: number;
  /** Instructions executed on the longest path through the program. */
  readonly maxExecuted: number;
  /** Syscalls with argument checks, as distinct blocks of code. */
  readonly argumentBlocks: number;
  /** Syscall names the policy lists that a compiled arch does not have; they cannot be called there. */
  readonly unresolved: readonly string[];
}

export interface CompiledFilter {
  /** The first compiled arch (the native one, by convention listed first). */
  readonly arch: Arch;
  readonly arches: readonly Arch[];
  readonly program: BpfProgram;
  readonly stats: CompileStats;
}

function badArchActionOf(policy: ResolvedPolicy, options: CompileOptions): SeccompAction {
  const action = options.badArchAction ?? options.foreignArchAction ?? policy.badArchAction;
  const x32 = options.x32Action;
  if (x32 && actionReturnValue(x32) !== actionReturnValue(action)) {
    throw new CompileError(
      'x32 numbers get the bad-arch action unless the policy lists x32; a separate x32Action is gone',
    );
  }
  return action;
}

/**
 * Compiles a resolved policy to one seccomp program for all its arches, with the meaning
 * `interpretResolved` gives it: `A = arch` and a JEQ per AUDIT_ARCH (others: bad-arch action);
 * per AUDIT_ARCH `A = nr` and a search tree over all 2^32 numbers (on x86_64, x32's range from
 * __X32_SYSCALL_BIT up is part of it: x32's rules when listed, else the bad-arch action). Leaves
 * are `RET K` for argument-free verdicts, or blocks of argument checks placed after the search,
 * one copy per distinct block. Argument-free paths use only `LD W ABS` nr/arch, `JEQ/JGE K` and
 * `RET K`, so the kernel's action cache proves every plain ALLOW constant. The tree minimizes the
 * expected instructions run: with `options.weights` (how often each syscall is called, e.g. from a
 * recorded trace) as measured; without, every syscall the policy lets run is taken as equally
 * likely and each one it denies as much rarer (a program that runs cleanly rarely makes them).
 */
export function compileResolved(
  policy: ResolvedPolicy,
  options: CompileOptions = {},
): CompiledFilter {
  const wanted = options.arches;
  const selected = wanted ? policy.arches.filter((p) => wanted.includes(p.arch)) : policy.arches;
  const badRet = actionReturnValue(badArchActionOf(policy, options));
  const weighted = selected[0];
  const builder = new ProgramBuilder(
    badRet,
    options.weights && weighted
      ? { audit: weighted.auditArch >>> 0, counts: options.weights }
      : undefined,
  );
  for (const group of groupSections(selected)) builder.addSection(group);
  builder.emitArchDispatch();
  builder.sections.forEach((_, i) => builder.emitSection(i));
  const program = assemble(builder.w.items);
  const arches = selected.map((p) => p.arch);
  if (program.length > BPF.BPF_MAXINSNS) {
    throw new CompileError(tooLongMessage(program.length, builder.blocks.values(), arches));
  }
  const verdict = verifyProgram(program);
  if (!verdict.ok) {
    const first = verdict.errors[0];
    throw new CompileError(`internal: the compiled filter fails verification: ${first?.message}`);
  }
  return {
    arch: arches[0] ?? 'x86_64',
    arches,
    program,
    stats: {
      instructions: program.length,
      ranges: builder.ranges,
      maxExecuted: longestPath(program),
      argumentBlocks: builder.blocks.size,
      unresolved: [...new Set(selected.flatMap((p) => p.unresolved))],
    },
  };
}
