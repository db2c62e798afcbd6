import { disassemble, toCArray, toHex, toJson } from '../../app/bpf/disasm';
import type { BpfProgram } from '../../app/bpf/program';
import type { Arch } from '../../app/linux/syscalls';
import type { CompileFormat } from './args';
import { EXIT_OK } from './cli-error';
import { writeLines, type CliIo } from './cli-io';
import { compileLoadedPolicy } from './policy-compile';
import { loadPolicy } from './policy-input';

export interface CompileOptions {
  readonly policy: string;
  readonly format: CompileFormat;
  /** Compile only this of the policy's arches. */
  readonly arch?: Arch;
}

/** `compile`: the policy's seccomp filter, compiled and verified, in the chosen format. */
export async function compileCommand(options: CompileOptions, io: CliIo): Promise<number> {
  const loaded = await loadPolicy(options.policy);
  const { compiled, notes } = compileLoadedPolicy(loaded, options.arch);
  writeLines(io.stderr, [...new Set([...loaded.notes, ...notes])]);
  const { stats } = compiled;
  if (stats.unresolved.length > 0) {
    const names = stats.unresolved.join(', ');
    io.stderr(
      `${loaded.file}: warning: ${compiled.arches.join(', ')} has no syscall named ${names}\n`,
    );
  }
  writeLines(io.stdout, [formatProgram(compiled.program, options.format, compiled.arch).trimEnd()]);
  io.stderr(`${compiled.arches.join(', ')}: ${stats.instructions} instructions, verified\n`);
  return EXIT_OK;
}

export function formatProgram(program: BpfProgram, format: CompileFormat, arch: Arch): string {
  switch (format) {
    case 'disasm':
      return disassemble(program, arch);
    case 'hex':
      return toHex(program);
    case 'c-array':
      return toCArray(program, 'filter', arch);
    case 'json':
      return toJson(program);
  }
}
