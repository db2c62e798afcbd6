// Evaluates C integer constant expressions the way a C compiler does for one data model (ILP32 or
// LP64): literal types from their suffix and radix, integer promotions, the usual arithmetic
// conversions, wrap-around of the result to the type's width, casts to the kernel's integer types
// and sizeof of scalar types. Input is a macro body already expanded by the C preprocessor (cpp
// -P), so there are no macros left: any identifier that is not a type name means "not an integer
// constant" (an enum, a function, a pointer) and the expression is rejected with a reason.
// gen-linux-tables.mjs checks every result against the host C compiler on x86_64, i386 and x32.

/** @typedef {{ name: string, bits: number, signed: boolean, rank: number }} CType */
/** @typedef {{ value: bigint, type: CType }} CValue */
/** @typedef {{ kind: 'num' | 'char' | 'id' | 'punct', text: string, value?: bigint, suffix?: string, radix?: number }} Token */

export class CExprError extends Error {
  /** @param {string} message @param {boolean} [needsTargetCompiler] a real constant, but sized by a struct */
  constructor(message, needsTargetCompiler = false) {
    super(message);
    this.needsTargetCompiler = needsTargetCompiler;
  }
}

/**
 * The integer types of one data model. `ilp32`: int, long and pointers are 32 bits (i386, x32,
 * arm); `lp64`: long and pointers are 64 bits (x86_64, aarch64, riscv64).
 * @param {'ilp32' | 'lp64'} model
 */
export function dataModel(model) {
  const longBits = model === 'lp64' ? 64 : 32;
  const t = (name, bits, signed, rank) => ({ name, bits, signed, rank });
  const types = {
    char: t('char', 8, true, 1),
    'signed char': t('signed char', 8, true, 1),
    'unsigned char': t('unsigned char', 8, false, 1),
    short: t('short', 16, true, 2),
    'unsigned short': t('unsigned short', 16, false, 2),
    int: t('int', 32, true, 3),
    'unsigned int': t('unsigned int', 32, false, 3),
    long: t('long', longBits, true, 4),
    'unsigned long': t('unsigned long', longBits, false, 4),
    'long long': t('long long', 64, true, 5),
    'unsigned long long': t('unsigned long long', 64, false, 5),
  };
  // The kernel's fixed-width and word-sized typedefs (asm-generic/int-ll64.h, posix_types.h).
  const typedefs = {
    __s8: types['signed char'],
    __u8: types['unsigned char'],
    __s16: types.short,
    __u16: types['unsigned short'],
    __s32: types.int,
    __u32: types['unsigned int'],
    __s64: types['long long'],
    __u64: types['unsigned long long'],
    __le16: types['unsigned short'],
    __be16: types['unsigned short'],
    __le32: types['unsigned int'],
    __be32: types['unsigned int'],
    __le64: types['unsigned long long'],
    __be64: types['unsigned long long'],
    __poll_t: types['unsigned int'],
    __kernel_long_t: types.long,
    __kernel_ulong_t: types['unsigned long'],
    __kernel_size_t: types['unsigned long'],
    size_t: types['unsigned long'],
  };
  return { model, types, typedefs, sizeT: types['unsigned long'] };
}

const PUNCTUATORS = [
  '<<',
  '>>',
  '<=',
  '>=',
  '==',
  '!=',
  '&&',
  '||',
  '(',
  ')',
  '+',
  '-',
  '*',
  '/',
  '%',
  '<',
  '>',
  '&',
  '^',
  '|',
  '!',
  '~',
  '?',
  ':',
  '[',
  ']',
];

const CHAR_ESCAPES = {
  n: 10,
  t: 9,
  r: 13,
  0: 0,
  '\\': 92,
  "'": 39,
  '"': 34,
  a: 7,
  b: 8,
  f: 12,
  v: 11,
};

