import { BPF } from '../linux/constants';
import {
  complement,
  FragmentationError,
  holds,
  type IntervalSet,
  type Relation,
  relationSet,
  shift,
  U32_MAX,
  xorPreimage,
} from './decompile-intervals';
import { bpfOp, bpfSrc, SECCOMP_DATA } from './encode';

/**
 * Symbolic values of the BPF machine and the predicates a conditional jump puts on the input.
 * A value is a constant, a view of one `seccomp_data` word (`(((w & mask) ^ xor) + add) mod 2^32`,
 * which covers plain loads, AND masks, offsets and the sign flip compilers use for signed
 * comparisons), or opaque (anything else: the decompiler can carry it but cannot turn a test on it
 * into a policy).
 */
export interface WordView {
  readonly kind: 'word';
  readonly word: number;
  readonly mask: number;
  readonly xor: number;
  readonly add: number;
}

export type Sym =
  | { readonly kind: 'const'; readonly value: number }
  | WordView
  | { readonly kind: 'opaque'; readonly why: string };

/** `w ∈ set`, `(w & mask) rel value`, or a test the decompiler cannot express. */
export type Pred =
  | { readonly kind: 'set'; readonly word: number; readonly set: IntervalSet }
  | {
      readonly kind: 'masked';
      readonly word: number;
      readonly mask: number;
      readonly rel: Relation;
      readonly value: number;
    }
  | { readonly kind: 'opaque'; readonly why: string }
  | { readonly kind: 'decided'; readonly value: boolean };

export const constant = (value: number): Sym => ({ kind: 'const', value: value >>> 0 });
export const wordValue = (word: number): Sym => ({
  kind: 'word',
  word,
  mask: U32_MAX,
  xor: 0,
  add: 0,
});

const SIGN_BIT = 0x80000000;
const opaque = (why: string): Sym => ({ kind: 'opaque', why });

/** The name of word `w` (a 32-bit index into seccomp_data) for messages. */
export function wordName(word: number): string {
  const offset = word * 4;
  if (offset === SECCOMP_DATA.nr) return 'the syscall number';
  if (offset === SECCOMP_DATA.arch) return 'the arch';
  const high = offset % SECCOMP_DATA.argSize === 4 ? ' (high half)' : '';
  const base = offset - (high ? 4 : 0);
  if (base === SECCOMP_DATA.instructionPointer) return `the instruction pointer${high}`;
  return `arg${(base - SECCOMP_DATA.args) / SECCOMP_DATA.argSize}${high}`;
}

function describe(value: Sym): string {
  if (value.kind === 'const') return `0x${value.value.toString(16)}`;
  if (value.kind === 'opaque') return value.why;
  const masked =
    value.mask === U32_MAX
      ? wordName(value.word)
      : `${wordName(value.word)} & 0x${value.mask.toString(16)}`;
  return value.add === 0 ? masked : `${masked} + 0x${value.add.toString(16)}`;
}

/** Constant ALU exactly as the kernel computes it (32-bit, shifts by X use the low 5 bits). */
function constantAlu(op: number, a: number, b: number): number | undefined {
  switch (op) {
    case BPF.BPF_ADD:
      return (a + b) >>> 0;
    case BPF.BPF_SUB:
      return (a - b) >>> 0;
    case BPF.BPF_MUL:
      return Math.imul(a, b) >>> 0;
    case BPF.BPF_DIV:
      return b === 0 ? undefined : Math.floor(a / b) >>> 0;
    case BPF.BPF_AND:
      return (a & b) >>> 0;
    case BPF.BPF_OR:
      return (a | b) >>> 0;
    case BPF.BPF_XOR:
      return (a ^ b) >>> 0;
    case BPF.BPF_LSH:
      return (a << (b & 31)) >>> 0;
    case BPF.BPF_RSH:
      return a >>> (b & 31);
    default:
      return undefined;
  }
}

const IDENTITY_OPERAND: ReadonlyMap<number, number> = new Map([
  [BPF.BPF_OR, 0],
  [BPF.BPF_XOR, 0],
  [BPF.BPF_LSH, 0],
  [BPF.BPF_RSH, 0],
  [BPF.BPF_MUL, 1],
  [BPF.BPF_DIV, 1],
  [BPF.BPF_ADD, 0],
  [BPF.BPF_SUB, 0],
]);

/** A word view combined with a constant `c` (in either order for AND, XOR and ADD). */
function wordAlu(op: number, w: WordView, c: number, wordLeft: boolean): Sym {
  if (wordLeft && IDENTITY_OPERAND.get(op) === c) return w;
  if (op === BPF.BPF_AND && w.add === 0) {
    const mask = (w.mask & c) >>> 0;
    return mask === 0 ? constant(w.xor & c) : { ...w, mask, xor: (w.xor & c) >>> 0 };
  }
  if (op === BPF.BPF_XOR && w.add === 0) return { ...w, xor: (w.xor ^ c) >>> 0 };
  // Flipping the top bit is adding 2^31.
  if (op === BPF.BPF_XOR && c === SIGN_BIT) return { ...w, add: (w.add + SIGN_BIT) >>> 0 };
  if (op === BPF.BPF_ADD) return { ...w, add: (w.add + c) >>> 0 };
  if (op === BPF.BPF_SUB && wordLeft) return { ...w, add: (w.add - c) >>> 0 };
  return opaque(`arithmetic on ${describe(w)}`);
}

