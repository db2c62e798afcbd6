import type { ArgIndex, CompareOp } from './resolved';
import type { SourceRange } from './source-range';

/**
 * The syntax tree of a rule's `when:` condition, as written: constants are still names (they are
 * resolved per architecture later, see resolve.ts). Every node keeps the range of its text so a
 * diagnostic can underline exactly the part at fault.
 */

/**
 * How an argument is read before comparing: `u64` (no cast) is the whole register; `(u32)` and
 * `(int)` look at the low 32 bits only, unsigned or signed; `(s64)`/`(long)` is the whole register
 * as a signed number.
 */
export type ArgCast = 'u64' | 'u32' | 's32' | 's64';

/** `argN`, optionally cast and masked: `(int)arg0`, `arg2 & PROT_EXEC`. */
export interface ArgOperand {
  readonly kind: 'arg';
  readonly index: ArgIndex;
  readonly cast: ArgCast;
  readonly mask?: ValueExpr;
  readonly range: SourceRange;
}

export type ValueOp = '|' | '^' | '&' | '<<' | '>>';

/** A constant expression: literals, named constants (per arch), `~ - | ^ & << >>`. */
export type ValueExpr =
  | { readonly kind: 'int'; readonly value: bigint; readonly range: SourceRange }
  | { readonly kind: 'const'; readonly name: string; readonly range: SourceRange }
  | {
      readonly kind: 'unary';
      readonly op: '~' | '-';
      readonly operand: ValueExpr;
      readonly range: SourceRange;
    }
  | {
      readonly kind: 'binary';
      readonly op: ValueOp;
      readonly left: ValueExpr;
      readonly right: ValueExpr;
      readonly range: SourceRange;
    };

export type FlagTest = 'allof' | 'anyof' | 'noneof';

export type ConditionExpr =
  | {
      readonly kind: 'compare';
      readonly arg: ArgOperand;
      readonly op: CompareOp;
      readonly value: ValueExpr;
      readonly range: SourceRange;
    }
  | {
      readonly kind: 'in';
      readonly arg: ArgOperand;
      /** `not in` */
      readonly negated: boolean;
      readonly values: readonly ValueExpr[];
      readonly range: SourceRange;
    }
  | {
      readonly kind: 'flags';
      readonly test: FlagTest;
      readonly arg: ArgOperand;
      readonly flags: ValueExpr;
      readonly range: SourceRange;
    }
  | {
      readonly kind: 'and' | 'or';
      readonly items: readonly ConditionExpr[];
      readonly range: SourceRange;
    }
  | { readonly kind: 'not'; readonly item: ConditionExpr; readonly range: SourceRange };

/** A problem in a condition's text, with the range of the characters at fault. */
export interface ConditionError {
  readonly message: string;
  readonly code: 'condition-syntax' | 'invalid-condition';
  readonly range: SourceRange;
}

/**
 * Maps a span of the condition text (0-based offsets into the string) to a range in the document.
 * Conditions come from YAML scalars, where quoting, escapes and line folding move characters.
 */
export type Locate = (start: number, end: number) => SourceRange;

/** Ranges within the condition text itself, as if it were a one-line document. */
export const locateInText: Locate = (start, end) => ({
  start: { line: 1, column: start + 1, offset: start },
  end: { line: 1, column: end + 1, offset: end },
});

/** Every named constant a condition uses, in text order. */
export function conditionConstants(expr: ConditionExpr): Extract<ValueExpr, { kind: 'const' }>[] {
  const found: Extract<ValueExpr, { kind: 'const' }>[] = [];
  const visitValue = (value: ValueExpr): void => {
    if (value.kind === 'const') found.push(value);
    else if (value.kind === 'unary') visitValue(value.operand);
    else if (value.kind === 'binary') {
      visitValue(value.left);
      visitValue(value.right);
    }
  };
  const visitArg = (arg: ArgOperand): void => {
    if (arg.mask) visitValue(arg.mask);
  };
  const visit = (node: ConditionExpr): void => {
    switch (node.kind) {
      case 'compare':
        visitArg(node.arg);
        return visitValue(node.value);
      case 'in':
        visitArg(node.arg);
        return node.values.forEach(visitValue);
      case 'flags':
        visitArg(node.arg);
        return visitValue(node.flags);
      case 'and':
      case 'or':
        return node.items.forEach(visit);
      case 'not':
        return visit(node.item);
    }
  };
  visit(expr);
  return found;
}
