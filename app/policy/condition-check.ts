import { parseSyntax, type Syntax } from './condition-parser';
import {
  locateInText,
  type ArgOperand,
  type ConditionError,
  type ConditionExpr,
  type FlagTest,
  type Locate,
  type ValueExpr,
} from './condition-syntax';
import type { ArgIndex, CompareOp } from './resolved';

export interface ParsedCondition {
  /** Set exactly when `errors` is empty. */
  readonly expr?: ConditionExpr;
  readonly errors: readonly ConditionError[];
}

/**
 * A `when:` condition's text → its syntax tree, or every error found with its range. Never
 * throws. `locate` maps offsets in `text` to document ranges (default: offsets in `text`).
 */
export function parseCondition(text: string, locate: Locate = locateInText): ParsedCondition {
  const { tree, error } = parseSyntax(text);
  if (error) {
    return {
      errors: [
        { code: 'condition-syntax', message: error.message, range: locate(error.start, error.end) },
      ],
    };
  }
  const checker = new Checker(text, locate);
  const expr = checker.condition(tree!);
  return expr && checker.errors.length === 0 ? { expr, errors: [] } : { errors: checker.errors };
}

const ARG = /^arg([0-9]+)$/;
const FLIPPED: Readonly<Record<CompareOp, CompareOp>> = {
  '==': '==',
  '!=': '!=',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
};

function unparen(node: Syntax): Syntax {
  return node.k === 'paren' ? unparen(node.x) : node;
}

/** Decides what each part of the untyped tree is: a condition, an argument or a constant. */
class Checker {
  readonly errors: ConditionError[] = [];

  constructor(
    private readonly text: string,
    private readonly locate: Locate,
  ) {}

  private error(message: string, node: { start: number; end: number }): void {
    this.errors.push({
      code: 'invalid-condition',
      message,
      range: this.locate(node.start, node.end),
    });
  }

  private source(node: Syntax): string {
    return this.text.slice(node.start, node.end);
  }

  private range(node: { start: number; end: number }) {
    return this.locate(node.start, node.end);
  }

  condition(node: Syntax): ConditionExpr | undefined {
    switch (node.k) {
      case 'paren':
        return this.condition(node.x);
      case 'binary':
        if (node.op === '&&' || node.op === '||') return this.junction(node);
        break;
      case 'unary':
        if (node.op === '!') {
          const item = this.condition(node.x);
          return item && { kind: 'not', item, range: this.range(node) };
        }
        break;
      case 'compare':
        return this.compare(node);
      case 'in':
        return this.membership(node);
      case 'call':
        return this.flagTest(node);
    }
    this.notACondition(node);
    return undefined;
  }

  private notACondition(node: Syntax): void {
    const text = this.source(node);
    if (this.isArgument(node)) {
      this.error(
        `"${text}" is not a condition; compare it, e.g. "${text} != 0", or test flags with anyof(...)`,
        node,
      );
    } else {
      this.error(`"${text}" is not a condition; compare an argument, e.g. "arg0 == ${text}"`, node);
    }
  }

  private junction(node: Extract<Syntax, { k: 'binary' }>): ConditionExpr | undefined {
    const kind = node.op === '&&' ? 'and' : 'or';
    const items: ConditionExpr[] = [];
    let ok = true;
    // Flatten a && b && c into one node: the tree is left-nested by the parser.
    const collect = (part: Syntax): void => {
      const inner = unparen(part);
      if (inner.k === 'binary' && inner.op === node.op) {
        collect(inner.l);
        collect(inner.r);
        return;
      }
      const item = this.condition(part);
      if (item) items.push(item);
      else ok = false;
    };
    collect(node);
    return ok ? { kind, items, range: this.range(node) } : undefined;
  }

  private compare(node: Extract<Syntax, { k: 'compare' }>): ConditionExpr | undefined {
    const leftIsArg = this.isArgument(node.l);
    const rightIsArg = this.isArgument(node.r);
    if (leftIsArg && rightIsArg) {
      this.error(
        'seccomp can only compare an argument with a constant, not with another argument',
        node,
      );
      return undefined;
    }
    if (!leftIsArg && !rightIsArg) {
      this.error(`"${this.source(node)}" does not involve an argument (arg0..arg5)`, node);
      return undefined;
    }
    const [argNode, valueNode, op] = leftIsArg
      ? [node.l, node.r, node.op]
      : [node.r, node.l, FLIPPED[node.op]];
    const arg = this.argument(argNode);
    const value = this.value(valueNode);
    return arg && value && { kind: 'compare', arg, op, value, range: this.range(node) };
  }

