import { constantValue } from '../linux/arch-constants';
import type { Arch } from '../linux/syscalls';
import { unescapeStrace } from './strace-strings';

/*
 * strace's rendering of syscall arguments: split at top-level commas (strings, [arrays],
 * {structs}, (calls), comments and -y decorations kept whole), numbers and flag sets evaluated
 * back to the raw value where strace printed one. Strings, structs and arrays stand for a pointer
 * whose value strace does not show: they have no value here (the trace shows 0), but a string is
 * kept as what the pointer pointed at, and `3</etc/passwd>` (strace -y) as what the fd was.
 */

/** One top-level item of an argument list and where it starts in the list's text. */
export interface ArgItem {
  readonly text: string;
  readonly offset: number;
}

/** A name in an argument, `offset` characters into the argument's text. */
export interface NameAt {
  readonly name: string;
  readonly offset: number;
}

export interface StraceArgument {
  /**
   * The raw value strace printed; undefined when it printed what a pointer points at (a string,
   * struct or array) or an expression the studio cannot evaluate (`unreadable`).
   */
  readonly value: bigint | undefined;
  /** A string literal's text, escapes decoded (cut short when strace cut it, `"…"...`). */
  readonly string?: string;
  /** What an fd argument referred to, as `strace -y`/`-yy` showed it after the number. */
  readonly fd?: string;
  /** Constants no table of the arch knows: left out of `value` (they count as 0). */
  readonly unknown: readonly NameAt[];
  /** An expression that is no value the studio can evaluate (`_IOC(…)`, `makedev(…)`). */
  readonly unreadable?: NameAt;
}

/**
 * Calls `visit` for every character of `text` from `from` that is structure: quoted strings,
 * comments and fd decorations are skipped whole. Stops where `visit` returns true and gives that
 * index, or -1.
 */
function scan(
  text: string,
  from: number,
  visit: (ch: string, depth: number, index: number) => boolean,
): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') {
      i = endOfQuote(text, i);
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (ch === '<' && isDecorationStart(text, i)) {
      i = endOfDecoration(text, i);
    } else {
      if (visit(ch, depth, i)) return i;
      if (ch === '(' || ch === '[' || ch === '{') depth++;
      else if (ch === ')' || ch === ']' || ch === '}') depth--;
    }
  }
  return -1;
}

function endOfQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length;
}

/**
 * `3</etc/passwd>`, `AT_FDCWD</tmp>`: a `<` right after a number or name. Not `1<<CAP_CHOWN`
 * (capability sets) nor ` <unfinished ...>` and ` <0.000012>` (after a space).
 */
function isDecorationStart(text: string, at: number): boolean {
  const before = text[at - 1];
  const after = text[at + 1];
  return (
    before !== undefined &&
    /\w/.test(before) &&
    after !== undefined &&
    after !== '<' &&
    after !== '=' &&
    after !== '>'
  );
}

/** The index of the `>` closing the decoration at `open` (-yy nests `</dev/null<char 1:3>>`). */
function endOfDecoration(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') i++;
    else if (ch === '<') depth++;
    else if (ch === '>' && --depth === 0) return i;
  }
  return text.length;
}

/** Splits `a, "b, c", {d, e}` into its top-level items (trimmed), with their offsets. */
export function splitArgItems(text: string): ArgItem[] {
  const items: ArgItem[] = [];
  let start = 0;
  const push = (end: number) => {
    const raw = text.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    items.push({ text: raw.trim(), offset: start + lead });
  };
  scan(text, 0, (ch, depth, i) => {
    if (ch === ',' && depth === 0) {
      push(i);
      start = i + 1;
    }
    return false;
  });
  if (text.slice(start).trim() !== '' || items.length > 0) push(text.length);
  return items;
}

/** Splits `a, "b, c", {d, e}` into its top-level items (trimmed, comments removed). */
export function splitArgs(text: string): string[] {
  return splitArgItems(text).map((item) => withoutComments(item.text).trim());
}

/**
 * The index of the `)` closing the argument list that starts at `from` (just after `(`), or -1
 * when the line ends first (an unfinished call).
 */
export function closingParen(text: string, from: number): number {
  return scan(text, from, (ch, depth) => ch === ')' && depth === 0);
}

