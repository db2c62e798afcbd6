/**
 * Tokens of one line of seccomp-tools style BPF assembly (`if (A == read) goto 0004`). Columns
 * are 1-based positions in the source line so errors can point at the character at fault.
 */
export type AsmToken =
  | {
      readonly kind: 'number';
      readonly value: number;
      readonly text: string;
      readonly column: number;
    }
  | { readonly kind: 'word'; readonly text: string; readonly column: number }
  | { readonly kind: 'punct'; readonly text: string; readonly column: number }
  | { readonly kind: 'end'; readonly text: ''; readonly column: number };

export class AsmSyntaxError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
    this.name = 'AsmSyntaxError';
  }
}

/** Longest first, so `<<=` is not read as `<<` then `=`. */
const PUNCTUATION = [
  '<<=',
  '>>=',
  '==',
  '!=',
  '>=',
  '<=',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '<<',
  '>>',
  '>',
  '<',
  '=',
  '!',
  '&',
  '(',
  ')',
  '[',
  ']',
  '?',
  ':',
  '-',
  ',',
];

const WORD = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?/;
const NUMBER = /^(?:0[xX][0-9a-fA-F]+|[0-9]+)(?![A-Za-z0-9_])/;

export const MAX_U32 = 0xffffffff;

/** Reads a decimal or 0x number; undefined when it is not one or does not fit 32 bits. */
export function parseU32(text: string): number | undefined {
  if (!/^(?:0[xX][0-9a-fA-F]+|[0-9]+)$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) && value <= MAX_U32 ? value : undefined;
}

/** Tokens of `text` (a statement without comments), starting at source column `start`. */
export function tokenizeAsm(text: string, start: number): AsmToken[] {
  const tokens: AsmToken[] = [];
  let at = 0;
  while (at < text.length) {
    const rest = text.slice(at);
    const space = /^\s+/.exec(rest);
    if (space) {
      at += space[0].length;
      continue;
    }
    const column = start + at;
    const number = NUMBER.exec(rest);
    if (number) {
      const value = parseU32(number[0]);
      if (value === undefined) {
        throw new AsmSyntaxError(`${number[0]} does not fit in 32 bits`, column);
      }
      tokens.push({ kind: 'number', value, text: number[0], column });
      at += number[0].length;
      continue;
    }
    const word = WORD.exec(rest);
    if (word) {
      tokens.push({ kind: 'word', text: word[0], column });
      at += word[0].length;
      continue;
    }
    const punct = PUNCTUATION.find((p) => rest.startsWith(p));
    if (punct === undefined) {
      throw new AsmSyntaxError(`unexpected character "${rest[0]}"`, column);
    }
    tokens.push({ kind: 'punct', text: punct, column });
    at += punct.length;
  }
  tokens.push({ kind: 'end', text: '', column: start + text.length });
  return tokens;
}