/** @param {string} text @returns {Token[]} */
export function tokenize(text) {
  const tokens = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const number = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)([uUlL]*)(?![\w.])/.exec(
      rest,
    );
    if (number) {
      tokens.push(numberToken(number[1], number[2]));
      i += number[0].length;
      continue;
    }
    const char = /^'(\\x[0-9a-fA-F]+|\\[0-7]{1,3}|\\.|[^\\'])'/.exec(rest);
    if (char) {
      tokens.push({ kind: 'char', text: char[0], value: charValue(char[1]) });
      i += char[0].length;
      continue;
    }
    const id = /^[A-Za-z_]\w*/.exec(rest);
    if (id) {
      tokens.push({ kind: 'id', text: id[0] });
      i += id[0].length;
      continue;
    }
    const punct = PUNCTUATORS.find((p) => rest.startsWith(p));
    if (!punct) throw new CExprError(`unexpected character ${JSON.stringify(rest[0])}`);
    tokens.push({ kind: 'punct', text: punct });
    i += punct.length;
  }
  return tokens;
}

function numberToken(digits, suffix) {
  const lower = suffix.toLowerCase();
  if (!['', 'u', 'l', 'ul', 'lu', 'll', 'ull', 'llu'].includes(lower)) {
    throw new CExprError(`bad integer suffix ${suffix}`);
  }
  let radix = 10;
  let body = digits;
  if (/^0[xX]/.test(digits)) radix = 16;
  else if (/^0[bB]/.test(digits)) radix = 2;
  else if (digits.length > 1 && digits.startsWith('0')) {
    radix = 8;
    body = `0o${digits.slice(1)}`;
  }
  return { kind: 'num', text: digits + suffix, value: BigInt(body), suffix: lower, radix };
}

function charValue(body) {
  if (!body.startsWith('\\')) return BigInt(body.charCodeAt(0));
  if (body.startsWith('\\x')) return BigInt(parseInt(body.slice(2), 16));
  if (/^\\[0-7]+$/.test(body)) return BigInt(parseInt(body.slice(1), 8));
  const escaped = CHAR_ESCAPES[body[1]];
  if (escaped === undefined) throw new CExprError(`unknown escape ${body}`);
  return BigInt(escaped);
}

const fits = (value, type) => {
  const bits = BigInt(type.bits);
  return type.signed
    ? value >= -(1n << (bits - 1n)) && value < 1n << (bits - 1n)
    : value >= 0n && value < 1n << bits;
};

/** C11 6.4.4.1: the first type in the suffix's list that can represent the value. */
function literalType(token, dm) {
  const { types } = dm;
  const decimal = token.radix === 10;
  const unsigned = token.suffix.includes('u');
  const longs = (token.suffix.match(/l/g) ?? []).length;
  const ladder = [
    [types.int, types['unsigned int']],
    [types.long, types['unsigned long']],
    [types['long long'], types['unsigned long long']],
  ].slice(longs);
  const candidates = ladder.flatMap(([s, u]) => (unsigned ? [u] : decimal ? [s] : [s, u]));
  const type = candidates.find((t) => fits(token.value, t));
  if (!type) throw new CExprError(`integer literal ${token.text} is too large`);
  return type;
}

const wrap = (value, type) =>
  type.signed ? BigInt.asIntN(type.bits, value) : BigInt.asUintN(type.bits, value);

const cast = (v, type) => ({ value: wrap(v.value, type), type });

function promote(v, dm) {
  return v.type.rank < dm.types.int.rank ? cast(v, dm.types.int) : v;
}

/** C11 6.3.1.8, for operands already promoted. */
function commonType(a, b, dm) {
  if (a === b) return a;
  if (a.signed === b.signed) return a.rank >= b.rank ? a : b;
  const [u, s] = a.signed ? [b, a] : [a, b];
  if (u.rank >= s.rank) return u;
  if (s.bits > u.bits) return s;
  return Object.values(dm.types).find((t) => !t.signed && t.rank === s.rank);
}

const TYPE_WORDS = new Set(['signed', 'unsigned', 'char', 'short', 'int', 'long']);

class Parser {
  /** @param {Token[]} tokens @param {ReturnType<typeof dataModel>} dm @param {(tag: string) => bigint | undefined} sizeOfTag */
  constructor(tokens, dm, sizeOfTag) {
    this.tokens = tokens;
    this.pos = 0;
    this.dm = dm;
    this.sizeOfTag = sizeOfTag;
  }

