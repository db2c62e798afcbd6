import { constantValue, unevaluatedConstantReason } from '../linux/arch-constants';
import type { ArchInfo } from '../linux/arches';
import type { ArgOperand, ConditionExpr, ValueExpr } from './condition-syntax';
import type { ArgCompare, ArgCondition, CompareOp } from './resolved';
import type { Severity, SourceRange } from './source-range';

/**
 * A condition as written → the ArgCondition the compiler takes, for one arch: constants get that
 * arch's values, `in`/`allof`/`anyof`/`noneof` become comparisons, values are checked against
 * and truncated to the compared width.
 */

export interface ConditionProblem {
  readonly severity: Severity;
  readonly code: 'unknown-constant' | 'value-out-of-range' | 'sign-extension';
  /** Without the arch: check-policy merges the same problem on several arches into one message. */
  readonly message: string;
  readonly range: SourceRange;
}

export interface ResolvedCondition {
  /** Undefined when a problem is an error. */
  readonly condition?: ArgCondition;
  readonly problems: readonly ConditionProblem[];
}

/** Shift counts beyond this make no sense for 64-bit values and would only grow numbers. */
const MAX_SHIFT = 64n;

export function resolveCondition(expr: ConditionExpr, arch: ArchInfo): ResolvedCondition {
  const resolver = new Resolver(arch);
  const condition = resolver.condition(expr);
  const failed = resolver.problems.some((p) => p.severity === 'error');
  return failed || !condition
    ? { problems: resolver.problems }
    : { condition, problems: resolver.problems };
}

interface Width {
  readonly bits: 32 | 64;
  readonly signed: boolean;
  /** Why the width is 32 when it is, for messages. */
  readonly why?: string;
}

class Resolver {
  readonly problems: ConditionProblem[] = [];

  constructor(private readonly arch: ArchInfo) {}

  private problem(
    severity: Severity,
    code: ConditionProblem['code'],
    message: string,
    range: SourceRange,
  ): void {
    this.problems.push({ severity, code, message, range });
  }

  condition(expr: ConditionExpr): ArgCondition | undefined {
    switch (expr.kind) {
      case 'and':
      case 'or': {
        const items = expr.items.map((item) => this.condition(item));
        return items.every((i) => i !== undefined)
          ? { kind: expr.kind, items: items as ArgCondition[] }
          : undefined;
      }
      case 'not': {
        const item = this.condition(expr.item);
        return item && { kind: 'not', item };
      }
      case 'compare':
        return this.compare(expr.arg, expr.op, expr.value);
      case 'in': {
        const op = expr.negated ? '!=' : '==';
        const items = expr.values.map((value) => this.compare(expr.arg, op, value));
        if (!items.every((i) => i !== undefined)) return undefined;
        if (items.length === 1) return items[0];
        return { kind: expr.negated ? 'and' : 'or', items: items as ArgCondition[] };
      }
      case 'flags':
        return this.flagTest(expr);
    }
  }

  private width(arg: ArgOperand): Width {
    const signed = arg.cast === 's32' || arg.cast === 's64';
    if (this.arch.bits === 32) {
      return { bits: 32, signed, why: 'syscall arguments are 32 bits wide' };
    }
    if (arg.cast === 'u32' || arg.cast === 's32') {
      return {
        bits: 32,
        signed,
        why: `${arg.cast === 's32' ? '(int)' : '(u32)'} compares 32 bits`,
      };
    }
    return { bits: 64, signed };
  }

  private compare(arg: ArgOperand, op: CompareOp, valueExpr: ValueExpr): ArgCompare | undefined {
    const width = this.width(arg);
    const value = this.fitted(valueExpr, width);
    const mask = arg.mask && this.fitted(arg.mask, width);
    if (value === undefined || (arg.mask && mask === undefined)) return undefined;
    this.checkSignExtension(arg, valueExpr, value, width);
    return {
      kind: 'cmp',
      arg: arg.index,
      op,
      value: BigInt.asUintN(width.bits, value),
      ...(mask !== undefined && { mask: BigInt.asUintN(width.bits, mask) }),
      width: width.bits,
      signed: width.signed,
    };
  }

