import { assemble } from '../bpf/asm';
import { decompile, DecompileError, type DecompileOptions } from '../bpf/decompile';
import { disassemble } from '../bpf/disasm';
import { decodeProgram, EncodingError } from '../bpf/encode';
import type { BpfProgram } from '../bpf/program';
import type { Arch } from '../linux/syscalls';
import { FormatError, lineRange, type PolicyImport } from './format-result';

/*
 * A raw seccomp filter as a policy: binary `struct sock_filter` bytes (what seccomp-tools and
 * libseccomp's export_bpf write, and what PTRACE_SECCOMP_GET_FILTER returns) or any text the
 * assembler reads (seccomp-tools style assembly or listings, hex lines, C initializers),
 * disassembled and decompiled into a policy with the same verdict for every input.
 */

export interface RawBpfImportOptions {
  /** The ABI to assume where the filter never tests the arch. Default x86_64. */
  readonly arch?: Arch;
  /** What the filter came from, for the header comment. */
  readonly source?: string;
  readonly budget?: DecompileOptions['budget'];
}

export interface RawBpfImport extends PolicyImport {
  readonly program: BpfProgram;
  /** The disassembly listing of the filter. */
  readonly disassembly: string;
}

/** The bytes as UTF-8 text, or undefined for binary data (NUL bytes or invalid UTF-8). */
function asText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return decodeURIComponent(
      Array.from(bytes, (b) => `%${b.toString(16).padStart(2, '0')}`).join(''),
    );
  } catch {
    return undefined;
  }
}

function program(input: Uint8Array | string, arch: Arch | undefined): BpfProgram {
  const text = typeof input === 'string' ? input : asText(input);
  if (text === undefined) {
    try {
      return decodeProgram(input as Uint8Array);
    } catch (error) {
      if (error instanceof EncodingError) throw new FormatError(error.message);
      throw error;
    }
  }
  const result = assemble(text, { verify: false, ...(arch ? { arch } : {}) });
  if (result.errors) {
    const [first] = result.errors;
    const range = first ? lineRange(text, first.line, first.column) : undefined;
    throw new FormatError(first?.message ?? 'not a seccomp filter', range);
  }
  return result.program;
}

/** `import bpf`: a raw filter (bytes or text) decompiled into policy text. Throws FormatError. */
export function importRawBpf(
  input: Uint8Array | string,
  options: RawBpfImportOptions = {},
): RawBpfImport {
  const filter = program(input, options.arch);
  try {
    const decompiled = decompile(filter, {
      ...(options.arch ? { arch: options.arch } : {}),
      ...(options.source ? { source: options.source } : {}),
      ...(options.budget ? { budget: options.budget } : {}),
    });
    return {
      policyText: decompiled.policyText,
      warnings: decompiled.warnings.map((message) => ({ message })),
      program: filter,
      disassembly: disassemble(filter, options.arch ?? 'x86_64'),
    };
  } catch (error) {
    if (error instanceof DecompileError) throw new FormatError(error.message);
    throw error;
  }
}
