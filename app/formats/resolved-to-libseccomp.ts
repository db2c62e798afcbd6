import { syscallName, syscallNumber } from '../linux/syscalls';
import type {
  ArgCompare,
  ArgCondition,
  ArgIndex,
  ResolvedArchPolicy,
  ResolvedPolicy,
} from '../policy/resolved';
import {
  sameLibseccompAction,
  type LibseccompAction,
  type LibseccompArch,
  type LibseccompArgCompare,
  type LibseccompFilter,
  type LibseccompRule,
} from './libseccomp-filter';
import { comparesLow32Only, libseccompArchOf } from './libseccomp-meaning';
import {
  comparePatterns,
  intersectPatterns,
  compareIntervals,
  intersectIntervals,
  intervalsToPatterns,
  negatedOp,
  simplifyPatterns,
  type Interval,
  type Pattern,
} from './value-patterns';

/*
 * A resolved policy as libseccomp rules with the same meaning (libseccomp-meaning.ts says what
 * libseccomp's rules mean). Our rules for a syscall are tried in order, libseccomp's are not, so
 * each rule becomes its own condition minus what earlier rules took, as OR-ed AND-chains: one
 * libseccomp rule per chain. A comparison libseccomp has is written as such; anything else (two
 * comparisons of one argument, 32-bit order on a 64-bit ABI, signed order, masked inequality)
 * becomes value patterns `(arg & mask) == value`, one chain each. libseccomp 2.5.4 mis-compiles
 * several chains with one action when one uses < <= > >= != (see main/differential), so such
 * chains are written with patterns too.
 */

export class LibseccompExportError extends Error {
  override readonly name = 'LibseccompExportError';
}

/** Bound on chains per syscall; negations and patterns multiply them. */
const MAX_CHAINS = 512;
/** Bound on the work of intersecting two unions of value patterns. */
const MAX_PATTERN_PAIRS = 1 << 12;

type Literal = { readonly compare: ArgCompare; readonly negated: boolean };
type Conjunction = readonly Literal[];
/** OR of ANDs. [] is false, [[]] is true. */
type Dnf = readonly Conjunction[];

const TRUE: Dnf = [[]];
const FALSE: Dnf = [];

function tooMany(count: number): void {
  if (count > MAX_CHAINS) {
    throw new LibseccompExportError(
      `libseccomp would need more than ${MAX_CHAINS} rules for one syscall`,
    );
  }
}

function and(a: Dnf, b: Dnf): Dnf {
  tooMany(a.length * b.length);
  return a.flatMap((x) => b.map((y) => [...x, ...y]));
}

function dnf(condition: ArgCondition, negated = false): Dnf {
  switch (condition.kind) {
    case 'true':
      return negated ? FALSE : TRUE;
    case 'false':
      return negated ? TRUE : FALSE;
    case 'cmp':
      return [[{ compare: condition, negated }]];
    case 'not':
      return dnf(condition.item, !negated);
    case 'and':
    case 'or': {
      const parts = condition.items.map((item) => dnf(item, negated));
      const conjunctive = (condition.kind === 'and') !== negated;
      return conjunctive ? parts.reduce(and, TRUE) : parts.flat();
    }
  }
}

/** ¬(c1 ∨ c2 ∨ …) = ¬c1 ∧ ¬c2 ∧ …, each ¬(l1 ∧ l2) = ¬l1 ∨ ¬l2. */
function negation(taken: Dnf): Dnf {
  return taken.map((conj) => conj.map((l) => [{ ...l, negated: !l.negated }])).reduce(and, TRUE);
}

const OPS: Record<ArgCompare['op'], LibseccompArgCompare['op']> = {
  '==': 'EQ',
  '!=': 'NE',
  '<': 'LT',
  '<=': 'LE',
  '>': 'GT',
  '>=': 'GE',
};

const LOW32 = 0xffff_ffffn;
const U64 = (1n << 64n) - 1n;

function describe(c: ArgCompare): string {
  const mask = c.mask === undefined ? '' : ` & 0x${c.mask.toString(16)}`;
  const width = c.width === 32 ? (c.signed ? '(int)' : '(u32)') : c.signed ? '(s64)' : '';
  return `${width}arg${c.arg}${mask} ${c.op} 0x${c.value.toString(16)}`;
}

