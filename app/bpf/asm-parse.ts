import { BPF, SECCOMP } from '../linux/constants';
import { errnoByName } from '../linux/errno';
import { AsmSyntaxError, tokenizeAsm, type AsmToken } from './asm-lex';
import { auditArchByName } from './disasm-names';
import { ALU_OPERATORS } from './disasm-text';
import { OP, SECCOMP_DATA } from './encode';

/**
 * One statement of seccomp-tools style assembly, parsed but not yet placed: jump targets are
 * labels or line numbers, and syscall names wait for the arch the path to them establishes.
 */
export type AsmTarget =
  | { readonly kind: 'next' }
  | { readonly kind: 'line'; readonly number: number; readonly column: number }
  | { readonly kind: 'label'; readonly name: string; readonly column: number };

export type AsmValue =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'syscall'; readonly name: string; readonly column: number };

export type Statement =
  | { readonly kind: 'insn'; readonly code: number; readonly k: AsmValue }
  | {
      readonly kind: 'jump';
      readonly code: number;
      readonly k: AsmValue;
      readonly jt: AsmTarget;
      readonly jf: AsmTarget;
    }
  | { readonly kind: 'ja'; readonly target: AsmTarget };

const NEXT: AsmTarget = { kind: 'next' };
const ZERO: AsmValue = { kind: 'number', value: 0 };

/** Comparison operators → [jump op, negated]. */
const COMPARISONS: ReadonlyMap<string, readonly [number, boolean]> = new Map([
  ['==', [BPF.BPF_JEQ, false]],
  ['!=', [BPF.BPF_JEQ, true]],
  ['>', [BPF.BPF_JGT, false]],
  ['<=', [BPF.BPF_JGT, true]],
  ['>=', [BPF.BPF_JGE, false]],
  ['<', [BPF.BPF_JGE, true]],
  ['&', [BPF.BPF_JSET, false]],
] as const);

const ALU_ASSIGN: ReadonlyMap<string, number> = new Map(
  [...ALU_OPERATORS].map(([op, symbol]) => [`${symbol}=`, op]),
);

/** Return values by seccomp-tools name; `KILL` is SECCOMP_RET_KILL (= KILL_THREAD). */
const ACTIONS: ReadonlyMap<string, number> = new Map([
  ['KILL', SECCOMP.SECCOMP_RET_KILL],
  ['KILL_THREAD', SECCOMP.SECCOMP_RET_KILL_THREAD],
  ['KILL_PROCESS', SECCOMP.SECCOMP_RET_KILL_PROCESS >>> 0],
  ['TRAP', SECCOMP.SECCOMP_RET_TRAP],
  ['ERRNO', SECCOMP.SECCOMP_RET_ERRNO],
  ['USER_NOTIF', SECCOMP.SECCOMP_RET_USER_NOTIF],
  ['TRACE', SECCOMP.SECCOMP_RET_TRACE],
  ['LOG', SECCOMP.SECCOMP_RET_LOG],
  ['ALLOW', SECCOMP.SECCOMP_RET_ALLOW],
]);

const STATEMENT_FORMS =
  'A = ..., X = ..., mem[N] = A, A += ..., if (A == K) goto L, goto L, return ACTION';

interface Condition {
  readonly op: number;
  readonly negated: boolean;
  readonly source: 'K' | 'X';
  readonly k: AsmValue;
}

class StatementParser {
  private at = 0;

  constructor(private readonly tokens: readonly AsmToken[]) {}

  parse(): Statement {
    const statement = this.statement();
    this.expectEnd();
    return statement;
  }

  private peek(offset = 0): AsmToken {
    return this.tokens[Math.min(this.at + offset, this.tokens.length - 1)] as AsmToken;
  }

  private next(): AsmToken {
    const token = this.peek();
    if (this.at < this.tokens.length - 1) this.at += 1;
    return token;
  }

  private is(text: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind !== 'number' && token.text === text;
  }

  private fail(message: string, token: AsmToken = this.peek()): never {
    throw new AsmSyntaxError(message, token.column);
  }

  private expect(text: string, what = `"${text}"`): AsmToken {
    if (!this.is(text)) this.fail(`expected ${what}, found ${shown(this.peek())}`);
    return this.next();
  }

