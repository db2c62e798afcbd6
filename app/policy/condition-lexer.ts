/** Tokens of the `when:` condition language; offsets are into the condition text. */
export type Token =
  | { readonly kind: 'int'; readonly value: bigint; readonly start: number; readonly end: number }
  | { readonly kind: 'ident'; readonly text: string; readonly start: number; readonly end: number }
  | { readonly kind: 'punct'; readonly text: string; readonly start: number; readonly end: number }
  | { readonly kind: 'end'; readonly start: number; readonly end: number };

export interface LexError {
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

/** Longest first, so `<<` is not read as two `<`. */
const PUNCTUATION = [
  '==',
  '!=',
  '<=',
  '>=',
  '<<',
  '>>',
  '&&',
  '||',
  '<',
  '>',
  '&',
  '|',
  '^',
  '~',
  '!',
  '-',
  '(',
  ')',
  '{',
  '}',
  ',',
];

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
/** A whole number token: digits, letters and underscores run together (`0x1f`, `12abc`). */
const NUMBER = /[0-9][A-Za-z0-9_]*/y;
const RADIX: Readonly<Record<string, { readonly digits: RegExp; readonly name: string }>> = {
  '0x': { digits: /^[0-9a-f]+$/i, name: 'hexadecimal' },
  '0o': { digits: /^[0-7]+$/, name: 'octal' },
  '0b': { digits: /^[01]+$/, name: 'binary' },
};

export function tokenize(text: string): { tokens: Token[]; error?: LexError } {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const ch = text[at]!;
    if (/\s/.test(ch)) {
      at++;
      continue;
    }
    const token = readToken(text, at);
    if ('message' in token) return { tokens, error: token };
    tokens.push(token);
    at = token.end;
  }
  tokens.push({ kind: 'end', start: text.length, end: text.length });
  return { tokens };
}

function readToken(text: string, at: number): Token | LexError {
  IDENT.lastIndex = at;
  const ident = IDENT.exec(text);
  if (ident) return { kind: 'ident', text: ident[0], start: at, end: at + ident[0].length };
  NUMBER.lastIndex = at;
  const number = NUMBER.exec(text);
  if (number) return readNumber(number[0], at);
  const punct = PUNCTUATION.find((p) => text.startsWith(p, at));
  if (punct) return { kind: 'punct', text: punct, start: at, end: at + punct.length };
  const char = String.fromCodePoint(text.codePointAt(at)!);
  return { message: `unexpected character "${char}"`, start: at, end: at + char.length };
}

function readNumber(word: string, start: number): Token | LexError {
  const end = start + word.length;
  const fail = (message: string): LexError => ({ message, start, end });
  const radix = RADIX[word.slice(0, 2).toLowerCase()];
  if (radix) {
    const digits = word.slice(2);
    if (!radix.digits.test(digits)) return fail(`"${word}" is not a valid ${radix.name} number`);
    return { kind: 'int', value: BigInt(word.slice(0, 2).toLowerCase() + digits), start, end };
  }
  if (!/^[0-9]+$/.test(word)) return fail(`"${word}" is not a valid number`);
  if (word.length > 1 && word.startsWith('0')) {
    return fail(
      `"${word}": a leading zero is ambiguous; write 0o${word.replace(/^0+/, '') || '0'} for octal or ${BigInt(word)} for decimal`,
    );
  }
  return { kind: 'int', value: BigInt(word), start, end };
}