/** The single libseccomp comparison for a literal, when there is one. */
function nativeCompare(literal: Literal, abiWidth: 32 | 64): LibseccompArgCompare | undefined {
  const c = literal.compare;
  const op = literal.negated ? negatedOp(c.op) : c.op;
  const ordered = op !== '==' && op !== '!=';
  if (c.signed && ordered) return undefined;
  const full =
    c.width === abiWidth && (c.mask === undefined || c.mask === (c.width === 32 ? LOW32 : U64));
  const value = BigInt.asUintN(c.width, c.value);
  if (full) return { arg: c.arg, op: OPS[op], value };
  if (op !== '==' || c.width > abiWidth) return undefined;
  const mask = (c.mask ?? U64) & (c.width === 32 ? LOW32 : U64);
  return { arg: c.arg, op: 'MASKED_EQ', mask, value };
}

/** What one chain requires of one argument: a native comparison when it has one, else patterns. */
interface ArgConstraint {
  readonly arg: ArgIndex;
  readonly native?: LibseccompArgCompare;
  readonly patterns: readonly Pattern[];
}

const patternCache = new WeakMap<ArgCompare, { yes?: Pattern[]; no?: Pattern[] }>();

function patternsOf(literal: Literal): Pattern[] {
  const cached = patternCache.get(literal.compare) ?? {};
  patternCache.set(literal.compare, cached);
  const known = literal.negated ? cached.no : cached.yes;
  if (known) return known;
  const patterns = comparePatterns(literal.compare, literal.negated);
  if (patterns === undefined) {
    const c = literal.compare;
    throw new LibseccompExportError(
      `libseccomp cannot test ${literal.negated ? '!' : ''}(${describe(c)}): a masked order comparison`,
    );
  }
  const simplified = simplifyPatterns(patterns);
  if (literal.negated) cached.no = simplified;
  else cached.yes = simplified;
  return simplified;
}

/**
 * Each literal's values as patterns, except that unmasked comparisons of one width are first
 * intersected as intervals (cheap, and `x != 1 && x != 4` stays a few blocks).
 */
function argPatterns(literals: readonly Literal[]): Pattern[][] {
  const out: Pattern[][] = [];
  for (const width of [32, 64] as const) {
    const intervals = literals
      .filter((l) => l.compare.width === width)
      .map((l) => compareIntervals(l.compare, l.negated))
      .filter((i): i is Interval[] => i !== undefined);
    if (intervals.length > 1)
      out.push(simplifyPatterns(intervalsToPatterns(intervals.reduce(intersectIntervals), width)));
  }
  const rest = literals.filter((l) => {
    const sameWidth = literals.filter((m) => m.compare.width === l.compare.width);
    const batched = sameWidth.filter((m) => compareIntervals(m.compare, m.negated)).length > 1;
    return !(batched && compareIntervals(l.compare, l.negated));
  });
  return [...out, ...rest.map(patternsOf)];
}

/** The chain's requirements per argument, or undefined when it can never hold. */
function constraints(conjunction: Conjunction, abiWidth: 32 | 64): ArgConstraint[] | undefined {
  const byArg = new Map<ArgIndex, Literal[]>();
  for (const l of conjunction) byArg.set(l.compare.arg, [...(byArg.get(l.compare.arg) ?? []), l]);
  const out: ArgConstraint[] = [];
  for (const [arg, literals] of byArg) {
    const patterns = argPatterns(literals).reduce((a, b) => {
      if (a.length * b.length > MAX_PATTERN_PAIRS) tooMany(Infinity);
      const both = simplifyPatterns(intersectPatterns(a, b));
      tooMany(both.length);
      return both;
    });
    if (patterns.length === 0) return undefined;
    const [only] = literals;
    const native = literals.length === 1 && only ? nativeCompare(only, abiWidth) : undefined;
    out.push({ arg, patterns, ...(native ? { native } : {}) });
  }
  return out;
}

function patternCompare(arg: ArgIndex, p: Pattern): LibseccompArgCompare[] {
  if (p.mask === 0n) return [];
  return [{ arg, op: 'MASKED_EQ', mask: p.mask, value: p.value }];
}

function isRange(c: LibseccompArgCompare): boolean {
  return c.op !== 'EQ' && c.op !== 'MASKED_EQ';
}

/** libseccomp chains for abstract chains; with `ranges` false only EQ and MASKED_EQ. */
function emit(chains: readonly ArgConstraint[][], abiWidth: 32 | 64, ranges: boolean) {
  return chains
    .flatMap((chain) =>
      chain.reduce<LibseccompArgCompare[][]>(
        (partial, constraint) => {
          const native = constraint.native;
          const options =
            native && (ranges || !isRange(native))
              ? [[native]]
              : constraint.patterns.map((p) => patternCompare(constraint.arg, p));
          tooMany(partial.length * options.length);
          return partial.flatMap((prefix) => options.map((o) => [...prefix, ...o]));
        },
        [[]],
      ),
    )
    .map((chain) => checkWidth(chain, abiWidth));
}

