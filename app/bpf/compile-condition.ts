import type { ArgCompare, ArgCondition } from '../policy/resolved';
import type { Label } from './compile-assemble';
import { allOnes, canonicalCompare } from './compile-normalize';
import type { AccumulatorState, CodeWriter } from './compile-writer';
import { OP, SECCOMP_DATA } from './encode';

/*
 * Argument conditions → BPF, as short-circuit jumps. A 64-bit comparison is a lexicographic
 * comparison of (high word, low word); signed comparisons XOR the sign bit into the top word so
 * that unsigned jumps order them correctly. Conditions come normalized (compile-normalize.ts).
 */

/** One 32-bit word of a comparison: `((word & and) ^ xor)` against `value`, unsigned. */
interface Half extends AccumulatorState {
  readonly value: number;
}

type CoreOp = '==' | '>' | '>=';

const JUMP: Readonly<Record<CoreOp, number>> = { '==': OP.JEQ_K, '>': OP.JGT_K, '>=': OP.JGE_K };
const WORD = 0xffffffffn;
const SIGN_BIT = 0x80000000;

/** Outcome of the last word's comparison when the mask makes it constant, else undefined. */
function halfOutcome(op: CoreOp, half: Half): boolean | undefined {
  if (half.and === 0) {
    const constant = half.xor >>> 0;
    return op === '=='
      ? constant === half.value
      : op === '>'
        ? constant > half.value
        : constant >= half.value;
  }
  if (half.xor !== 0) return undefined;
  const max = half.and >>> 0;
  if (op === '==') return (half.value & ~max) !== 0 ? false : undefined;
  if (op === '>') return max <= half.value ? false : undefined;
  return half.value === 0 ? true : max < half.value ? false : undefined;
}

/** `(H, rest…) op (value, rest…)` lexicographically, jumping to t or f. */
function emitLexicographic(
  w: CodeWriter,
  op: CoreOp,
  halves: readonly Half[],
  t: Label,
  f: Label,
): void {
  const [half, ...rest] = halves;
  if (half === undefined) throw new Error('internal: a comparison without words');
  if (rest.length === 0) {
    const outcome = halfOutcome(op, half);
    if (outcome !== undefined) return w.ja(outcome ? t : f);
    w.load(half);
    return w.cond(JUMP[op], half.value, t, f);
  }
  if (half.and === 0) {
    const constant = half.xor >>> 0;
    if (constant === half.value) return emitLexicographic(w, op, rest, t, f);
    return w.ja(op !== '==' && constant > half.value ? t : f);
  }
  const tail = rest.length === 1 && rest[0] ? halfOutcome(op, rest[0]) : undefined;
  if (tail === false && op === '==') return w.ja(f);
  w.load(half);
  if (tail === true) return w.cond(op === '==' ? OP.JEQ_K : OP.JGE_K, half.value, t, f);
  if (tail === false) return w.cond(OP.JGT_K, half.value, t, f);
  const equal = w.newLabel();
  if (op === '==' || half.value === 0xffffffff) {
    // Nothing is above the all-ones word, so `>` reduces to the equality.
    w.cond(OP.JEQ_K, half.value, equal, f);
  } else if (half.value === 0) {
    w.cond(OP.JEQ_K, 0, equal, t);
  } else {
    const notAbove = w.newLabel();
    w.cond(OP.JGT_K, half.value, t, notAbove);
    w.place(notAbove);
    w.cond(OP.JEQ_K, half.value, equal, f);
  }
  w.place(equal);
  emitLexicographic(w, op, rest, t, f);
}

function argWordOffset(arg: number, high: boolean): number {
  return SECCOMP_DATA.args + arg * SECCOMP_DATA.argSize + (high ? 4 : 0);
}

function emitCompare(w: CodeWriter, compare: ArgCompare, t: Label, f: Label): void {
  const c = canonicalCompare(compare);
  // x != v is !(x == v), x < v is !(x >= v), x <= v is !(x > v): swap the targets.
  const [op, onTrue, onFalse]: [CoreOp, Label, Label] =
    c.op === '!=' || c.op === '=='
      ? ['==', c.op === '==' ? t : f, c.op === '==' ? f : t]
      : c.op === '<'
        ? ['>=', f, t]
        : c.op === '<='
          ? ['>', f, t]
          : [c.op, t, f];
  const flip = c.signed ? SIGN_BIT : 0;
  const mask = c.mask ?? allOnes(c.width);
  const word = (bits: bigint): number => Number(bits & WORD);
  const low = (xor: number): Half => ({
    offset: argWordOffset(c.arg, false),
    and: word(mask),
    xor,
    value: (word(c.value) ^ xor) >>> 0,
  });
  const halves: Half[] =
    c.width === 32
      ? [low(flip)]
      : [
          {
            offset: argWordOffset(c.arg, true),
            and: word(mask >> 32n),
            xor: flip,
            value: (word(c.value >> 32n) ^ flip) >>> 0,
          },
          low(0),
        ];
  emitLexicographic(w, op, halves, onTrue, onFalse);
}

/** Jumps to `t` when the condition holds for the syscall's arguments, else to `f`. */
export function emitCondition(w: CodeWriter, condition: ArgCondition, t: Label, f: Label): void {
  switch (condition.kind) {
    case 'true':
      return w.ja(t);
    case 'false':
      return w.ja(f);
    case 'not':
      return emitCondition(w, condition.item, f, t);
    case 'cmp':
      return emitCompare(w, condition, t, f);
    case 'and':
    case 'or': {
      const items = condition.items;
      if (items.length === 0) return w.ja(condition.kind === 'and' ? t : f);
      items.forEach((item, i) => {
        if (i === items.length - 1) return emitCondition(w, item, t, f);
        const next = w.newLabel();
        if (condition.kind === 'and') emitCondition(w, item, next, f);
        else emitCondition(w, item, t, next);
        w.place(next);
      });
      return;
    }
  }
}