  /** allof(a, F): a & F == F; anyof: a & F != 0; noneof: a & F == 0 (a's own mask applies too). */
  private flagTest(expr: Extract<ConditionExpr, { kind: 'flags' }>): ArgCompare | undefined {
    const width = this.width(expr.arg);
    const flags = this.fitted(expr.flags, width);
    const own = expr.arg.mask && this.fitted(expr.arg.mask, width);
    if (flags === undefined || (expr.arg.mask && own === undefined)) return undefined;
    const truncated = BigInt.asUintN(width.bits, flags);
    const mask = own === undefined ? truncated : BigInt.asUintN(width.bits, own) & truncated;
    const [op, value]: [CompareOp, bigint] =
      expr.test === 'allof' ? ['==', truncated] : expr.test === 'anyof' ? ['!=', 0n] : ['==', 0n];
    return { kind: 'cmp', arg: expr.arg.index, op, value, mask, width: width.bits, signed: false };
  }

  /** The value if it fits the width as a signed or an unsigned number (bit patterns allowed). */
  private fitted(expr: ValueExpr, width: Width): bigint | undefined {
    const value = this.evaluate(expr);
    if (value === undefined) return undefined;
    const limit = 1n << BigInt(width.bits);
    if (value >= -(limit >> 1n) && value < limit) return value;
    const why = width.why ? ` (${width.why})` : '';
    this.problem(
      'error',
      'value-out-of-range',
      `${formatNumber(value)} does not fit in ${width.bits} bits${why}`,
      expr.range,
    );
    return undefined;
  }

  /**
   * A negative value against a whole 64-bit register: C passes `int` arguments (fds, AT_FDCWD)
   * with the high half zero, so `arg0 == -100` never matches what glibc sends.
   */
  private checkSignExtension(arg: ArgOperand, expr: ValueExpr, value: bigint, width: Width): void {
    if (width.bits !== 64 || width.signed || value >= 0n || arg.mask) return;
    const low = BigInt.asUintN(32, value);
    this.problem(
      'warning',
      'sign-extension',
      `${formatNumber(value)} is compared as the 64-bit 0x${BigInt.asUintN(64, value).toString(16)}, but an int argument arrives as 0x${low.toString(16)}: write (int)arg${arg.index}, or (s64)arg${arg.index} for a long`,
      expr.range,
    );
  }

  /** Arbitrary precision, two's complement for ~ and negative numbers; undefined on error. */
  evaluate(expr: ValueExpr): bigint | undefined {
    switch (expr.kind) {
      case 'int':
        return expr.value;
      case 'const':
        return this.constant(expr.name, expr.range);
      case 'unary': {
        const operand = this.evaluate(expr.operand);
        if (operand === undefined) return undefined;
        return expr.op === '~' ? ~operand : -operand;
      }
      case 'binary': {
        const left = this.evaluate(expr.left);
        const right = this.evaluate(expr.right);
        if (left === undefined || right === undefined) return undefined;
        return this.binary(expr, left, right);
      }
    }
  }

  private binary(expr: Extract<ValueExpr, { kind: 'binary' }>, left: bigint, right: bigint) {
    switch (expr.op) {
      case '|':
        return left | right;
      case '&':
        return left & right;
      case '^':
        return left ^ right;
      case '<<':
      case '>>':
        if (right < 0n || right >= MAX_SHIFT) {
          this.problem(
            'error',
            'value-out-of-range',
            `shift by ${formatNumber(right)}: shift counts must be 0..${MAX_SHIFT - 1n}`,
            expr.right.range,
          );
          return undefined;
        }
        return expr.op === '<<' ? left << right : left >> right;
    }
  }

  private constant(name: string, range: SourceRange): bigint | undefined {
    const value = constantValue(this.arch.name, name);
    if (value !== undefined) return value;
    const reason = unevaluatedConstantReason(this.arch.name, name);
    this.problem(
      'error',
      'unknown-constant',
      reason ? `${name} has no value: ${reason}` : `${name} is not defined`,
      range,
    );
    return undefined;
  }
}

export function formatNumber(value: bigint): string {
  if (value < 0n) return `-${formatNumber(-value)}`;
  return value < 256n ? value.toString() : `0x${value.toString(16)}`;
}
