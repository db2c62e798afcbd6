import { open } from 'node:fs/promises';
import { assemble, type AsmError } from '../../app/bpf/asm';
import { decodeProgram, EncodingError } from '../../app/bpf/encode';
import type { BpfProgram } from '../../app/bpf/program';
import type { Arch } from '../../app/linux/syscalls';
import { describeFsError } from '../backend/read-policy-file';
import { CliError, EXIT_USAGE } from './cli-error';
import type { CliIo } from './cli-io';

/** 4096 instructions of 8 bytes is the largest filter; text forms are larger but not by 100×. */
export const MAX_PROGRAM_BYTES = 4_000_000;

export interface ProgramFile {
  /** The name to show in messages (`-` is `standard input`). */
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** Reads FILE (or stdin for `-`) whole, refusing anything that cannot be a filter. */
export async function readProgramFile(file: string, io: CliIo): Promise<ProgramFile> {
  if (file === '-') {
    if (!io.readStdin) throw new CliError('cannot read standard input here', EXIT_USAGE);
    const bytes = await io.readStdin();
    return { name: 'standard input', bytes: checkSize('standard input', bytes) };
  }
  const handle = await open(file, 'r').catch((error: unknown) => {
    throw new CliError(`cannot open ${file}: ${describeFsError(error)}`, EXIT_USAGE);
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new CliError(`cannot open ${file}: not a regular file`, EXIT_USAGE);
    if (info.size > MAX_PROGRAM_BYTES) throw tooLarge(file);
    return { name: file, bytes: checkSize(file, new Uint8Array(await handle.readFile())) };
  } finally {
    await handle.close();
  }
}

function tooLarge(name: string): CliError {
  return new CliError(`${name} is too large to be a seccomp filter`, EXIT_USAGE);
}

function checkSize(name: string, bytes: Uint8Array): Uint8Array {
  if (bytes.length > MAX_PROGRAM_BYTES) throw tooLarge(name);
  return bytes;
}

/** UTF-8 text without NUL bytes, or undefined for binary data. */
export function asText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

export function formatAsmErrors(name: string, errors: readonly AsmError[]): string {
  return errors.map((e) => `${name}:${e.line}:${e.column}: error: ${e.message}`).join('\n');
}

/**
 * A program from a file: raw `struct sock_filter` bytes (what seccomp-tools and libseccomp's
 * export_bpf write, and what PTRACE_SECCOMP_GET_FILTER returns), or any text the assembler reads
 * (`toHex` lines, a listing, C initializers, assembly). Not verified: callers decide.
 */
export function parseProgram(file: ProgramFile, arch?: Arch): BpfProgram {
  const text = asText(file.bytes);
  if (text === undefined) {
    try {
      return decodeProgram(file.bytes);
    } catch (error) {
      if (error instanceof EncodingError) {
        throw new CliError(`${file.name}: ${error.message}`, EXIT_USAGE);
      }
      throw error;
    }
  }
  const result = assemble(text, { verify: false, ...(arch ? { arch } : {}) });
  if (result.errors) throw new CliError(formatAsmErrors(file.name, result.errors), EXIT_USAGE);
  return result.program;
}
