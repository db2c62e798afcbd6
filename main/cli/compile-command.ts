import { CompileError, compilePolicy } from '../../app/bpf/compile';
import { disassemble, toHex, toJson } from '../../app/bpf/disasm';
import { verifyProgram } from '../../app/bpf/verify';
import type { CompileFormat } from './args';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './cli-error';
import { writeLines, type CliIo } from './cli-io';
import { loadPolicy } from './policy-input';

export interface CompileOptions {
  readonly policy: string;
  readonly format: CompileFormat;
}

/** `compile`: the policy's seccomp filter, compiled and verified, in the chosen format. */
export async function compileCommand(options: CompileOptions, io: CliIo): Promise<number> {
  const loaded = await loadPolicy(options.policy);
  writeLines(io.stderr, loaded.notes);
  let compiled: ReturnType<typeof compilePolicy>;
  try {
    compiled = compilePolicy(loaded.policy);
  } catch (error) {
    if (error instanceof CompileError) {
      throw new CliError(`${loaded.file}: error: ${error.message}`, EXIT_USAGE);
    }
    throw error;
  }
  const verdict = verifyProgram(compiled.program);
  if (!verdict.ok) {
    // A filter the compiler produced but the kernel would refuse is our bug, not the user's.
    const problems = verdict.errors.map((e) => `  ${e.message}`);
    throw new CliError(
      [`internal error: the compiled filter does not verify:`, ...problems].join('\n'),
      EXIT_FAILURE,
    );
  }
  const { stats } = compiled;
  if (stats.unresolved.length > 0) {
    const names = stats.unresolved.join(', ');
    io.stderr(`${loaded.file}: warning: ${compiled.arch} has no syscall named ${names}\n`);
  }
  writeLines(io.stdout, [formatProgram(compiled.program, options.format).trimEnd()]);
  io.stderr(`${compiled.arch}: ${stats.instructions} instructions, verified\n`);
  return EXIT_OK;
}

function formatProgram(
  program: ReturnType<typeof compilePolicy>['program'],
  format: CompileFormat,
): string {
  switch (format) {
    case 'disasm':
      return disassemble(program);
    case 'hex':
      return toHex(program);
    case 'json': {
      const json: unknown = toJson(program);
      return typeof json === 'string' ? json : JSON.stringify(json, null, 2);
    }
  }
}
