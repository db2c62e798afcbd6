import { errnoByName, MAX_ERRNO } from '../linux/errno';
import type { SeccompAction } from '../policy/model';
import type { SourceRange } from '../policy/source-range';
import { FormatError, lineRange } from './format-result';

/*
 * The syntax of minijail seccomp policy files (minijail0(5)): `name: policy` or `number: policy`
 * lines, `#` comments, `\` continuations, `@include PATH` (one level) and `@frequency PATH`
 * (ignored). A policy is `1`/`allow`, an action (`return ERRNO`, `kill-process`, `trap`, …), or a
 * DNF expression of `argN OP VALUE` atoms (OP: == != < <= > >= & in) optionally followed by
 * `; return ERRNO` or `; ACTION` for when it does not hold. Values are numbers (C literals: hex,
 * octal, decimal), named constants, `|`, `~` and parentheses.
 */

export type MinijailValue =
  | { readonly kind: 'number'; readonly value: bigint }
  | { readonly kind: 'constant'; readonly name: string; readonly range: SourceRange }
  | { readonly kind: 'not'; readonly operand: MinijailValue }
  | { readonly kind: 'or'; readonly items: readonly MinijailValue[] };

export type MinijailOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | '&' | 'in';

export interface MinijailAtom {
  readonly arg: number;
  readonly op: MinijailOp;
  readonly value: MinijailValue;
}

/** OR of ANDs. */
export type MinijailDnf = readonly (readonly MinijailAtom[])[];

export type MinijailPolicy =
  | { readonly kind: 'action'; readonly action: SeccompAction }
  | {
      readonly kind: 'expression';
      readonly dnf: MinijailDnf;
      /** What happens when the expression does not hold; absent: the filter's default (kill). */
      readonly otherwise?: SeccompAction;
    };

export interface MinijailLine {
  /** A name, or the number as written. */
  readonly syscall: string | number;
  readonly policy: MinijailPolicy;
  readonly range: SourceRange;
  /** The file it is in, for included lines. */
  readonly file?: string;
}

export type MinijailStatement =
  | { readonly kind: 'rule'; readonly line: MinijailLine }
  | {
      readonly kind: 'include';
      readonly path: string;
      readonly range: SourceRange;
      readonly file?: string;
    };

interface Cursor {
  readonly text: string;
  readonly line: number;
  /** Column (1-based) of `text[0]` on the line. */
  readonly column: number;
  pos: number;
  readonly file: string | undefined;
  readonly source: string;
}

function fail(c: Cursor, message: string, at = c.pos): never {
  const column = c.column + at;
  throw new FormatError(message, lineRange(c.source, c.line, column, column + 1), c.file);
}

function skipSpace(c: Cursor): void {
  while (c.pos < c.text.length && /\s/.test(c.text[c.pos]!)) c.pos++;
}

function peek(c: Cursor, token: string): boolean {
  skipSpace(c);
  return c.text.startsWith(token, c.pos);
}

function take(c: Cursor, token: string): boolean {
  if (!peek(c, token)) return false;
  c.pos += token.length;
  return true;
}

function word(c: Cursor): string {
  skipSpace(c);
  const match = /^[A-Za-z0-9_]+/.exec(c.text.slice(c.pos));
  return match?.[0] ?? '';
}

/** strtoull with base 0: 0x hex, leading 0 octal, else decimal. */
function cNumber(c: Cursor, text: string): bigint {
  const value = /^0x[0-9a-f]+$/i.test(text)
    ? BigInt(text)
    : /^0[0-7]+$/.test(text)
      ? BigInt(`0o${text.slice(1)}`)
      : /^\d+$/.test(text)
        ? BigInt(text)
        : undefined;
  if (value === undefined) fail(c, `"${text}" is not a number`);
  if (value >= 1n << 64n) fail(c, `${text} does not fit in 64 bits`);
  return value;
}

function valueTerm(c: Cursor): MinijailValue {
  if (take(c, '~')) return { kind: 'not', operand: valueTerm(c) };
  if (take(c, '(')) {
    const inner = value(c);
    if (!take(c, ')')) fail(c, 'expected ")"');
    return inner;
  }
  const text = word(c);
  if (text === '') fail(c, 'expected a number or a constant');
  const start = c.pos;
  c.pos += text.length;
  if (/^\d/.test(text)) return { kind: 'number', value: cNumber(c, text) };
  const column = c.column + start;
  return {
    kind: 'constant',
    name: text,
    range: lineRange(c.source, c.line, column, column + text.length),
  };
}

function value(c: Cursor): MinijailValue {
  const items = [valueTerm(c)];
  // `||` is the expression's, a single `|` the value's.
  while (peek(c, '|') && !peek(c, '||')) {
    c.pos++;
    items.push(valueTerm(c));
  }
  return items.length === 1 ? items[0]! : { kind: 'or', items };
}

const OPS: readonly MinijailOp[] = ['==', '!=', '<=', '>=', '<', '>', 'in', '&'];

