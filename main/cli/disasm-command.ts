import { disassemble } from '../../app/bpf/disasm';
import { verifyProgram } from '../../app/bpf/verify';
import type { Arch } from '../../app/linux/syscalls';
import { EXIT_OK } from './cli-error';
import { writeLines, type CliIo } from './cli-io';
import { parseProgram, readProgramFile } from './program-input';

export interface DisasmOptions {
  readonly file: string;
  readonly arch?: Arch;
}

/**
 * `disasm`: the seccomp-tools listing of a filter. A filter the kernel would refuse is still
 * listed (that is how one finds out why), with the verifier's findings on stderr.
 */
export async function disasmCommand(options: DisasmOptions, io: CliIo): Promise<number> {
  const file = await readProgramFile(options.file, io);
  const program = parseProgram(file, options.arch);
  io.stdout(disassemble(program, options.arch ?? 'x86_64'));
  const verdict = verifyProgram(program);
  if (!verdict.ok) {
    writeLines(io.stderr, [
      `${file.name}: warning: the kernel would refuse this filter:`,
      ...verdict.errors.map((e) => `  ${e.message}`),
    ]);
  }
  return EXIT_OK;
}