/** `A op= operand`; 'div0' when the kernel would end the filter (A /= X with X == 0). */
export function alu(op: number, a: Sym, operand: Sym): Sym | 'div0' {
  if (op === BPF.BPF_NEG) {
    return a.kind === 'const' ? constant(-a.value) : opaque(`arithmetic on ${describe(a)}`);
  }
  if (op === BPF.BPF_DIV && operand.kind === 'const' && operand.value === 0) return 'div0';
  if (a.kind === 'const' && operand.kind === 'const') {
    const value = constantAlu(op, a.value, operand.value);
    return value === undefined ? opaque('an unknown ALU operation') : constant(value);
  }
  if (a.kind === 'word' && operand.kind === 'const') return wordAlu(op, a, operand.value, true);
  if (a.kind === 'const' && operand.kind === 'word') return wordAlu(op, operand, a.value, false);
  if (op === BPF.BPF_DIV && operand.kind !== 'const') {
    return opaque(`a division by ${describe(operand)}`);
  }
  return opaque(`arithmetic on ${describe(a)} and ${describe(operand)}`);
}

const TAKEN: ReadonlyMap<number, Relation> = new Map([
  [BPF.BPF_JEQ, '=='],
  [BPF.BPF_JGT, '>'],
  [BPF.BPF_JGE, '>='],
]);

/** `c rel w` rewritten as `w rel' c`. */
const FLIPPED: Readonly<Record<Relation, Relation>> = {
  '==': '==',
  '!=': '!=',
  '>': '<',
  '>=': '<=',
  '<': '>',
  '<=': '>=',
};

const NEGATED: Readonly<Record<Relation, Relation>> = {
  '==': '!=',
  '!=': '==',
  '>': '<=',
  '>=': '<',
  '<': '>=',
  '<=': '>',
};

export function negateRelation(rel: Relation): Relation {
  return NEGATED[rel];
}

/** `view rel c` for a word view. */
function wordRelation(view: WordView, rel: Relation, c: number, why: () => string): Pred {
  if (view.mask === U32_MAX) {
    const before = shift(relationSet(rel, c), -view.add);
    try {
      return { kind: 'set', word: view.word, set: xorPreimage(before, view.xor) };
    } catch (error) {
      if (error instanceof FragmentationError) return { kind: 'opaque', why: why() };
      throw error;
    }
  }
  if (rel === '==' || rel === '!=') {
    const value = ((c - view.add) ^ view.xor) >>> 0;
    return { kind: 'masked', word: view.word, mask: view.mask, rel, value };
  }
  if (view.add === 0 && view.xor === 0) {
    return { kind: 'masked', word: view.word, mask: view.mask, rel, value: c };
  }
  return { kind: 'opaque', why: why() };
}

/** What must hold for the jump `code` (JEQ/JGT/JGE/JSET) on A and its operand to be taken. */
export function jumpPredicate(code: number, a: Sym, operand: Sym): Pred {
  const op = bpfOp(code);
  const why = (): string =>
    `a test of ${describe(a)} against ${bpfSrc(code) === BPF.BPF_X ? describe(operand) : 'a constant'}`;
  if (op === BPF.BPF_JSET) return jsetPredicate(a, operand, why);
  const rel = TAKEN.get(op);
  if (rel === undefined) return { kind: 'opaque', why: why() };
  if (a.kind === 'const' && operand.kind === 'const') {
    return { kind: 'decided', value: holds(rel, a.value, operand.value) };
  }
  if (a.kind === 'word' && operand.kind === 'const')
    return wordRelation(a, rel, operand.value, why);
  if (a.kind === 'const' && operand.kind === 'word') {
    return wordRelation(operand, FLIPPED[rel], a.value, why);
  }
  return { kind: 'opaque', why: why() };
}

function jsetPredicate(a: Sym, operand: Sym, why: () => string): Pred {
  if (a.kind === 'const' && operand.kind === 'const') {
    return { kind: 'decided', value: (a.value & operand.value) !== 0 };
  }
  const [view, bits]: [WordView | undefined, number] =
    a.kind === 'word' && operand.kind === 'const'
      ? [a, operand.value]
      : a.kind === 'const' && operand.kind === 'word'
        ? [operand, a.value]
        : [undefined, 0];
  if (view === undefined || view.add !== 0) return { kind: 'opaque', why: why() };
  // ((w & m) ^ x) & k != 0  ⇔  (w & (m & k)) != (x & k)
  const mask = (view.mask & bits) >>> 0;
  const value = (view.xor & bits & mask) >>> 0;
  if (mask === 0) return { kind: 'decided', value: (view.xor & bits) !== 0 };
  if ((view.xor & bits & ~mask) !== 0) return { kind: 'decided', value: true };
  return { kind: 'masked', word: view.word, mask, rel: '!=', value };
}

export function negatePredicate(pred: Pred): Pred {
  switch (pred.kind) {
    case 'set':
      return { ...pred, set: complement(pred.set) };
    case 'masked':
      return { ...pred, rel: NEGATED[pred.rel] };
    case 'decided':
      return { kind: 'decided', value: !pred.value };
    case 'opaque':
      return { kind: 'opaque', why: pred.why };
  }
}