  peek(offset = 0) {
    return this.tokens[this.pos + offset];
  }

  isPunct(text, offset = 0) {
    const t = this.peek(offset);
    return t?.kind === 'punct' && t.text === text;
  }

  expect(text) {
    if (!this.isPunct(text)) {
      throw new CExprError(`expected "${text}" but found ${this.peek()?.text ?? 'end of input'}`);
    }
    this.pos++;
  }

  parse() {
    const v = this.conditional();
    if (this.pos !== this.tokens.length) {
      throw new CExprError(`unexpected ${this.peek()?.text} after the expression`);
    }
    return v;
  }

  conditional() {
    const cond = this.binary(0);
    if (!this.isPunct('?')) return cond;
    this.pos++;
    const a = this.conditional();
    this.expect(':');
    const b = this.conditional();
    const pa = promote(a, this.dm);
    const pb = promote(b, this.dm);
    const type = commonType(pa.type, pb.type, this.dm);
    return cast(cond.value !== 0n ? pa : pb, type);
  }

  binary(level) {
    const ops = BINARY_LEVELS[level];
    if (!ops) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      if (t?.kind !== 'punct' || !ops.includes(t.text)) return left;
      this.pos++;
      const right = this.binary(level + 1);
      left = applyBinary(t.text, left, right, this.dm);
    }
  }

  unary() {
    const t = this.peek();
    if (t?.kind === 'punct' && ['+', '-', '~', '!'].includes(t.text)) {
      this.pos++;
      const v = promote(this.unary(), this.dm);
      if (t.text === '!') return { value: v.value === 0n ? 1n : 0n, type: this.dm.types.int };
      const value = t.text === '+' ? v.value : t.text === '-' ? -v.value : ~v.value;
      return cast({ value, type: v.type }, v.type);
    }
    if (t?.kind === 'id' && t.text === 'sizeof') {
      this.pos++;
      if (!this.isPunct('(') || !this.startsType(1)) {
        throw new CExprError('sizeof of an expression is not supported');
      }
      this.pos++;
      const size = this.sizeOfType();
      this.expect(')');
      return { value: size, type: this.dm.sizeT };
    }
    if (this.isPunct('(') && this.startsType(1)) {
      this.pos++;
      const type = this.scalarType();
      this.expect(')');
      return cast(this.unary(), type);
    }
    return this.primary();
  }

  primary() {
    const t = this.peek();
    if (!t) throw new CExprError('unexpected end of expression');
    this.pos++;
    if (t.kind === 'num') return { value: t.value, type: literalType(t, this.dm) };
    if (t.kind === 'char') return { value: t.value, type: this.dm.types.int };
    if (t.kind === 'punct' && t.text === '(') {
      const v = this.conditional();
      this.expect(')');
      return v;
    }
    if (t.kind === 'id') throw new CExprError(`${t.text} is not an integer constant`);
    throw new CExprError(`unexpected ${t.text}`);
  }

  startsType(offset) {
    const t = this.peek(offset);
    if (t?.kind !== 'id') return false;
    return (
      TYPE_WORDS.has(t.text) ||
      Object.hasOwn(this.dm.typedefs, t.text) ||
      t.text === 'struct' ||
      t.text === 'union' ||
      t.text === 'const' ||
      t.text === 'void'
    );
  }

  /** A type name up to the closing parenthesis, as words (pointers are rejected). */
  typeWords() {
    const words = [];
    for (let t = this.peek(); t?.kind === 'id'; t = this.peek()) {
      words.push(t.text);
      this.pos++;
    }
    if (this.isPunct('*')) throw new CExprError(`pointer type ${words.join(' ')} *`);
    return words.filter((w) => w !== 'const');
  }

  scalarType() {
    const words = this.typeWords();
    const type = resolveScalar(words, this.dm);
    if (!type) throw new CExprError(`${words.join(' ')} is not an integer type`);
    return type;
  }

  /** sizeof(type) or sizeof(type[N]…), e.g. `_IOR(0x94, 49, char[FSLABEL_MAX])`. */
  sizeOfType() {
    const words = this.typeWords();
    let size = this.sizeOfWords(words);
    while (this.isPunct('[')) {
      this.pos++;
      const length = this.conditional().value;
      this.expect(']');
      if (length < 0n) throw new CExprError(`negative array length ${length}`);
      size *= length;
    }
    return size;
  }

  sizeOfWords(words) {
    if (words[0] === 'struct' || words[0] === 'union') {
      const size = this.sizeOfTag(words.join(' '));
      if (size === undefined) {
        throw new CExprError(
          `sizeof(${words.join(' ')}) is known only to a compiler (and libc) for this arch`,
          true,
        );
      }
      return size;
    }
    const type = resolveScalar(words, this.dm);
    if (!type) throw new CExprError(`sizeof(${words.join(' ')}) is not supported`);
    return BigInt(type.bits / 8);
  }
}