/** Comments replaced by spaces, so that offsets into the text stay right. */
function withoutComments(text: string): string {
  let out = text;
  for (const match of text.matchAll(/\/\*.*?\*\//g)) {
    const at = match.index;
    out = out.slice(0, at) + ' '.repeat(match[0].length) + out.slice(at + match[0].length);
  }
  return out;
}

const CONTENTS: StraceArgument = { value: undefined, unknown: [] };

/** One argument as strace printed it: its value, or what it pointed at or referred to. */
export function readArgument(text: string, arch: Arch): StraceArgument {
  // clone(child_stack=NULL, flags=…): the parameter's name before the value.
  const named = /^[a-z_][a-z0-9_]*=(?!=)/.exec(text);
  const start = named ? named[0].length : 0;
  const body = text.slice(start);
  if (body.startsWith('"')) {
    const string = stringLiteral(body);
    return string === undefined ? CONTENTS : { ...CONTENTS, string };
  }
  if (/^(~?\[|\{)/.test(body)) return CONTENTS;
  const decorated = splitDecoration(body);
  const value = evaluate(withoutComments(decorated.value), start, arch);
  return decorated.fd === undefined ? value : { ...value, fd: decorated.fd };
}

/** `3</etc/passwd>` → `3` and `/etc/passwd`; `0</dev/null<char 1:3>>` → `/dev/null`. */
function splitDecoration(text: string): { value: string; fd?: string } {
  let open = -1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '<' && isDecorationStart(text, i)) {
      open = i;
      break;
    }
    if (text[i] === '"' || text[i] === '(') return { value: text };
  }
  if (open < 0) return { value: text };
  const close = endOfDecoration(text, open);
  const inside = text.slice(open + 1, close);
  const nested = inside.search(/(?<!\\)</);
  const path = nested < 0 ? inside : inside.slice(0, nested);
  return { value: text.slice(0, open) + text.slice(close + 1), fd: unescapeStrace(path) };
}

function number(word: string): bigint | undefined {
  if (/^-?\d+$/.test(word) && !/^-?0\d/.test(word)) return BigInt(word);
  if (/^-?0x[0-9a-f]+$/i.test(word)) {
    return word.startsWith('-') ? -BigInt(word.slice(1)) : BigInt(word);
  }
  if (/^0[0-7]+$/.test(word)) return BigInt(`0o${word.slice(1)}`);
  return undefined;
}

const IDENTIFIER = /^[A-Za-z_]\w*$/;

/** A named constant; strace writes real-time signals as SIGRT_n (SIGRTMIN + n). */
function constant(name: string, arch: Arch): bigint | undefined {
  if (name === 'NULL') return 0n;
  const realtime = /^SIGRT_(\d{1,2})$/.exec(name);
  if (realtime) {
    const base = constantValue(arch, 'SIGRTMIN');
    return base === undefined ? undefined : base + BigInt(realtime[1]!);
  }
  return constantValue(arch, name);
}

type Term = { value: bigint } | { unknown: string } | { unreadable: true };

/**
 * `8192*1024`, `1<<CAP_CHOWN`, `0644`, `O_RDONLY`: one term of a flag set. strace names an ioctl
 * request that has two names `BTRFS_IOC_CLONE or FICLONE`: either will do.
 */
function term(word: string, arch: Arch): Term {
  const names = word.split(' or ');
  if (names.length > 1) {
    const known = names.map((name) => term(name, arch)).find((t) => 'value' in t);
    return (
      known ?? (names.every((n) => IDENTIFIER.test(n)) ? { unknown: word } : { unreadable: true })
    );
  }
  const numeric = number(word);
  if (numeric !== undefined) return { value: numeric };
  if (IDENTIFIER.test(word)) {
    const value = constant(word, arch);
    return value === undefined ? { unknown: word } : { value };
  }
  const pair = /^(\w+)(\*|<<)(\w+)$/.exec(word);
  if (pair) {
    const [a, b] = [pair[1]!, pair[3]!].map((w) => number(w) ?? constant(w, arch));
    if (a === undefined || b === undefined) return { unreadable: true };
    return { value: pair[2] === '*' ? a * b : a << b };
  }
  return { unreadable: true };
}

/** A value expression at `offset` of the argument: numbers and names joined by `|`. */
function evaluate(text: string, offset: number, arch: Arch): StraceArgument {
  const trimmed = text.trim();
  const at = offset + text.length - text.trimStart().length;
  if (trimmed === '') return CONTENTS;
  if (/[()[\]{}"]/.test(trimmed))
    return { ...CONTENTS, unreadable: { name: shapeOf(trimmed), offset: at } };
  let value = 0n;
  const unknown: NameAt[] = [];
  let position = 0;
  for (const raw of trimmed.split('|')) {
    const word = raw.trim();
    const t = term(word, arch);
    if ('unreadable' in t)
      return { ...CONTENTS, unreadable: { name: shapeOf(trimmed), offset: at } };
    if ('unknown' in t)
      unknown.push({ name: t.unknown, offset: at + position + raw.indexOf(word) });
    else value |= t.value;
    position += raw.length + 1;
  }
  return { value: BigInt.asUintN(64, value), unknown };
}

/** What an unreadable expression is called in a warning: `_IOC(…)`, or its text when short. */
function shapeOf(text: string): string {
  const call = /^([A-Za-z_]\w*)\(/.exec(text);
  if (call) return `${call[1]!}(…)`;
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** A C string literal as strace writes it (`"a\nb"`, maybe cut with `...`). */
export function stringLiteral(text: string): string | undefined {
  const match = /^"((?:[^"\\]|\\.)*)"(\.\.\.)?$/s.exec(text.trim());
  return match ? unescapeStrace(match[1]!) : undefined;
}

/** `["ls", "-l"]` → the strings (strace's `...` for a long list is dropped). */
export function stringArray(text: string): string[] | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[') || !trimmed.endsWith(']')) return undefined;
  const items = splitArgs(trimmed.slice(1, -1)).filter((i) => i !== '...' && i !== '');
  const strings = items.map(stringLiteral);
  return strings.every((s) => s !== undefined) ? (strings as string[]) : undefined;
}