function atom(c: Cursor): MinijailAtom {
  const name = word(c);
  const arg = /^arg([0-5])$/.exec(name);
  if (!arg) fail(c, `expected arg0 … arg5, got "${name || c.text.slice(c.pos, c.pos + 8)}"`);
  c.pos += name.length;
  skipSpace(c);
  const op = OPS.find(
    (o) => c.text.startsWith(o, c.pos) && !(o === '&' && c.text.startsWith('&&', c.pos)),
  );
  if (!op) fail(c, 'expected an operator: == != < <= > >= & in');
  c.pos += op.length;
  return { arg: Number(arg[1]), op, value: value(c) };
}

function dnf(c: Cursor): MinijailDnf {
  const disjuncts: MinijailAtom[][] = [];
  do {
    const conjunction = [atom(c)];
    while (take(c, '&&')) conjunction.push(atom(c));
    disjuncts.push(conjunction);
  } while (take(c, '||'));
  return disjuncts;
}

function errno(c: Cursor): SeccompAction {
  const text = word(c);
  const start = c.pos;
  c.pos += text.length;
  const named = errnoByName(text)?.value;
  const number = /^\d+$/.test(text) ? Number(text) : undefined;
  const value = named ?? number;
  if (value === undefined || value < 1 || value > MAX_ERRNO) {
    fail(c, `"${text}" is not an errno name or number 1..${MAX_ERRNO}`, start);
  }
  return { kind: 'errno', errno: value };
}

const KEYWORDS: Readonly<Record<string, SeccompAction>> = {
  allow: { kind: 'allow' },
  kill: { kind: 'kill-process' },
  'kill-process': { kind: 'kill-process' },
  'kill-thread': { kind: 'kill-thread' },
  trap: { kind: 'trap' },
  log: { kind: 'log' },
  'user-notify': { kind: 'notify' },
};

/** An action keyword or `return ERRNO`, if the cursor is at one. */
function action(c: Cursor): SeccompAction | undefined {
  skipSpace(c);
  if (word(c) === 'return') {
    c.pos += 'return'.length;
    return errno(c);
  }
  const keyword = /^[a-z-]+/.exec(c.text.slice(c.pos))?.[0] ?? '';
  const known = KEYWORDS[keyword];
  if (known) c.pos += keyword.length;
  return known;
}

function expectEnd(c: Cursor): void {
  skipSpace(c);
  if (c.pos < c.text.length) fail(c, `unexpected "${c.text.slice(c.pos)}"`);
}

function policy(c: Cursor): MinijailPolicy {
  skipSpace(c);
  if (/^1\s*$/.test(c.text.slice(c.pos))) return { kind: 'action', action: { kind: 'allow' } };
  const plain = action(c);
  if (plain) {
    expectEnd(c);
    return { kind: 'action', action: plain };
  }
  const expression = dnf(c);
  if (!take(c, ';')) {
    expectEnd(c);
    return { kind: 'expression', dnf: expression };
  }
  const otherwise = action(c);
  if (!otherwise) fail(c, 'expected "return ERRNO" or an action after ";"');
  expectEnd(c);
  return { kind: 'expression', dnf: expression, otherwise };
}

/** Joins `\` continuations; each logical line with its first physical line number. */
function logicalLines(text: string): { text: string; line: number }[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const out: { text: string; line: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    let joined = lines[i]!;
    const line = i + 1;
    while (joined.endsWith('\\') && i + 1 < lines.length)
      joined = joined.slice(0, -1) + lines[++i]!;
    out.push({ text: joined, line });
  }
  return out;
}

/** The statements of one policy file. Throws FormatError at the first syntax error. */
export function parseMinijailPolicy(source: string, file?: string): MinijailStatement[] {
  const out: MinijailStatement[] = [];
  for (const { text, line } of logicalLines(source)) {
    const trimmed = text.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const column = text.length - text.trimStart().length + 1;
    const range = lineRange(source, line, column);
    if (trimmed.startsWith('@')) {
      const [directive, ...rest] = trimmed.split(/\s+/);
      const path = rest.join(' ');
      if (directive === '@frequency') continue;
      if (directive !== '@include' || path === '') {
        throw new FormatError(
          `unknown directive "${trimmed}" (expected @include PATH)`,
          range,
          file,
        );
      }
      out.push({ kind: 'include', path, range, ...(file === undefined ? {} : { file }) });
      continue;
    }
    const colon = text.indexOf(':');
    if (colon < 0) throw new FormatError('expected "syscall: policy"', range, file);
    const name = text.slice(0, colon).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$|^\d+$/.test(name)) {
      throw new FormatError(`"${name}" is not a syscall name or number`, range, file);
    }
    const cursor: Cursor = {
      text: text.slice(colon + 1),
      line,
      column: colon + 2,
      pos: 0,
      file,
      source,
    };
    const syscall = /^\d+$/.test(name) ? Number(name) : name;
    out.push({
      kind: 'rule',
      line: { syscall, policy: policy(cursor), range, ...(file === undefined ? {} : { file }) },
    });
  }
  return out;
}
