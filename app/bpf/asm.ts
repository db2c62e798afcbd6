import type { Arch } from '../linux/syscalls';
import { AsmSyntaxError } from './asm-lex';
import { readLine, type SourceLine } from './asm-lines';
import { parseStatement, type AsmTarget, type AsmValue, type Statement } from './asm-parse';
import { flowStates, UNKNOWN_STATE, type FlowState } from './disasm-flow';
import { syscallByLabel } from './disasm-names';
import { describeInstruction } from './disasm-text';
import { OP } from './encode';
import type { BpfInstruction, BpfProgram } from './program';
import { verifyProgram } from './verify';

/**
 * The assembler: reads back what the disassembler writes (the full listing, whose raw fields
 * rule and whose text must agree with them), `toHex` lines, C initializers, and seccomp-tools
 * style statements with labels (`A = arch`, `if (A != read) goto 0007 else goto 0003`,
 * `return ERRNO(EACCES)`). Never throws; every problem comes back with its line and column.
 */

export interface AsmError {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export type AsmResult =
  | { readonly program: BpfProgram; readonly errors?: undefined }
  | { readonly errors: readonly AsmError[]; readonly program?: undefined };

export interface AsmOptions {
  /** The arch bare syscall names belong to where the program has not tested the arch. */
  readonly arch?: Arch;
  /** Check the result with the kernel's rules (default true). */
  readonly verify?: boolean;
}

const MAX_CONDITIONAL_OFFSET = 0xff;

class Problem extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
  }
}

/** An instruction-producing line, at its final index. */
interface Slot {
  readonly pc: number;
  readonly line: SourceLine;
}

class Assembly {
  readonly errors: AsmError[] = [];
  readonly slots: Slot[] = [];
  private readonly labels = new Map<string, number>();
  private hasNumericLabels = false;

  constructor(
    lines: readonly SourceLine[],
    private readonly arch: Arch,
  ) {
    for (const line of lines) {
      for (const label of line.labels) this.define(label.name, label.numeric, line, label.column);
      if (line.content) this.slots.push({ pc: this.slots.length, line });
    }
  }

  private define(name: string, numeric: boolean, line: SourceLine, column: number): void {
    const key = numeric ? `#${name}` : name;
    if (this.labels.has(key)) {
      this.report(line.line, column, `label ${name} is defined twice`);
      return;
    }
    this.hasNumericLabels ||= numeric;
    this.labels.set(key, this.slots.length);
  }

  report(line: number, column: number, message: string): void {
    this.errors.push({ line, column, message });
  }

  private resolve(target: AsmTarget, pc: number): number {
    if (target.kind === 'next') return pc + 1;
    if (target.kind === 'label') {
      const at = this.labels.get(target.name);
      if (at === undefined) throw new Problem(`unknown label ${target.name}`, target.column);
      return at;
    }
    if (!this.hasNumericLabels) return target.number;
    const at = this.labels.get(`#${target.number}`);
    if (at === undefined) {
      throw new Problem(`no line is numbered ${target.number}`, target.column);
    }
    return at;
  }

  /** The forward offset from instruction `pc` to `target`. */
  offset(target: AsmTarget, pc: number, max: number): number {
    const to = this.resolve(target, pc);
    const column = target.kind === 'next' ? 1 : target.column;
    if (to <= pc) throw new Problem(`jumps only go forward; this one goes back to ${to}`, column);
    if (to >= this.slots.length) {
      throw new Problem(
        `the jump lands past the last instruction (${this.slots.length - 1})`,
        column,
      );
    }
    const offset = to - pc - 1;
    if (offset > max) {
      throw new Problem(
        `a conditional jump reaches at most ${max} instructions ahead; this one needs ${offset} (go to a nearer "goto" instead)`,
        column,
      );
    }
    return offset;
  }

  k(value: AsmValue, state: FlowState): number {
    if (value.kind === 'number') return value.value >>> 0;
    const nr = syscallByLabel(value.name, state.arch ?? undefined, this.arch);
    if (nr === undefined) {
      throw new Problem(
        `unknown syscall or constant "${value.name}" on ${this.arch}`,
        value.column,
      );
    }
    return nr;
  }

  /** The instruction a statement at `pc` encodes; names are resolved only when `state` is given. */
  encode(statement: Statement, pc: number, state?: FlowState): BpfInstruction {
    const k = (value: AsmValue): number =>
      value.kind === 'number' ? value.value >>> 0 : state ? this.k(value, state) : 0;
    switch (statement.kind) {
      case 'insn':
        return { code: statement.code, jt: 0, jf: 0, k: k(statement.k) };
      case 'ja':
        return { code: OP.JA, jt: 0, jf: 0, k: this.offset(statement.target, pc, 0xffffffff) };
      case 'jump':
        return {
          code: statement.code,
          jt: this.offset(statement.jt, pc, MAX_CONDITIONAL_OFFSET),
          jf: this.offset(statement.jf, pc, MAX_CONDITIONAL_OFFSET),
          k: k(statement.k),
        };
    }
  }

