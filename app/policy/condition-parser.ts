import { tokenize, type Token } from './condition-lexer';
import type { ArgCast } from './condition-syntax';
import type { CompareOp } from './resolved';
import { didYouMean } from './suggest';

/**
 * Recursive-descent parser for the `when:` language, producing an untyped tree; condition-check.ts
 * then decides what is an argument, a constant or a condition. Precedence, loosest first (as in
 * Python, so `arg2 & MASK == 0` means `(arg2 & MASK) == 0`):
 *
 *   ||   &&   !   == != < <= > >= in, not in   |   ^   &   << >>   ~ - (cast)   atoms
 */
export type Syntax =
  | { readonly k: 'int'; readonly value: bigint; readonly start: number; readonly end: number }
  | { readonly k: 'name'; readonly text: string; readonly start: number; readonly end: number }
  | {
      readonly k: 'unary';
      readonly op: '~' | '-' | '!';
      readonly x: Syntax;
      readonly start: number;
      readonly end: number;
    }
  | {
      readonly k: 'cast';
      readonly cast: ArgCast;
      readonly x: Syntax;
      readonly start: number;
      readonly end: number;
    }
  | {
      readonly k: 'binary';
      readonly op: '|' | '^' | '&' | '<<' | '>>' | '&&' | '||';
      readonly l: Syntax;
      readonly r: Syntax;
      readonly start: number;
      readonly end: number;
    }
  | {
      readonly k: 'compare';
      readonly op: CompareOp;
      readonly l: Syntax;
      readonly r: Syntax;
      readonly start: number;
      readonly end: number;
    }
  | {
      readonly k: 'in';
      readonly negated: boolean;
      readonly l: Syntax;
      readonly items: readonly Syntax[];
      readonly start: number;
      readonly end: number;
    }
  | {
      readonly k: 'call';
      readonly name: string;
      readonly args: readonly Syntax[];
      readonly start: number;
      readonly end: number;
    }
  | { readonly k: 'paren'; readonly x: Syntax; readonly start: number; readonly end: number };

export interface SyntaxError {
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

/** Casts as written → how the argument is read. `int`/`long` are the C spellings. */
export const CASTS: Readonly<Record<string, ArgCast>> = {
  u64: 'u64',
  u32: 'u32',
  int: 's32',
  s32: 's32',
  s64: 's64',
  long: 's64',
};

export const FUNCTIONS = ['allof', 'anyof', 'noneof'] as const;

const COMPARE_OPS: readonly string[] = ['==', '!=', '<', '<=', '>', '>='];
/**
 * Deep enough for any real condition, shallow enough that no later recursive walk of the tree
 * exhausts the stack: counts nesting and the length of operator chains (left-deep subtrees).
 */
const MAX_DEPTH = 256;

/** Words people bring from other languages, and what to write instead. */
const INSTEAD: Readonly<Record<string, string>> = {
  and: 'use && to combine conditions',
  or: 'use || for alternatives',
  not: 'negate a condition with !; `not` only appears in `not in`',
  '=': 'use == to compare',
};

class Failure extends Error {
  constructor(readonly detail: SyntaxError) {
    super(detail.message);
  }
}

export function parseSyntax(text: string): { tree?: Syntax; error?: SyntaxError } {
  const { tokens, error } = tokenize(text);
  if (error) {
    const hint = INSTEAD[text.slice(error.start, error.end)];
    return { error: hint ? { ...error, message: `${error.message}; ${hint}` } : error };
  }
  if (tokens.length === 1) return { error: { message: 'empty condition', start: 0, end: 0 } };
  try {
    return { tree: new Parser(tokens).parseAll() };
  } catch (e) {
    if (e instanceof Failure) return { error: e.detail };
    throw e;
  }
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the condition';
    case 'int':
      return `the number ${token.value}`;
    default:
      return `"${token.text}"`;
  }
}

class Parser {
  private at = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  parseAll(): Syntax {
    const tree = this.parseOr();
    const next = this.peek();
    if (next.kind !== 'end') this.unexpected(next, 'after a complete condition');
    return tree;
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.at + ahead, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.at++;
    return token;
  }

  private isPunct(text: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'punct' && token.text === text;
  }

  private isWord(text: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'ident' && token.text === text;
  }

  private fail(message: string, start: number, end: number): never {
    throw new Failure({ message, start, end });
  }

  private unexpected(token: Token, where: string): never {
    const hint = token.kind === 'ident' || token.kind === 'punct' ? INSTEAD[token.text] : undefined;
    this.fail(
      `unexpected ${describe(token)} ${where}${hint ? `; ${hint}` : ''}`,
      token.start,
      token.end,
    );
  }

  private expectPunct(text: string, opened?: Token): Token {
    if (this.isPunct(text)) return this.next();
    const token = this.peek();
    if (opened && token.kind === 'end') {
      this.fail(
        `"${opened.kind === 'punct' ? opened.text : ''}" is never closed`,
        opened.start,
        opened.end,
      );
    }
    this.unexpected(token, `where "${text}" was expected`);
  }