function resolveScalar(words, dm) {
  if (words.length === 1 && Object.hasOwn(dm.typedefs, words[0])) return dm.typedefs[words[0]];
  if (!words.every((w) => TYPE_WORDS.has(w))) return undefined;
  const unsigned = words.includes('unsigned');
  const rest = words.filter((w) => w !== 'signed' && w !== 'unsigned' && w !== 'int');
  const base = rest.join(' ') || 'int';
  if (base === 'char')
    return dm.types[unsigned ? 'unsigned char' : words.includes('signed') ? 'signed char' : 'char'];
  if (!['short', 'long', 'long long', 'int'].includes(base)) return undefined;
  return dm.types[unsigned ? `unsigned ${base}` : base];
}

const BINARY_LEVELS = [
  ['||'],
  ['&&'],
  ['|'],
  ['^'],
  ['&'],
  ['==', '!='],
  ['<', '>', '<=', '>='],
  ['<<', '>>'],
  ['+', '-'],
  ['*', '/', '%'],
];

function applyBinary(op, left, right, dm) {
  const int = dm.types.int;
  const bool = (b) => ({ value: b ? 1n : 0n, type: int });
  if (op === '&&') return bool(left.value !== 0n && right.value !== 0n);
  if (op === '||') return bool(left.value !== 0n || right.value !== 0n);
  const a = promote(left, dm);
  const b = promote(right, dm);
  if (op === '<<' || op === '>>') {
    if (b.value < 0n || b.value >= BigInt(a.type.bits)) {
      throw new CExprError(`shift by ${b.value} is undefined for ${a.type.name}`);
    }
    const value = op === '<<' ? a.value << b.value : a.value >> b.value;
    return cast({ value, type: a.type }, a.type);
  }
  const type = commonType(a.type, b.type, dm);
  const x = wrap(a.value, type);
  const y = wrap(b.value, type);
  switch (op) {
    case '==':
      return bool(x === y);
    case '!=':
      return bool(x !== y);
    case '<':
      return bool(x < y);
    case '>':
      return bool(x > y);
    case '<=':
      return bool(x <= y);
    case '>=':
      return bool(x >= y);
    case '/':
    case '%':
      if (y === 0n) throw new CExprError('division by zero');
      // BigInt division truncates toward zero, as C99 does.
      return cast({ value: op === '/' ? x / y : x % y, type }, type);
    default:
      return cast({ value: ARITHMETIC[op](x, y), type }, type);
  }
}

const ARITHMETIC = {
  '+': (x, y) => x + y,
  '-': (x, y) => x - y,
  '*': (x, y) => x * y,
  '&': (x, y) => x & y,
  '|': (x, y) => x | y,
  '^': (x, y) => x ^ y,
};

/**
 * The value of an expanded macro body in the given data model.
 * @param {string} text
 * @param {ReturnType<typeof dataModel>} dm
 * @param {(tag: string) => bigint | undefined} [sizeOfTag] sizes of `struct x` / `union x`
 * @returns {CValue}
 */
export function evaluate(text, dm, sizeOfTag = () => undefined) {
  const tokens = tokenize(text);
  if (tokens.length === 0) throw new CExprError('empty expression');
  return new Parser(tokens, dm, sizeOfTag).parse();
}