  /** Runs `step` for every slot, turning a Problem into an error at that line. */
  each(step: (slot: Slot) => void): void {
    for (const slot of this.slots) {
      try {
        step(slot);
      } catch (error) {
        if (error instanceof Problem || error instanceof AsmSyntaxError) {
          this.report(slot.line.line, error.column, error.message);
        } else throw error;
      }
    }
  }
}

const ZERO: BpfInstruction = { code: OP.RET_K, jt: 0, jf: 0, k: 0 };

function sameInstruction(a: BpfInstruction, b: BpfInstruction): boolean {
  return a.code === b.code && a.jt === b.jt && a.jf === b.jf && a.k >>> 0 === b.k >>> 0;
}

const normalized = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** A listing line's text must say what its fields encode (or be another spelling of it). */
function checkListingText(
  assembly: Assembly,
  slot: Slot,
  insn: BpfInstruction,
  state: FlowState,
  arch: Arch,
): void {
  const content = slot.line.content;
  if (content?.kind !== 'raw' || content.text === undefined) return;
  const expected = describeInstruction(insn, slot.pc, state, arch);
  if (normalized(content.text.source) === normalized(expected)) return;
  let said: BpfInstruction | undefined;
  try {
    said = assembly.encode(
      parseStatement(content.text.source, content.text.column),
      slot.pc,
      state,
    );
  } catch {
    said = undefined;
  }
  if (said && sameInstruction(said, insn)) return;
  throw new Problem(
    `the text does not match the instruction's fields, which encode "${expected}" (edit the text and remove the fields, or fix the fields)`,
    content.text.column,
  );
}

function assembleLines(lines: readonly SourceLine[], options: AsmOptions): AsmResult {
  const arch = options.arch ?? 'x86_64';
  const assembly = new Assembly(lines, arch);
  if (assembly.slots.length === 0 && assembly.errors.length === 0) {
    return { errors: [{ line: 1, column: 1, message: 'there are no instructions' }] };
  }
  // Jumps first (syscall names wait for the flow analysis, which needs the jumps).
  const program: BpfInstruction[] = assembly.slots.map(() => ZERO);
  assembly.each(({ pc, line }) => {
    const content = line.content;
    if (content?.kind === 'raw') program[pc] = content.insn;
    else if (content) program[pc] = assembly.encode(content.statement, pc);
  });
  if (assembly.errors.length > 0) return { errors: assembly.errors };
  const states = flowStates(program);
  assembly.each(({ pc, line }) => {
    const content = line.content;
    const state = states[pc] ?? UNKNOWN_STATE;
    if (content?.kind === 'statement') program[pc] = assembly.encode(content.statement, pc, state);
  });
  if (assembly.errors.length > 0) return { errors: assembly.errors };
  const finalStates = flowStates(program);
  assembly.each((slot) => {
    const insn = program[slot.pc] ?? ZERO;
    checkListingText(assembly, slot, insn, finalStates[slot.pc] ?? UNKNOWN_STATE, arch);
  });
  if (assembly.errors.length > 0) return { errors: assembly.errors };
  return options.verify === false ? { program } : verified(program, assembly.slots);
}

function verified(program: BpfProgram, slots: readonly Slot[]): AsmResult {
  const verdict = verifyProgram(program);
  if (verdict.ok) return { program };
  return {
    errors: verdict.errors.map((e) => ({
      line: slots[Math.min(e.index, slots.length - 1)]?.line.line ?? 1,
      column: 1,
      message: e.message,
    })),
  };
}

/** Assembles `text`; see the module comment for the accepted forms. Never throws. */
export function assemble(text: string, options: AsmOptions = {}): AsmResult {
  try {
    const lines: SourceLine[] = [];
    const errors: AsmError[] = [];
    text.split(/\r?\n/).forEach((source, i) => {
      try {
        lines.push(readLine(source, i + 1));
      } catch (error) {
        if (!(error instanceof AsmSyntaxError)) throw error;
        errors.push({ line: i + 1, column: error.column, message: error.message });
      }
    });
    if (errors.length > 0) return { errors };
    return assembleLines(lines, options);
  } catch (error) {
    // A bug must not take the caller down; fail closed with a located message instead.
    const message = error instanceof Error ? error.message : String(error);
    return { errors: [{ line: 1, column: 1, message: `internal error: ${message}` }] };
  }
}