  private nested<T>(token: Token, parse: () => T): T {
    if (++this.depth > MAX_DEPTH) this.tooDeep(token);
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private tooDeep(token: Token): never {
    this.fail(
      'the condition is nested too deeply or too long; split it into several rules or use "in {…}"',
      token.start,
      token.end,
    );
  }

  private binaryLevel(ops: readonly string[], operand: () => Syntax): Syntax {
    let left = operand();
    const depth = this.depth;
    try {
      for (;;) {
        const token = this.peek();
        if (token.kind !== 'punct' || !ops.includes(token.text)) return left;
        this.next();
        // Each operator of a chain adds a level to the (left-deep) tree.
        if (++this.depth > MAX_DEPTH) this.tooDeep(token);
        const right = operand();
        left = {
          k: 'binary',
          op: token.text as Extract<Syntax, { k: 'binary' }>['op'],
          l: left,
          r: right,
          start: left.start,
          end: right.end,
        };
      }
    } finally {
      this.depth = depth;
    }
  }

  private parseOr(): Syntax {
    return this.binaryLevel(['||'], () => this.parseAnd());
  }

  private parseAnd(): Syntax {
    return this.binaryLevel(['&&'], () => this.parseNot());
  }

  private parseNot(): Syntax {
    const token = this.peek();
    if (token.kind === 'punct' && token.text === '!') {
      this.next();
      const x = this.nested(token, () => this.parseNot());
      return { k: 'unary', op: '!', x, start: token.start, end: x.end };
    }
    return this.parseComparison();
  }

  private parseComparison(): Syntax {
    const left = this.parseBitOr();
    const token = this.peek();
    let result: Syntax = left;
    if (token.kind === 'punct' && COMPARE_OPS.includes(token.text)) {
      this.next();
      const right = this.parseBitOr();
      const op = token.text as CompareOp;
      result = { k: 'compare', op, l: left, r: right, start: left.start, end: right.end };
    } else if (this.isWord('in') || (this.isWord('not') && this.isWord('in', 1))) {
      const negated = this.isWord('not');
      this.next();
      if (negated) this.next();
      const { items, end } = this.parseSet();
      result = { k: 'in', negated, l: left, items, start: left.start, end };
    }
    const after = this.peek();
    if (result !== left && after.kind === 'punct' && COMPARE_OPS.includes(after.text)) {
      this.fail('comparisons cannot be chained; combine them with &&', after.start, after.end);
    }
    return result;
  }

  private parseSet(): { items: Syntax[]; end: number } {
    const open = this.peek();
    if (!this.isPunct('{')) this.unexpected(open, 'after "in": write a set such as {A, B}');
    this.next();
    const items: Syntax[] = [];
    while (!this.isPunct('}')) {
      if (this.peek().kind === 'end') this.fail('"{" is never closed', open.start, open.end);
      items.push(this.parseBitOr());
      if (!this.isPunct(',')) break;
      this.next();
    }
    const close = this.expectPunct('}', open);
    if (items.length === 0)
      this.fail('the set is empty; list at least one value', open.start, close.end);
    return { items, end: close.end };
  }

  private parseBitOr(): Syntax {
    return this.binaryLevel(['|'], () => this.parseXor());
  }

  private parseXor(): Syntax {
    return this.binaryLevel(['^'], () => this.parseBitAnd());
  }

  private parseBitAnd(): Syntax {
    return this.binaryLevel(['&'], () => this.parseShift());
  }

  private parseShift(): Syntax {
    return this.binaryLevel(['<<', '>>'], () => this.parseUnary());
  }

  private parseUnary(): Syntax {
    const token = this.peek();
    if (token.kind === 'punct' && (token.text === '~' || token.text === '-')) {
      this.next();
      const x = this.nested(token, () => this.parseUnary());
      return { k: 'unary', op: token.text, x, start: token.start, end: x.end };
    }
    const castName = this.peek(1);
    if (
      this.isPunct('(') &&
      castName.kind === 'ident' &&
      CASTS[castName.text] &&
      this.isPunct(')', 2)
    ) {
      this.at += 3;
      const x = this.nested(token, () => this.parseUnary());
      return { k: 'cast', cast: CASTS[castName.text]!, x, start: token.start, end: x.end };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Syntax {
    const token = this.next();
    switch (token.kind) {
      case 'int':
        return { k: 'int', value: token.value, start: token.start, end: token.end };
      case 'ident':
        if (this.isPunct('(') && (FUNCTIONS as readonly string[]).includes(token.text)) {
          return this.parseCall(token);
        }
        if (token.text === 'in' || token.text === 'not') this.unexpected(token, 'here');
        if (this.isPunct('(')) {
          const known = `(functions: ${FUNCTIONS.join(', ')})`;
          this.fail(
            `unknown function "${token.text}"${didYouMean(token.text, FUNCTIONS)} ${known}`,
            token.start,
            token.end,
          );
        }
        return { k: 'name', text: token.text, start: token.start, end: token.end };
      case 'punct':
        if (token.text === '(') {
          const x = this.nested(token, () => this.parseOr());
          const close = this.expectPunct(')', token);
          return { k: 'paren', x, start: token.start, end: close.end };
        }
        if (token.text === '{') {
          this.fail('a set {…} can only follow "in" or "not in"', token.start, token.end);
        }
        return this.unexpected(token, 'where a value was expected');
      case 'end':
        return this.unexpected(token, 'where a value was expected');
    }
  }

  private parseCall(name: Extract<Token, { kind: 'ident' }>): Syntax {
    const open = this.next();
    const args: Syntax[] = [];
    while (!this.isPunct(')')) {
      if (this.peek().kind === 'end') this.fail('"(" is never closed', open.start, open.end);
      args.push(this.nested(open, () => this.parseBitOr()));
      if (!this.isPunct(',')) break;
      this.next();
    }
    const close = this.expectPunct(')', open);
    return { k: 'call', name: name.text, args, start: name.start, end: close.end };
  }
}
