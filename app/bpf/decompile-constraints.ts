import {
  FragmentationError,
  FULL,
  holds,
  intersect,
  isEmpty,
  isSubset,
  maskedSet,
  onlyValue,
  size,
  type IntervalSet,
  type Relation,
  U32_MAX,
} from './decompile-intervals';
import { negateRelation, type Pred } from './decompile-symbolic';
import { SECCOMP_DATA } from './encode';

/**
 * What a path knows about the input: per `seccomp_data` word, the set of values it may have and
 * masked tests `(w & mask) rel value` it passed. The syscall number and arch keep only sets (every
 * test on them becomes ranges), so paths partition them exactly.
 */
export interface MaskAtom {
  readonly mask: number;
  readonly rel: Relation;
  readonly value: number;
}

export interface WordConstraint {
  readonly set: IntervalSet;
  readonly atoms: readonly MaskAtom[];
}

export type Constraints = ReadonlyMap<number, WordConstraint>;

export const NO_CONSTRAINTS: Constraints = new Map();
const FREE: WordConstraint = { set: FULL, atoms: [] };

export const NR_WORD = SECCOMP_DATA.nr / 4;
export const ARCH_WORD = SECCOMP_DATA.arch / 4;

/** Thrown when a test on the syscall number or arch cannot be turned into ranges. */
export class DispatchTooComplex extends Error {}

export function constraintOf(c: Constraints, word: number): WordConstraint {
  return c.get(word) ?? FREE;
}

const isDispatchWord = (word: number): boolean => word === NR_WORD || word === ARCH_WORD;

/** Masked tests on the number or arch become sets; others stay as they are. */
function normalizePred(pred: Pred, c: Constraints): Pred {
  if (pred.kind !== 'masked') return pred;
  const current = constraintOf(c, pred.word).set;
  const known = onlyValue(current);
  if (known !== undefined) {
    return { kind: 'decided', value: holds(pred.rel, (known & pred.mask) >>> 0, pred.value) };
  }
  if (!isDispatchWord(pred.word)) return pred;
  try {
    return {
      kind: 'set',
      word: pred.word,
      set: maskedSet(pred.mask, pred.rel, pred.value, current),
    };
  } catch (error) {
    if (error instanceof FragmentationError) {
      throw new DispatchTooComplex(
        `a masked test on ${pred.word === NR_WORD ? 'the syscall number' : 'the arch'} (mask 0x${pred.mask.toString(16)}) splits it into too many ranges`,
      );
    }
    throw error;
  }
}

/** What the atoms already known imply for `(w & mask) rel value`, if anything. */
function decideAtom(atom: MaskAtom, known: WordConstraint): boolean | undefined {
  const { mask, rel, value } = atom;
  if (rel === '==' && (value & ~mask) !== 0) return false;
  if (rel === '!=' && (value & ~mask) !== 0) return true;
  for (const other of known.atoms) {
    if (other.mask === mask && other.value === value) {
      if (other.rel === rel) return true;
      if (other.rel === negateRelation(rel)) return false;
    }
    // Known bits: (w & M) == u fixes (w & m) when m is within M.
    if (other.rel === '==' && (mask & ~other.mask) === 0) {
      return holds(rel, (other.value & mask) >>> 0, value);
    }
  }
  const top = known.set.at(-1)?.[1] ?? U32_MAX;
  const highest = Math.min(mask >>> 0, top);
  if (rel === '>' || rel === '>=')
    return highest < value || (rel === '>' && highest === value) ? false : undefined;
  if (rel === '<' || rel === '<=')
    return highest < value || (rel === '<=' && highest === value) ? true : undefined;
  return undefined;
}

/** True/false when the path's knowledge settles `pred`, undefined when both outcomes remain. */
export function decide(pred: Pred, c: Constraints): boolean | undefined {
  const p = normalizePred(pred, c);
  switch (p.kind) {
    case 'decided':
      return p.value;
    case 'opaque':
      return undefined;
    case 'set': {
      const current = constraintOf(c, p.word).set;
      if (isEmpty(intersect(current, p.set))) return false;
      return isSubset(current, p.set) ? true : undefined;
    }
    case 'masked':
      return decideAtom(p, constraintOf(c, p.word));
  }
}

/** Equality atoms that disagree on shared bits cannot all hold. */
function consistent(atoms: readonly MaskAtom[]): boolean {
  const equalities = atoms.filter((a) => a.rel === '==');
  for (const [i, a] of equalities.entries()) {
    for (const b of equalities.slice(i + 1)) {
      const shared = a.mask & b.mask;
      if ((a.value & shared) !== (b.value & shared)) return false;
    }
  }
  return true;
}

/** The knowledge after `pred` is found true, or undefined when that cannot happen. */
export function assume(pred: Pred, c: Constraints): Constraints | undefined {
  const p = normalizePred(pred, c);
  if (p.kind === 'decided') return p.value ? c : undefined;
  if (p.kind === 'opaque') return c;
  const current = constraintOf(c, p.word);
  let next: WordConstraint;
  if (p.kind === 'set') {
    const set = intersect(current.set, p.set);
    if (isEmpty(set)) return undefined;
    next = { ...current, set };
  } else {
    const atom: MaskAtom = { mask: p.mask, rel: p.rel, value: p.value };
    const atoms = [...current.atoms, atom];
    if (!consistent(atoms)) return undefined;
    next = { ...current, atoms };
  }
  const out = new Map(c);
  out.set(p.word, next);
  return out;
}

/** Whether some value of one word can pass all of `atoms` while being in `set`. */
function satisfiable(set: IntervalSet, atoms: readonly MaskAtom[]): boolean {
  if (isEmpty(set)) return false;
  if (atoms.length === 0) return true;
  if (!consistent(atoms)) return false;
  for (const [i, atom] of atoms.entries()) {
    const others = atoms.filter((_, j) => j !== i);
    if (decideAtom(atom, { set, atoms: others }) === false) return false;
  }
  // Few candidates: try them all.
  if (size(set) <= 256) {
    for (const [lo, hi] of set) {
      for (let v = lo; v <= hi; v++) {
        if (atoms.every((a) => holds(a.rel, (v & a.mask) >>> 0, a.value))) return true;
      }
    }
    return false;
  }
  return true;
}

/**
 * Whether no input satisfies both `a` and `b` on the words `words` selects. Sound in one
 * direction: true means certainly disjoint; false may also mean "could not tell".
 */
export function disjoint(
  a: Constraints,
  b: Constraints,
  words: (word: number) => boolean,
): boolean {
  const keys = new Set([...a.keys(), ...b.keys()].filter(words));
  for (const word of keys) {
    const x = constraintOf(a, word);
    const y = constraintOf(b, word);
    if (!satisfiable(intersect(x.set, y.set), [...x.atoms, ...y.atoms])) return true;
  }
  return false;
}
