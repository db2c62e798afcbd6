import { assemble } from '../../app/bpf/asm';
import { toHex } from '../../app/bpf/disasm';
import { encodeProgram } from '../../app/bpf/encode';
import type { Arch } from '../../app/linux/syscalls';
import type { AsmFormat } from './args';
import { CliError, EXIT_OK, EXIT_USAGE } from './cli-error';
import type { CliIo } from './cli-io';
import { asText, formatAsmErrors, readProgramFile } from './program-input';

export interface AsmOptions {
  readonly file: string;
  readonly format: AsmFormat;
  readonly arch?: Arch;
}

/**
 * `asm`: assembles seccomp-tools style text (or a listing, hex, C) into a verified filter, printed
 * as hex lines or written as raw `struct sock_filter` bytes.
 */
export async function asmCommand(options: AsmOptions, io: CliIo): Promise<number> {
  const file = await readProgramFile(options.file, io);
  const text = asText(file.bytes);
  if (text === undefined) {
    throw new CliError(
      `${file.name} is not text (to list a binary filter, use disasm)`,
      EXIT_USAGE,
    );
  }
  const result = assemble(text, options.arch ? { arch: options.arch } : {});
  if (result.errors) throw new CliError(formatAsmErrors(file.name, result.errors), EXIT_USAGE);
  if (options.format === 'hex') {
    io.stdout(toHex(result.program));
  } else {
    if (!io.stdoutBytes) throw new CliError('cannot write binary output here', EXIT_USAGE);
    io.stdoutBytes(encodeProgram(result.program));
  }
  io.stderr(`${result.program.length} instructions, verified\n`);
  return EXIT_OK;
}
