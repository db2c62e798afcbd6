import { constantValue } from '../linux/arch-constants';
import type { Arch } from '../linux/syscalls';

/*
 * strace's rendering of syscall arguments: split at top-level commas (strings, [arrays],
 * {structs} and (calls) kept whole), numbers and flag sets evaluated back to the raw value where
 * strace printed one. Strings, structs and arrays stand for a pointer whose value strace does not
 * show: they have no value here.
 */

/** Splits `a, "b, c", {d, e}` into its top-level items (trimmed). */
export function splitArgs(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      items.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last !== '' || items.length > 0) items.push(last);
  return items.map((item) => item.replace(/\s*\/\*.*?\*\/\s*/g, ' ').trim());
}

/**
 * The index of the `)` closing the argument list that starts at `from` (just after `(`), or -1
 * when the line ends first (an unfinished call).
 */
export function closingParen(text: string, from: number): number {
  let depth = 0;
  let quoted = false;
  for (let i = from; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') depth--;
    else if (ch === ')') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

function number(word: string): bigint | undefined {
  if (/^-?\d+$/.test(word) && !/^-?0\d/.test(word)) return BigInt(word);
  if (/^0x[0-9a-f]+$/i.test(word)) return BigInt(word);
  if (/^0[0-7]+$/.test(word)) return BigInt(`0o${word.slice(1)}`);
  return undefined;
}

/** A constant as strace prints it, including `8192*1024` products. */
function term(word: string, arch: Arch): bigint | undefined {
  if (word === 'NULL') return 0n;
  const product = word.split('*');
  if (product.length === 2) {
    const [a, b] = product.map((p) => number(p));
    return a !== undefined && b !== undefined ? a * b : undefined;
  }
  return number(word) ?? constantValue(arch, word);
}

/** The raw value of an argument as strace printed it, when it printed one. */
export function argValue(text: string, arch: Arch): bigint | undefined {
  const words = text.split('|').map((w) => w.trim());
  if (words.some((w) => w === '' || !/^[-\w*]+$/.test(w))) return undefined;
  let value = 0n;
  for (const word of words) {
    const v = term(word, arch);
    if (v === undefined) return undefined;
    value |= v;
  }
  return BigInt.asUintN(64, value);
}

/** A C string literal as strace writes it (`"a\nb"`, maybe cut with `...`). */
export function stringLiteral(text: string): string | undefined {
  const match = /^"((?:[^"\\]|\\.)*)"(\.\.\.)?$/.exec(text.trim());
  if (!match) return undefined;
  return match[1]!.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_all, esc: string) => {
    if (esc.startsWith('x')) return String.fromCharCode(Number.parseInt(esc.slice(1), 16));
    if (/^[0-7]/.test(esc)) return String.fromCharCode(Number.parseInt(esc, 8));
    const simple: Record<string, string> = {
      n: '\n',
      t: '\t',
      r: '\r',
      v: '\v',
      f: '\f',
      '0': '\0',
    };
    return simple[esc] ?? esc;
  });
}

/** `["ls", "-l"]` → the strings (strace's `...` for a long list is dropped). */
export function stringArray(text: string): string[] | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[') || !trimmed.endsWith(']')) return undefined;
  const items = splitArgs(trimmed.slice(1, -1)).filter((i) => i !== '...' && i !== '');
  const strings = items.map(stringLiteral);
  return strings.every((s) => s !== undefined) ? (strings as string[]) : undefined;
}
