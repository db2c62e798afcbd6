import type { Arch } from '../linux/syscalls';
import { describeProgram, fields, lineNumber } from './disasm-text';
import type { BpfInstruction, BpfProgram } from './program';

/**
 * seccomp-tools' `dump`/`disasm` listing: a header, then per instruction its index, the raw
 * `code jt jf k` fields and the C-like text of disasm-text.ts. `asm.ts` reads it back.
 */

export const LISTING_HEADER = ' line  CODE  JT   JF      K\n=================================';

/** The listing line of instruction `pc` with its text (for traces of executed instructions). */
export function listingLine(insn: BpfInstruction, pc: number, text: string): string {
  return ` ${lineNumber(pc)}: ${fields(insn)}  ${text}`;
}

/**
 * The seccomp-tools listing of a program, for `arch` (syscall names of other arches the program
 * dispatches to get an `arch.` prefix). Never throws: bad instructions are listed as `???`.
 */
export function disassemble(p: BpfProgram, arch: Arch = 'x86_64'): string {
  const texts = describeProgram(p, arch);
  const lines = p.map((insn, pc) => listingLine(insn, pc, texts[pc] ?? ''));
  return [LISTING_HEADER, ...lines].join('\n') + '\n';
}

/** The listing without the raw fields (seccomp-tools `--asm-able`): `0001: A = arch`. */
export function disassembleText(p: BpfProgram, arch: Arch = 'x86_64'): string {
  return describeProgram(p, arch)
    .map((text, pc) => `${lineNumber(pc)}: ${text}\n`)
    .join('');
}

/** One `code jt jf k` line per instruction, in hex. */
export function toHex(p: BpfProgram): string {
  return p.map((insn) => `${fields(insn)}\n`).join('');
}

/** A JSON array of `{code, jt, jf, k}`, one instruction per line. */
export function toJson(p: BpfProgram): string {
  if (p.length === 0) return '[]\n';
  const rows = p.map(
    (insn) => `  {"code": ${insn.code}, "jt": ${insn.jt}, "jf": ${insn.jf}, "k": ${insn.k}}`,
  );
  return `[\n${rows.join(',\n')}\n]\n`;
}

export { toCArray } from './disasm-c';
export { describeProgram, returnValueName } from './disasm-text';