  private expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'end') this.fail(`unexpected ${shown(token)} after the statement`);
  }

  private number(what: string, max: number): number {
    const token = this.peek();
    if (token.kind !== 'number') this.fail(`expected ${what}, found ${shown(token)}`);
    if (token.value > max) this.fail(`${what} must be 0..${max}, not ${token.text}`);
    this.next();
    return token.value;
  }

  private statement(): Statement {
    const token = this.peek();
    if (token.kind !== 'word') this.fail(`expected a statement (${STATEMENT_FORMS})`);
    switch (token.text) {
      case 'return':
        this.next();
        return this.returnValue();
      case 'goto':
        this.next();
        return { kind: 'ja', target: this.target() };
      case 'if':
        this.next();
        return this.ifStatement();
      case 'A':
        return this.accumulatorStatement();
      case 'X':
        this.next();
        this.expect('=');
        return this.loadX();
      case 'mem': {
        const slot = this.memSlot();
        this.expect('=');
        const source = this.next();
        if (source.text === 'A') return insn(OP.ST, slot);
        if (source.text === 'X') return insn(OP.STX, slot);
        return this.fail(`expected A or X to store, found ${shown(source)}`, source);
      }
      default:
        return this.fail(`expected a statement (${STATEMENT_FORMS}), found ${shown(token)}`);
    }
  }

  private accumulatorStatement(): Statement {
    this.next();
    const op = this.peek();
    if (op.kind !== 'punct') this.fail(`expected =, an operator like += or a comparison after A`);
    if (op.text === '=') {
      this.next();
      return this.loadA();
    }
    const alu = ALU_ASSIGN.get(op.text);
    if (alu !== undefined) {
      this.next();
      if (this.is('X')) {
        this.next();
        return insn(BPF.BPF_ALU | alu | BPF.BPF_X, 0);
      }
      return { kind: 'insn', code: BPF.BPF_ALU | alu | BPF.BPF_K, k: this.value() };
    }
    // seccomp-tools' ternary form: `A == read ? allow : next`.
    this.at -= 1;
    const condition = this.comparison();
    this.expect('?');
    const whenTrue = this.target();
    this.expect(':');
    const whenFalse = this.target();
    return conditional(condition, whenTrue, whenFalse);
  }

  private ifStatement(): Statement {
    this.expect('(');
    const condition = this.condition();
    this.expect(')');
    this.expect('goto');
    const whenTrue = this.target();
    let whenFalse = NEXT;
    if (this.is('else')) {
      this.next();
      this.expect('goto');
      whenFalse = this.target();
    }
    return conditional(condition, whenTrue, whenFalse);
  }

  private condition(): Condition {
    if (this.is('!')) {
      this.next();
      const inner = this.condition();
      return { ...inner, negated: !inner.negated };
    }
    if (this.is('(')) {
      this.next();
      const inner = this.condition();
      this.expect(')');
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Condition {
    this.expect('A', 'A (conditions compare the accumulator)');
    const token = this.next();
    const comparison = token.kind === 'punct' ? COMPARISONS.get(token.text) : undefined;
    if (comparison === undefined) {
      this.fail(`expected a comparison (== != > >= < <= &), found ${shown(token)}`, token);
    }
    const [op, negated] = comparison;
    if (this.is('X')) {
      this.next();
      return { op, negated, source: 'X', k: ZERO };
    }
    return { op, negated, source: 'K', k: this.value() };
  }

  private target(): AsmTarget {
    const token = this.next();
    if (token.kind === 'number') return { kind: 'line', number: token.value, column: token.column };
    if (token.kind === 'word' && token.text === 'next') return NEXT;
    if (token.kind === 'word' && !token.text.includes('.')) {
      return { kind: 'label', name: token.text, column: token.column };
    }
    return this.fail(`expected a line number or label to go to, found ${shown(token)}`, token);
  }

  private loadA(): Statement {
    const token = this.peek();
    if (token.kind === 'word') {
      const offset = this.dataWord();
      if (offset !== undefined) return insn(OP.LD_W_ABS, offset);
      switch (token.text) {
        case 'mem':
          return insn(OP.LD_MEM, this.memSlot());
        case 'X':
          this.next();
          return insn(OP.TXA, 0);
        case 'sizeof':
          this.sizeofData();
          return insn(OP.LD_W_LEN, 0);
      }
    }
    if (token.kind === 'punct' && token.text === '-' && this.is('A', 1)) {
      this.next();
      this.next();
      return insn(BPF.BPF_ALU | BPF.BPF_NEG, 0);
    }
    if (this.is('(') && this.is('args', 1)) {
      this.next();
      const offset = this.dataWord();
      this.expect(')');
      if (offset !== undefined) return insn(OP.LD_W_ABS, offset);
    }
    return { kind: 'insn', code: OP.LD_IMM, k: this.value() };
  }

  private loadX(): Statement {
    if (this.is('A')) {
      this.next();
      return insn(OP.TAX, 0);
    }
    if (this.is('mem')) return insn(OP.LDX_MEM, this.memSlot());
    if (this.is('sizeof')) {
      this.sizeofData();
      return insn(OP.LDX_W_LEN, 0);
    }
    return { kind: 'insn', code: OP.LDX_IMM, k: this.value() };
  }

  /** `sys_number`, `arch`, `instruction_pointer [>> 32]`, `args[N] [>> 32]`, `data[N]`. */
  private dataWord(): number | undefined {
    const token = this.peek();
    switch (token.text) {
      case 'sys_number':
        this.next();
        return SECCOMP_DATA.nr;
      case 'arch':
        this.next();
        return SECCOMP_DATA.arch;
      case 'instruction_pointer':
        this.next();
        return SECCOMP_DATA.instructionPointer + this.highHalf();
      case 'args': {
        this.next();
        this.expect('[');
        const index = this.number('an argument index', 5);
        this.expect(']');
        return SECCOMP_DATA.args + index * SECCOMP_DATA.argSize + this.highHalf();
      }
      case 'data': {
        this.next();
        this.expect('[');
        const offset = this.number('a byte offset', 0xffffffff);
        this.expect(']');
        return offset;
      }
      default:
        return undefined;
    }
  }

  /** `>> 32` after a 64-bit field: its high word, 4 bytes further on little-endian machines. */
  private highHalf(): number {
    if (!this.is('>>')) return 0;
    this.next();
    const amount = this.peek();
    if (amount.kind !== 'number' || amount.value !== 32) {
      this.fail('only ">> 32" (the high 32 bits) can follow a 64-bit field', amount);
    }
    this.next();
    return 4;
  }

  private memSlot(): number {
    this.expect('mem');
    this.expect('[');
    const slot = this.number('a scratch memory slot', BPF.BPF_MEMWORDS - 1);
    this.expect(']');
    return slot;
  }

  private sizeofData(): void {
    this.expect('sizeof');
    this.expect('(');
    this.expect('seccomp_data');
    this.expect(')');
  }

  private value(): AsmValue {
    const token = this.next();
    if (token.kind === 'number') return { kind: 'number', value: token.value };
    if (token.kind === 'punct' && token.text === '-') {
      const magnitude = this.peek();
      if (magnitude.kind !== 'number') this.fail(`expected a number after -`, magnitude);
      this.next();
      return { kind: 'number', value: -magnitude.value >>> 0 };
    }
    if (token.kind === 'word' && !RESERVED.has(token.text)) {
      const arch = auditArchByName(token.text);
      if (arch !== undefined && /^(AUDIT_)?ARCH_/.test(token.text)) {
        return { kind: 'number', value: arch };
      }
      return { kind: 'syscall', name: token.text, column: token.column };
    }
    return this.fail(`expected a number, an arch or a syscall name, found ${shown(token)}`, token);
  }

  private returnValue(): Statement {
    const token = this.next();
    if (token.kind === 'word' && token.text === 'A') return insn(OP.RET_A, 0);
    if (token.kind === 'number') return insn(OP.RET_K, token.value);
    const action = token.kind === 'word' ? ACTIONS.get(token.text) : undefined;
    if (action === undefined) {
      const names = [...ACTIONS.keys()].join(', ');
      this.fail(`expected A, a number or an action (${names}), found ${shown(token)}`, token);
    }
    if (!this.is('(')) {
      if (token.text === 'ERRNO') this.fail('ERRNO needs a value: ERRNO(13) or ERRNO(EACCES)');
      return insn(OP.RET_K, action);
    }
    this.next();
    const data = this.returnData(token.text);
    this.expect(')');
    return insn(OP.RET_K, (action | data) >>> 0);
  }

  private returnData(action: string): number {
    const token = this.peek();
    if (token.kind === 'word' && action === 'ERRNO') {
      const errno = errnoByName(token.text);
      if (errno === undefined) this.fail(`unknown errno name ${token.text}`, token);
      this.next();
      return errno.value;
    }
    return this.number(`the ${action} data`, SECCOMP.SECCOMP_RET_DATA);
  }
}

/** Words that are syntax, never a syscall name. */
const RESERVED: ReadonlySet<string> = new Set([
  'A',
  'X',
  'if',
  'else',
  'goto',
  'return',
  'mem',
  'args',
  'data',
  'next',
  'sizeof',
]);

function insn(code: number, k: number): Statement {
  return { kind: 'insn', code, k: { kind: 'number', value: k } };
}

function conditional(condition: Condition, whenTrue: AsmTarget, whenFalse: AsmTarget): Statement {
  const code = BPF.BPF_JMP | condition.op | (condition.source === 'X' ? BPF.BPF_X : BPF.BPF_K);
  const [jt, jf] = condition.negated ? [whenFalse, whenTrue] : [whenTrue, whenFalse];
  return { kind: 'jump', code, k: condition.k, jt, jf };
}

function shown(token: AsmToken): string {
  return token.kind === 'end' ? 'the end of the line' : `"${token.text}"`;
}

/** Parses one statement (comments and labels already removed) starting at source `column`. */
export function parseStatement(text: string, column: number): Statement {
  if (/^\/\*\s*no-op\s*\*\/$/.test(text.trim())) return { kind: 'ja', target: NEXT };
  return new StatementParser(tokenizeAsm(text, column)).parse();
}
