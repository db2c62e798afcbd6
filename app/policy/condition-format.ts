import type { ArgCast, ArgOperand, ConditionExpr, ValueExpr } from './condition-syntax';

/**
 * The canonical text of a condition: one space around operators, parentheses only where the
 * precedence needs them, numbers in decimal up to 255 and hexadecimal above. Parsing the result
 * gives the same tree (ranges aside), so equal texts mean equal conditions as written.
 */
export function formatCondition(expr: ConditionExpr): string {
  return formatAt(expr, 0);
}

/** Binding strength of condition nodes: || 1, && 2, ! 3, comparisons 4. */
function strength(expr: ConditionExpr): number {
  switch (expr.kind) {
    case 'or':
      return 1;
    case 'and':
      return 2;
    case 'not':
      return 3;
    default:
      return 4;
  }
}

function formatAt(expr: ConditionExpr, context: number): string {
  const text = formatNode(expr);
  return strength(expr) < context ? `(${text})` : text;
}

function formatNode(expr: ConditionExpr): string {
  switch (expr.kind) {
    case 'or':
      return expr.items.map((item) => formatAt(item, 2)).join(' || ');
    case 'and':
      return expr.items.map((item) => formatAt(item, 3)).join(' && ');
    case 'not':
      return `!${formatAt(expr.item, 3)}`;
    case 'compare':
      return `${formatArg(expr.arg)} ${expr.op} ${formatValue(expr.value, VALUE_TOP)}`;
    case 'in':
      return `${formatArg(expr.arg)} ${expr.negated ? 'not in' : 'in'} {${expr.values
        .map((v) => formatValue(v, VALUE_TOP))
        .join(', ')}}`;
    case 'flags':
      return `${expr.test}(${formatArg(expr.arg)}, ${formatValue(expr.flags, VALUE_TOP)})`;
  }
}

const CAST_TEXT: Readonly<Record<ArgCast, string>> = {
  u64: '',
  u32: '(u32)',
  s32: '(int)',
  s64: '(s64)',
};

function formatArg(arg: ArgOperand): string {
  const base = `${CAST_TEXT[arg.cast]}arg${arg.index}`;
  return arg.mask ? `${base} & ${formatValue(arg.mask, BINARY_STRENGTH['&'] + 1)}` : base;
}

const VALUE_TOP = 0;
/** Python's order: | loosest, then ^, &, shifts; unary binds tightest. */
const BINARY_STRENGTH = { '|': 1, '^': 2, '&': 3, '<<': 4, '>>': 4 } as const;
const UNARY_STRENGTH = 5;

function formatValue(value: ValueExpr, context: number): string {
  switch (value.kind) {
    case 'int':
      return formatInt(value.value);
    case 'const':
      return value.name;
    case 'unary':
      return wrap(
        `${value.op}${formatValue(value.operand, UNARY_STRENGTH)}`,
        UNARY_STRENGTH,
        context,
      );
    case 'binary': {
      const own = BINARY_STRENGTH[value.op];
      // Left-associative: a right operand of equal strength needs parentheses.
      const text = `${formatValue(value.left, own)} ${value.op} ${formatValue(value.right, own + 1)}`;
      return wrap(text, own, context);
    }
  }
}

function wrap(text: string, own: number, context: number): string {
  return own < context ? `(${text})` : text;
}

function formatInt(value: bigint): string {
  if (value < 0n) return `-${formatInt(-value)}`;
  return value <= 255n ? value.toString() : `0x${value.toString(16)}`;
}
