import type { ArgCompare, ArgCondition } from '../policy/resolved';
import { allOnes, normalizeCondition } from './compile-normalize';

const HIGH_WORD = 0xffffffff_00000000n;

/** `x == v` on a whole 64-bit argument: the comparisons a set `argN in {…}` becomes. */
function isWideEquality(c: ArgCondition, op: '==' | '!='): c is ArgCompare {
  return c.kind === 'cmp' && c.op === op && c.width === 64;
}

/** Same argument, same mask: the high words of such comparisons can be tested once. */
function highWordKey(c: ArgCompare): string {
  const mask = c.mask ?? allOnes(64);
  return `${c.arg}/${mask.toString(16)}/${(c.value & HIGH_WORD).toString(16)}`;
}

/**
 * `(x & m) == v` split into its high word `(x & m_hi) == v_hi` (a 64-bit comparison whose low
 * word is masked off) and its low word, a 32-bit comparison.
 */
function wordParts(c: ArgCompare, op: '==' | '!='): { high: ArgCompare; low: ArgCompare } {
  const mask = c.mask ?? allOnes(64);
  const high: ArgCompare = { ...c, op, mask: mask & HIGH_WORD, value: c.value & HIGH_WORD };
  const low: ArgCompare = {
    kind: 'cmp',
    arg: c.arg,
    op,
    value: BigInt.asUintN(32, c.value),
    width: 32,
    signed: false,
    mask: BigInt.asUintN(32, mask),
  };
  return { high, low };
}

/**
 * In an `or` of 64-bit equalities on one argument (a set), the values that share a high word are
 * tested as `high == h && (low == a || low == b …)`; dually an `and` of inequalities becomes
 * `high != h || (low != a && low != b …)`. Same meaning, one high-word test instead of one per
 * value.
 */
function factorJunction(kind: 'and' | 'or', items: readonly ArgCondition[]): ArgCondition {
  const op = kind === 'or' ? '==' : '!=';
  const groups = new Map<string, ArgCompare[]>();
  for (const item of items) {
    if (!isWideEquality(item, op)) continue;
    const key = highWordKey(item);
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  const out: ArgCondition[] = [];
  const done = new Set<string>();
  for (const item of items) {
    const key = isWideEquality(item, op) ? highWordKey(item) : undefined;
    const group = key === undefined ? undefined : groups.get(key);
    if (key === undefined || !group || group.length < 2) {
      out.push(item);
      continue;
    }
    if (done.has(key)) continue;
    done.add(key);
    const [first] = group;
    if (!first) continue;
    const lows = group.map((c) => wordParts(c, op).low);
    const high = wordParts(first, op).high;
    out.push(
      kind === 'or'
        ? { kind: 'and', items: [high, { kind: 'or', items: lows }] }
        : { kind: 'or', items: [high, { kind: 'and', items: lows }] },
    );
  }
  return normalizeCondition({ kind, items: out });
}

/** `factorJunction` everywhere in a normalized condition; the result is normalized too. */
export function factorSharedHighWords(condition: ArgCondition): ArgCondition {
  if (condition.kind !== 'and' && condition.kind !== 'or') return condition;
  const items = condition.items.map(factorSharedHighWords);
  return factorJunction(condition.kind, items);
}
