import { BPF } from '../linux/constants';
import { AsmSyntaxError, parseU32 } from './asm-lex';
import { parseStatement, type Statement } from './asm-parse';
import type { BpfInstruction } from './program';

/**
 * Splits assembly text into lines and says what each one is: nothing (blank, comment, the
 * listing header, C declarations around an initializer list), or one instruction given as raw
 * fields (a listing line, a `toHex` line, a C initializer) or as a statement, with its labels.
 */

export interface Label {
  /** A numeric label (a listing's line number) is stored as its number in decimal. */
  readonly name: string;
  readonly numeric: boolean;
  readonly column: number;
}

export type LineContent =
  | {
      readonly kind: 'raw';
      readonly insn: BpfInstruction;
      /** The listing text after the fields, checked against them. */
      readonly text?: { readonly source: string; readonly column: number };
    }
  | { readonly kind: 'statement'; readonly statement: Statement; readonly column: number };

export interface SourceLine {
  readonly line: number;
  readonly labels: readonly Label[];
  readonly content?: LineContent;
}

const HEADER = /^\s*line\s+CODE\s+JT\s+JF\s+K\s*$/;
const RULE = /^\s*=+\s*$/;
/** C text around an initializer list: declarations, `};`, fprog fields. */
const C_FRAME =
  /^\s*(?:(?:static\s+)?(?:const\s+)?struct\s+sock_f\w+\s+\w+(?:\[\d*\])?\s*=\s*\{|\};?|\.(?:len|filter)\s*=.*)\s*$/;
const NUM = '(0[xX][0-9a-fA-F]+|[0-9]+)';
const FIELDS = new RegExp(`^${NUM}\\s+${NUM}\\s+${NUM}\\s+${NUM}(?=\\s|$)`);
const C_RAW = new RegExp(
  `^\\{\\s*${NUM}\\s*,\\s*${NUM}\\s*,\\s*${NUM}\\s*,\\s*${NUM}\\s*\\}\\s*,?\\s*$`,
);
const C_MACRO = /^BPF_(STMT|JUMP)\s*\((.*)\)\s*,?\s*$/;
const LABEL = /^(\s*)([0-9]+|[A-Za-z_][A-Za-z0-9_]*)\s*:(?![=])/;
const RESERVED_LABELS = new Set(['A', 'X', 'if', 'else', 'goto', 'return', 'mem', 'next']);

/** Removes `#` and `//` comments and `/* *\/` ones (but keeps a lone `/* no-op *\/`). */
function stripComments(text: string): string {
  const cut = text.search(/#|\/\//);
  const code = cut >= 0 ? text.slice(0, cut) : text;
  if (/^\s*(?:[0-9A-Za-z_]+\s*:\s*)*\/\*\s*no-op\s*\*\/\s*$/.test(code)) return code;
  return code.replace(/\/\*.*?\*\//g, (comment) => ' '.repeat(comment.length));
}

function fieldValue(text: string, max: number, what: string, column: number): number {
  const value = parseU32(text);
  if (value === undefined || value > max) {
    throw new AsmSyntaxError(`${what} ${text} does not fit (0..0x${max.toString(16)})`, column);
  }
  return value;
}

function rawInstruction(parts: readonly string[], column: number): BpfInstruction {
  const [code = '', jt = '', jf = '', k = ''] = parts;
  return {
    code: fieldValue(code, 0xffff, 'code', column),
    jt: fieldValue(jt, 0xff, 'jt', column),
    jf: fieldValue(jf, 0xff, 'jf', column),
    k: fieldValue(k, 0xffffffff, 'k', column),
  };
}

/** `BPF_LD | BPF_W | BPF_ABS` or a number → the opcode. */
function opcodeValue(text: string, column: number): number {
  let code = 0;
  for (const part of text.split('|').map((p) => p.trim())) {
    const value = Object.hasOwn(BPF, part) ? BPF[part as keyof typeof BPF] : parseU32(part);
    if (value === undefined) throw new AsmSyntaxError(`unknown opcode part "${part}"`, column);
    code |= value;
  }
  return code;
}

function macroInstruction(kind: string, args: string, column: number): BpfInstruction {
  const parts = args.split(',').map((p) => p.trim());
  const wanted = kind === 'STMT' ? 2 : 4;
  if (parts.length !== wanted) {
    throw new AsmSyntaxError(`BPF_${kind} takes ${wanted} arguments, got ${parts.length}`, column);
  }
  const [code = '', k = '', jt = '0', jf = '0'] = parts;
  return rawInstruction([String(opcodeValue(code, column)), jt, jf, k], column);
}

function content(code: string, column: number): LineContent | undefined {
  const fields = FIELDS.exec(code);
  if (fields) {
    const insn = rawInstruction(fields.slice(1), column);
    const rest = code.slice(fields[0].length);
    const text = rest.trim();
    if (text === '') return { kind: 'raw', insn };
    const textColumn = column + fields[0].length + rest.indexOf(text);
    return { kind: 'raw', insn, text: { source: text, column: textColumn } };
  }
  const raw = C_RAW.exec(code);
  if (raw) return { kind: 'raw', insn: rawInstruction(raw.slice(1), column) };
  const macro = C_MACRO.exec(code);
  if (macro) return { kind: 'raw', insn: macroInstruction(macro[1] ?? '', macro[2] ?? '', column) };
  return { kind: 'statement', statement: parseStatement(code, column), column };
}

/** One line of assembly; throws AsmSyntaxError with the column at fault. */
export function readLine(source: string, line: number): SourceLine {
  let code = stripComments(source);
  if (code.trim() === '' || HEADER.test(code) || RULE.test(code) || C_FRAME.test(code)) {
    return { line, labels: [] };
  }
  const labels: Label[] = [];
  let column = 1;
  for (let match = LABEL.exec(code); match; match = LABEL.exec(code)) {
    const [whole, space = '', name = ''] = match;
    if (RESERVED_LABELS.has(name)) break;
    const numeric = /^[0-9]+$/.test(name);
    labels.push({
      name: numeric ? String(Number(name)) : name,
      numeric,
      column: column + space.length,
    });
    column += whole.length;
    code = code.slice(whole.length);
  }
  const leading = code.length - code.trimStart().length;
  const statement = code.trim();
  if (statement === '') return { line, labels };
  return { line, labels, content: content(statement, column + leading) };
}
