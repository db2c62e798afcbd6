import type { ArgCompare, ArgCondition, CompareOp } from '../policy/resolved';

/*
 * Argument conditions put in a canonical form before code generation: negation normal form (no
 * `not`: every comparison has a negation), masks and values truncated to the width, comparisons
 * whose outcome cannot vary folded to true or false.
 */

const NEGATED: Readonly<Record<CompareOp, CompareOp>> = {
  '==': '!=',
  '!=': '==',
  '<': '>=',
  '>=': '<',
  '>': '<=',
  '<=': '>',
};

const isOrdering = (op: CompareOp): boolean => op !== '==' && op !== '!=';

export const allOnes = (width: number): bigint => (1n << BigInt(width)) - 1n;

/** Mask and value truncated to the width, an all-ones mask dropped, `signed` only where it matters. */
export function canonicalCompare(c: ArgCompare, negate = false): ArgCompare {
  const op = negate ? NEGATED[c.op] : c.op;
  const mask = c.mask === undefined ? undefined : BigInt.asUintN(c.width, c.mask);
  return {
    kind: 'cmp',
    arg: c.arg,
    op,
    value: BigInt.asUintN(c.width, c.value),
    width: c.width,
    signed: c.signed && isOrdering(op),
    ...(mask === undefined || mask === allOnes(c.width) ? {} : { mask }),
  };
}

function holds(op: CompareOp, x: bigint, y: bigint): boolean {
  switch (op) {
    case '==':
      return x === y;
    case '!=':
      return x !== y;
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
  }
}

/**
 * True or false when a canonical comparison has the same outcome for every argument value, else
 * undefined. The masked argument takes every value with no bits outside the mask, among them the
 * smallest and the largest in the comparison's order; an ordering is monotone, so it is constant
 * exactly when it agrees at those two.
 */
export function constantOutcome(c: ArgCompare): boolean | undefined {
  const mask = c.mask ?? allOnes(c.width);
  if (c.op === '==' || c.op === '!=') {
    const equal = (c.value & ~mask) !== 0n ? false : mask === 0n ? true : undefined;
    return equal === undefined ? undefined : equal === (c.op === '==');
  }
  const sign = 1n << BigInt(c.width - 1);
  const [min, max] = c.signed && (mask & sign) !== 0n ? [-sign, mask & ~sign] : [0n, mask];
  const value = c.signed ? BigInt.asIntN(c.width, c.value) : c.value;
  const atMin = holds(c.op, min, value);
  return atMin === holds(c.op, max, value) ? atMin : undefined;
}

const TRUE: ArgCondition = { kind: 'true' };
const FALSE: ArgCondition = { kind: 'false' };

function normalizeJunction(
  kind: 'and' | 'or',
  items: readonly ArgCondition[],
  negate: boolean,
): ArgCondition {
  const junction = negate ? (kind === 'and' ? 'or' : 'and') : kind;
  const [identity, absorbing] = junction === 'and' ? ['true', 'false'] : ['false', 'true'];
  const out: ArgCondition[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const normal = normalizeCondition(item, negate);
    if (normal.kind === absorbing) return normal;
    if (normal.kind === identity) continue;
    const parts = normal.kind === junction ? normal.items : [normal];
    for (const part of parts) {
      const key = conditionKey(part);
      if (!seen.has(key)) out.push(part);
      seen.add(key);
    }
  }
  if (out.length === 0) return junction === 'and' ? TRUE : FALSE;
  if (out.length === 1) return out[0] ?? TRUE;
  return { kind: junction, items: out };
}

/**
 * Negation normal form with constants folded: the result is `true`, `false`, or a tree of `and`,
 * `or` and comparisons none of which is constant. `negate` normalizes `!condition` instead.
 */
export function normalizeCondition(condition: ArgCondition, negate = false): ArgCondition {
  switch (condition.kind) {
    case 'true':
    case 'false':
      return (condition.kind === 'true') !== negate ? TRUE : FALSE;
    case 'not':
      return normalizeCondition(condition.item, !negate);
    case 'and':
    case 'or':
      return normalizeJunction(condition.kind, condition.items, negate);
    case 'cmp': {
      const compare = canonicalCompare(condition, negate);
      const outcome = constantOutcome(compare);
      if (outcome === undefined) return compare;
      return outcome ? TRUE : FALSE;
    }
  }
}

/** A canonical text for a normalized condition: equal keys mean the same code. */
export function conditionKey(condition: ArgCondition): string {
  switch (condition.kind) {
    case 'true':
    case 'false':
      return condition.kind;
    case 'not':
      return `!(${conditionKey(condition.item)})`;
    case 'and':
    case 'or':
      return `${condition.kind}(${condition.items.map(conditionKey).join(',')})`;
    case 'cmp': {
      const { arg, op, value, width, signed, mask } = condition;
      const masked = mask === undefined ? '' : `&${mask.toString(16)}`;
      return `a${arg}${masked}${op}${value.toString(16)}/${width}${signed ? 's' : 'u'}`;
    }
  }
}