  private membership(node: Extract<Syntax, { k: 'in' }>): ConditionExpr | undefined {
    if (!this.isArgument(node.l)) {
      this.error(
        `the left side of "in" must be an argument (arg0..arg5), not "${this.source(node.l)}"`,
        node.l,
      );
      return undefined;
    }
    const arg = this.argument(node.l);
    const values = node.items.map((item) => this.value(item));
    if (!arg || values.some((v) => v === undefined)) return undefined;
    return {
      kind: 'in',
      arg,
      negated: node.negated,
      values: values as ValueExpr[],
      range: this.range(node),
    };
  }

  private flagTest(node: Extract<Syntax, { k: 'call' }>): ConditionExpr | undefined {
    const [argNode, flagsNode, ...extra] = node.args;
    if (!argNode || !flagsNode || extra.length > 0) {
      this.error(`${node.name} takes two arguments: ${node.name}(argN, FLAGS)`, node);
      return undefined;
    }
    if (!this.isArgument(argNode)) {
      this.error(`the first argument of ${node.name} must be an argument (arg0..arg5)`, argNode);
      return undefined;
    }
    const arg = this.argument(argNode);
    const flags = this.value(flagsNode);
    return (
      arg &&
      flags && {
        kind: 'flags',
        test: node.name as FlagTest,
        arg,
        flags,
        range: this.range(node),
      }
    );
  }

  /** Whether the node is (meant to be) an argument operand: it mentions argN outside a call. */
  private isArgument(node: Syntax): boolean {
    switch (node.k) {
      case 'name':
        return ARG.test(node.text);
      case 'paren':
      case 'cast':
        return this.isArgument(node.x);
      case 'unary':
        return node.op !== '!' && this.isArgument(node.x);
      case 'binary':
        return (
          node.op !== '&&' &&
          node.op !== '||' &&
          (this.isArgument(node.l) || this.isArgument(node.r))
        );
      default:
        return false;
    }
  }

  /** `argN`, `(cast)argN`, `argN & MASK` (in either order, masks may be chained). */
  private argument(node: Syntax): ArgOperand | undefined {
    switch (node.k) {
      case 'paren':
        return this.argument(node.x);
      case 'name':
        return this.argIndex(node);
      case 'cast': {
        const inner = this.argument(node.x);
        if (!inner) return undefined;
        if (inner.cast !== 'u64') {
          this.error('an argument can only be cast once', node);
          return undefined;
        }
        return { ...inner, cast: node.cast, range: this.range(node) };
      }
      case 'binary':
        if (node.op === '&') return this.masked(node);
        this.error(`only "&" (a mask) can be applied to an argument, not "${node.op}"`, node);
        return undefined;
      default:
        this.error(
          `"${this.source(node)}" cannot be applied to an argument; only "&" masks can`,
          node,
        );
        return undefined;
    }
  }

  private masked(node: Extract<Syntax, { k: 'binary' }>): ArgOperand | undefined {
    const leftIsArg = this.isArgument(node.l);
    if (leftIsArg && this.isArgument(node.r)) {
      this.error('an argument can only be masked with a constant, not with another argument', node);
      return undefined;
    }
    const arg = this.argument(leftIsArg ? node.l : node.r);
    const mask = this.value(leftIsArg ? node.r : node.l);
    if (!arg || !mask) return undefined;
    const combined: ValueExpr = arg.mask
      ? { kind: 'binary', op: '&', left: arg.mask, right: mask, range: this.range(node) }
      : mask;
    return { ...arg, mask: combined, range: this.range(node) };
  }

  private argIndex(node: Extract<Syntax, { k: 'name' }>): ArgOperand | undefined {
    const index = Number(ARG.exec(node.text)?.[1]);
    if (!(index >= 0 && index <= 5)) {
      this.error(`there is no ${node.text}: syscalls have six arguments, arg0..arg5`, node);
      return undefined;
    }
    return { kind: 'arg', index: index as ArgIndex, cast: 'u64', range: this.range(node) };
  }

  /** A constant expression. */
  value(node: Syntax): ValueExpr | undefined {
    const range = this.range(node);
    switch (node.k) {
      case 'int':
        return { kind: 'int', value: node.value, range };
      case 'name':
        if (ARG.test(node.text)) {
          this.error(`${node.text} cannot appear here; only a constant can`, node);
          return undefined;
        }
        return { kind: 'const', name: node.text, range };
      case 'paren':
        return this.value(node.x);
      case 'unary': {
        if (node.op === '!') break;
        const operand = this.value(node.x);
        return operand && { kind: 'unary', op: node.op, operand, range };
      }
      case 'binary': {
        if (node.op === '&&' || node.op === '||') break;
        const left = this.value(node.l);
        const right = this.value(node.r);
        return left && right && { kind: 'binary', op: node.op, left, right, range };
      }
      case 'cast':
        this.error('casts apply to arguments only, e.g. (int)arg0', node);
        return undefined;
      case 'call':
        this.error(`${node.name}(...) is a condition, not a value`, node);
        return undefined;
    }
    this.error(`"${this.source(node)}" is a condition, not a value`, node);
    return undefined;
  }
}