function checkWidth(chain: LibseccompArgCompare[], abiWidth: 32 | 64): LibseccompArgCompare[] {
  if (abiWidth === 64) return chain;
  for (const c of chain) {
    if (c.value > LOW32 || (c.mask ?? 0n) > LOW32) {
      throw new LibseccompExportError(
        `arg${c.arg}: libseccomp compares only the low 32 bits of arguments on this ABI`,
      );
    }
  }
  return chain;
}

interface ActionChains {
  readonly action: LibseccompAction;
  readonly chains: readonly LibseccompArgCompare[][];
}

/** What libseccomp needs for one syscall: each rule's own part, as chains. */
function syscallChains(
  rules: readonly { readonly condition: ArgCondition; readonly action: LibseccompAction }[],
  defaultAction: LibseccompAction,
  abiWidth: 32 | 64,
): ActionChains[] {
  let taken: Dnf = FALSE;
  const out: ActionChains[] = [];
  for (const rule of rules) {
    const own = and(dnf(rule.condition), negation(taken));
    taken = [...taken, ...dnf(rule.condition)];
    if (sameLibseccompAction(rule.action, defaultAction)) continue;
    const abstract = own.flatMap((conjunction) => {
      const chain = constraints(conjunction, abiWidth);
      return chain ? [chain] : [];
    });
    const withRanges = emit(abstract, abiWidth, true);
    const safe = withRanges.length > 1 && withRanges.some((chain) => chain.some(isRange));
    const chains = safe ? emit(abstract, abiWidth, false) : withRanges;
    tooMany(chains.length);
    if (chains.length > 0) out.push({ action: rule.action, chains });
  }
  return out;
}

function archRules(policy: ResolvedArchPolicy, arch: LibseccompArch): Map<string, ActionChains[]> {
  const byNr = new Map<number, ResolvedArchPolicy['rules'][number][]>();
  for (const rule of policy.rules) byNr.set(rule.nr, [...(byNr.get(rule.nr) ?? []), rule]);
  const abiWidth = comparesLow32Only(arch) ? 32 : 64;
  const out = new Map<string, ActionChains[]>();
  for (const [nr, rules] of byNr) {
    const name = syscallName(policy.arch, nr);
    if (name === undefined) {
      throw new LibseccompExportError(`${policy.arch}: syscall ${nr} has no name for libseccomp`);
    }
    out.set(name, syscallChains(rules, policy.defaultAction, abiWidth));
  }
  return out;
}

function key(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString(16) : v));
}

/**
 * libseccomp rules meaning what `policy` means. libseccomp applies a rule to every arch of the
 * filter, so the arches must agree on every syscall they share and on the default action.
 */
export function resolvedToLibseccomp(
  policy: ResolvedPolicy,
  optimize: 1 | 2 = 2,
): LibseccompFilter {
  const arches = policy.arches.map((p) => {
    const arch = libseccompArchOf(p.arch);
    if (!arch) throw new LibseccompExportError(`libseccomp has no arch for ${p.arch}`);
    return arch;
  });
  const [first] = policy.arches;
  if (!first) throw new LibseccompExportError('a policy needs an arch');
  if (policy.arches.some((p) => !sameLibseccompAction(p.defaultAction, first.defaultAction))) {
    throw new LibseccompExportError('libseccomp has one default action for all arches');
  }
  const perArch = policy.arches.map((p, i) => archRules(p, arches[i] ?? 'x86_64'));
  const merged = new Map<string, ActionChains[]>();
  for (const rules of perArch) for (const [name, chains] of rules) merged.set(name, chains);
  // A libseccomp rule applies to every arch that has the syscall.
  for (const [name, chains] of merged) {
    policy.arches.forEach((p, i) => {
      if (syscallNumber(p.arch, name) === undefined) return;
      if (key(perArch[i]?.get(name) ?? []) !== key(chains)) {
        throw new LibseccompExportError(`${name}: the rules differ between arches`);
      }
    });
  }
  const rules: LibseccompRule[] = [...merged].flatMap(([syscall, parts]) =>
    parts.flatMap(({ action, chains }) => chains.map((args) => ({ syscall, action, args }))),
  );
  return {
    arches,
    defaultAction: first.defaultAction,
    badArchAction: policy.badArchAction,
    optimize,
    rules,
  };
}
