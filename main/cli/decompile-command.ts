import { decompile, DecompileError } from '../../app/bpf/decompile';
import type { Arch } from '../../app/linux/syscalls';
import { CliError, EXIT_OK, EXIT_USAGE } from './cli-error';
import { writeLines, type CliIo } from './cli-io';
import { parseProgram, readProgramFile } from './program-input';

export interface DecompileOptions {
  readonly file: string;
  readonly arch?: Arch;
}

/**
 * `decompile`: a filter (ours, libseccomp's, one read back from a process) as a policy that gives
 * every syscall the same verdict. What a policy cannot say exactly is printed on stderr (and is in
 * the policy's header comment).
 */
export async function decompileCommand(options: DecompileOptions, io: CliIo): Promise<number> {
  const file = await readProgramFile(options.file, io);
  const program = parseProgram(file, options.arch);
  let result: ReturnType<typeof decompile>;
  try {
    result = decompile(program, {
      ...(options.arch ? { arch: options.arch } : {}),
      source: file.name === 'standard input' ? undefined : file.name,
    });
  } catch (error) {
    if (error instanceof DecompileError) {
      throw new CliError(`${file.name}: error: ${error.message}`, EXIT_USAGE);
    }
    throw error;
  }
  io.stdout(result.policyText);
  writeLines(
    io.stderr,
    result.warnings.map((w) => `${file.name}: warning: ${w}`),
  );
  return EXIT_OK;
}
