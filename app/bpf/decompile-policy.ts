import { archInfo } from '../linux/arches';
import { SUPPORTED_ARCHES, syscallEntries, type Arch } from '../linux/syscalls';
import type { SeccompAction } from '../policy/model';
import type { ArgCondition } from '../policy/resolved';
import { actionOf, canonicalReturn, strictest } from './decompile-actions';
import {
  argViews,
  hiWord,
  isArgumentWord,
  anyPath,
  mergeViews,
  viewKey,
  type ArgView,
} from './decompile-conditions';
import {
  ARCH_WORD,
  constraintOf,
  disjoint,
  NR_WORD,
  type Constraints,
} from './decompile-constraints';
import {
  contains,
  FULL,
  holds,
  intersect,
  isFull,
  normalize,
  range,
  size,
  subtract,
  type IntervalSet,
  U32_MAX,
  type Range,
} from './decompile-intervals';
import type { Leaf } from './decompile-paths';
import { auditArchName } from './disasm-names';

/**
 * From the leaves of a filter's symbolic execution to a policy: which ABIs it accepts (and what
 * everything else gets), per ABI which syscall numbers get which verdict under which argument
 * conditions, the most common verdict as the default, and rules grouping the syscalls that get
 * the same verdict. What a policy cannot say exactly becomes a warning (and, where a choice is
 * needed, the stricter verdict).
 */

export interface DecompiledRule {
  readonly action: SeccompAction;
  readonly syscalls: readonly string[];
  readonly condition?: ArgCondition;
}

export interface DecompiledPolicy {
  readonly arches: readonly Arch[];
  readonly defaultAction: SeccompAction;
  readonly badArchAction: SeccompAction;
  readonly rules: readonly DecompiledRule[];
  readonly warnings: readonly string[];
}

interface Entry {
  readonly constraints: Constraints;
  readonly views: readonly ArgView[];
  readonly ret: number | undefined;
  readonly opaque: readonly string[];
}

/** What a set of numbers gets: the paths its inputs can take, as argument conditions. */
interface Decision {
  readonly entries: readonly Entry[];
  /** Equal keys mean equal decisions; `=RET` for unconditional ones. */
  readonly key: string;
}

interface NrClass {
  readonly nrs: IntervalSet;
  readonly decision: Decision;
}

/** Instruction-pointer words: a policy cannot test them. */
const IP_WORDS = [2, 3];

function entryOf(leaf: Leaf): Entry {
  const opaque = [...leaf.opaque];
  for (const word of IP_WORDS) {
    const c = constraintOf(leaf.constraints, word);
    if (!isFull(c.set) || c.atoms.length > 0) opaque.push('it tests the instruction pointer');
  }
  for (const [word, c] of leaf.constraints) {
    if (
      word !== NR_WORD &&
      word !== ARCH_WORD &&
      !IP_WORDS.includes(word) &&
      !isArgumentWord(word) &&
      (!isFull(c.set) || c.atoms.length > 0)
    ) {
      opaque.push(`it tests seccomp_data word ${word}`);
    }
  }
  const ret = leaf.ret === undefined ? undefined : canonicalReturn(leaf.ret);
  return { constraints: leaf.constraints, views: argViews(leaf.constraints), ret, opaque };
}

function entryKey(e: Entry): string {
  return `${e.ret ?? 'computed'}:${e.views.map(viewKey).join(';')}${e.opaque.length > 0 ? ':opaque' : ''}`;
}

function decisionOf(entries: readonly Entry[]): Decision {
  const [first] = entries;
  const uniform =
    first !== undefined &&
    first.ret !== undefined &&
    entries.every((e) => e.ret === first.ret && e.opaque.length === 0);
  const key = uniform ? `=${first.ret}` : entries.map(entryKey).sort().join('|');
  return { entries, key };
}

const unconditionalRet = (d: Decision): number | undefined =>
  d.key.startsWith('=') ? Number(d.key.slice(1)) : undefined;

/**
 * What the path says on a 32-bit ABI, where the kernel zero-extends every argument (the high
 * words are 0), or undefined when the path needs a non-zero high word.
 */
function restrictTo32(c: Constraints): Constraints | undefined {
  const out = new Map(c);
  for (let arg = 0; arg < 6; arg++) {
    const word = hiWord(arg);
    const known = constraintOf(c, word);
    if (!contains(known.set, 0)) return undefined;
    if (!known.atoms.every((a) => holds(a.rel, 0, a.value))) return undefined;
    // Zero on every call: the path's tests of it always pass, so they say nothing more.
    out.set(word, { set: FULL, atoms: [] });
  }
  return out;
}

function restrictLeaf(leaf: Leaf): Leaf[] {
  const constraints = restrictTo32(leaf.constraints);
  return constraints ? [{ ...leaf, constraints }] : [];
}

function restrictDecision(d: Decision): Decision {
  return decisionOf(
    d.entries.flatMap((e) => {
      const constraints = restrictTo32(e.constraints);
      return constraints ? [{ ...e, constraints, views: argViews(constraints) }] : [];
    }),
  );
}

const is32Bit = (arch: Arch): boolean => archInfo(arch).bits === 32;
/** Words a verdict may depend on besides the number and arch (arguments, instruction pointer). */
const isInputWord = (word: number): boolean => word !== NR_WORD && word !== ARCH_WORD;

/**
 * Whether two decisions give every argument the same verdict: every pair of their paths with
 * different verdicts must be disjoint. Conservative: false when it cannot tell.
 */
function sameDecision(a: Decision, b: Decision): boolean {
  if (a.key === b.key) return true;
  const opaque = (d: Decision): boolean =>
    d.entries.some((e) => e.opaque.length > 0 || e.ret === undefined);
  if (opaque(a) || opaque(b)) return false;
  return a.entries.every((x) =>
    b.entries.every((y) => x.ret === y.ret || disjoint(x.constraints, y.constraints, isInputWord)),
  );
}

/** Whether a condition uses a constant a 32-bit ABI cannot compare with. */
function usesWideConstant(c: ArgCondition | undefined): boolean {
  if (c === undefined) return false;
  switch (c.kind) {
    case 'cmp':
      return c.value > 0xffffffffn || (c.mask ?? 0n) > 0xffffffffn;
    case 'and':
    case 'or':
      return c.items.some(usesWideConstant);
    case 'not':
      return usesWideConstant(c.item);
    default:
      return false;
  }
}

/** The leaves whose inputs can have `seccomp_data.arch == audit`. */
function leavesAt(leaves: readonly Leaf[], audit: number): Leaf[] {
  return leaves.filter((leaf) => contains(constraintOf(leaf.constraints, ARCH_WORD).set, audit));
}

/** Cuts `within` where any leaf's set of `word` starts or ends. */
function elementaryRanges(sets: readonly IntervalSet[], within: IntervalSet): Range[] {
  const cuts = new Set<number>();
  for (const [lo, hi] of within) {
    cuts.add(lo);
    cuts.add(hi + 1);
  }
  for (const set of sets) {
    for (const [lo, hi] of intersect(set, within)) {
      cuts.add(lo);
      cuts.add(hi + 1);
    }
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  const out: Range[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const lo = sorted[i] as number;
    const hi = (sorted[i + 1] as number) - 1;
    if (contains(within, lo)) out.push([lo, hi]);
  }
  return out;
}

/** Index of the range holding `value` in sorted disjoint `ranges`. */
function rangeIndex(ranges: readonly Range[], value: number): number {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = ranges[mid] as Range;
    if (value < a) hi = mid - 1;
    else if (value > b) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** The verdict classes of the syscall numbers in `nrRange`, given the leaves of one arch. */
function decisionTable(leaves: readonly Leaf[], nrRange: IntervalSet): NrClass[] {
  const nrSets = leaves.map((leaf) => constraintOf(leaf.constraints, NR_WORD).set);
  const pieces = elementaryRanges(nrSets, nrRange);
  const entries: Entry[][] = pieces.map(() => []);
  leaves.forEach((leaf, i) => {
    const entry = entryOf(leaf);
    for (const [lo, hi] of intersect(nrSets[i] as IntervalSet, nrRange)) {
      for (let at = rangeIndex(pieces, lo); at >= 0 && at < pieces.length; at++) {
        const [a] = pieces[at] as Range;
        if (a > hi) break;
        entries[at]?.push(entry);
      }
    }
  });
  const byKey = new Map<string, { ranges: Range[]; decision: Decision }>();
  pieces.forEach((piece, i) => {
    const decision = decisionOf(entries[i] ?? []);
    const known = byKey.get(decision.key);
    if (known) known.ranges.push(piece);
    else byKey.set(decision.key, { ranges: [piece], decision });
  });
  return [...byKey.values()].map(({ ranges, decision }) => ({ nrs: normalize(ranges), decision }));
}

const tableKey = (table: readonly NrClass[]): string =>
  table
    .map((c) => `${c.nrs.map(([a, b]) => `${a}-${b}`).join(',')}=>${c.decision.key}`)
    .sort()
    .join('\n');

const number = (n: number): string => (n > 0xffff ? `0x${n.toString(16)}` : String(n));

function describeRanges(set: IntervalSet, limit = 3): string {
  const shown = set
    .slice(0, limit)
    .map(([a, b]) => (a === b ? number(a) : `${number(a)}..${number(b)}`));
  return set.length > limit ? `${shown.join(', ')}, …` : shown.join(', ');
}

function archLabel(value: number): string {
  const name = auditArchName(value);
  return `0x${value.toString(16)}${name ? ` (${name})` : ''}`;
}

/** The syscall numbers of `arch` under its audit value (x86_64 and x32 split the space). */
function abiRange(arch: Arch): IntervalSet {
  const info = archInfo(arch);
  if (info.syscallBase !== undefined) return range(info.syscallBase, U32_MAX);
  const sharing = SUPPORTED_ARCHES.map(archInfo).find(
    (other) => other.auditArch === info.auditArch && other.syscallBase !== undefined,
  );
  return sharing?.syscallBase === undefined ? FULL : range(0, sharing.syscallBase - 1);
}

interface BadArch {
  readonly ret: number;
  /** The filter gives every ABI the same number-based verdicts (it never tests the arch). */
  readonly unchecked: boolean;
}

function badArchVerdict(leaves: readonly Leaf[], warnings: string[]): BadArch {
  const supported = new Set(SUPPORTED_ARCHES.map((arch) => archInfo(arch).auditArch));
  const archSets = leaves.map((leaf) => constraintOf(leaf.constraints, ARCH_WORD).set);
  const pieces = elementaryRanges(archSets, FULL).flatMap(([lo, hi]) =>
    subtract([[lo, hi]], normalize([...supported].map((v): Range => [v, v]))),
  );
  const largest = pieces.reduce((best, piece) =>
    piece[1] - piece[0] > best[1] - best[0] ? piece : best,
  );
  const generic = decisionTable(leavesAt(leaves, largest[0]), FULL);
  const genericKey = tableKey(generic);
  for (const [lo] of pieces) {
    if (tableKey(decisionTable(leavesAt(leaves, lo), FULL)) !== genericKey) {
      warnings.push(
        `the filter has its own rules for seccomp_data.arch ${archLabel(lo)}, which policies cannot list; it gets bad_arch`,
      );
    }
  }
  const [only] = generic;
  const ret = only && generic.length === 1 ? unconditionalRet(only.decision) : undefined;
  if (ret !== undefined) return { ret, unchecked: false };
  warnings.push(
    'the filter does not check seccomp_data.arch: syscalls made through any other ABI get the same number-based verdicts, which a policy cannot say; they get bad_arch, the strictest verdict the filter returns',
  );
  const rets = generic.flatMap((c) => c.decision.entries.map((e) => e.ret));
  return { ret: strictest(rets), unchecked: true };
}

/** Whether any syscall the ABI has gets a verdict other than the bad-arch one. */
function namesOtherThanBad(abi: AbiAnalysis, uniformBad: string): boolean {
  const odd = abi.table.filter((c) => c.decision.key !== uniformBad);
  return syscallEntries(abi.arch).some((e) => odd.some((c) => contains(c.nrs, e.nr)));
}

interface AbiAnalysis {
  readonly arch: Arch;
  readonly table: readonly NrClass[];
}

/** Per syscall: the rules that give it its verdict, before grouping. */
interface Draft {
  readonly ret: number;
  readonly condition?: ArgCondition;
}

const conditionKey = (c: ArgCondition | undefined): string =>
  c === undefined
    ? ''
    : JSON.stringify(c, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

function draftsFor(
  name: string,
  decision: Decision,
  defaultRet: number,
  warnings: string[],
): Draft[] {
  const { entries } = decision;
  const fixed = unconditionalRet(decision);
  if (fixed !== undefined) return fixed === defaultRet ? [] : [{ ret: fixed }];
  const reasons = [...new Set(entries.flatMap((e) => e.opaque))];
  if (reasons.length > 0 || entries.some((e) => e.ret === undefined)) {
    const ret = strictest(entries.map((e) => e.ret));
    warnings.push(
      `${name}: ${reasons.join('; ') || 'it returns a computed value'}; the policy gives it the strictest verdict the filter can return for it`,
    );
    return ret === defaultRet ? [] : [{ ret }];
  }
  const byRet = new Map<number, Entry[]>();
  for (const e of entries) byRet.set(e.ret as number, [...(byRet.get(e.ret as number) ?? []), e]);
  const rets = [...byRet.keys()];
  const fallback = byRet.has(defaultRet)
    ? defaultRet
    : rets.reduce((best, ret) =>
        (byRet.get(ret)?.length ?? 0) > (byRet.get(best)?.length ?? 0) ? ret : best,
      );
  const drafts: Draft[] = rets
    .filter((ret) => ret !== fallback)
    .map((ret) => {
      const paths = mergeViews((byRet.get(ret) ?? []).map((e) => e.views));
      return { ret, condition: anyPath(paths) };
    })
    .filter((d) => d.condition.kind !== 'false');
  return fallback === defaultRet ? drafts : [...drafts, { ret: fallback }];
}

function chooseDefault(analyses: readonly AbiAnalysis[], badRet: number): number {
  const votes = new Map<number, number>();
  for (const { table } of analyses) {
    let best: { ret: number; count: number } | undefined;
    for (const c of table) {
      const ret = unconditionalRet(c.decision);
      const count = size(c.nrs);
      if (ret !== undefined && (best === undefined || count > best.count)) best = { ret, count };
    }
    if (best) votes.set(best.ret, (votes.get(best.ret) ?? 0) + 1);
  }
  let chosen: number | undefined;
  for (const [ret, count] of votes)
    if (chosen === undefined || count > (votes.get(chosen) ?? 0)) chosen = ret;
  return chosen ?? badRet;
}

/** The numbers of a class the arch has no syscall name for. */
function unnamedNumbers(c: NrClass, arch: Arch): IntervalSet {
  const named = normalize(
    syscallEntries(arch)
      .filter((e) => contains(c.nrs, e.nr))
      .map((e): Range => [e.nr, e.nr]),
  );
  return subtract(c.nrs, named);
}

interface RuleGroup {
  readonly ret: number;
  readonly condition?: ArgCondition;
  readonly names: string[];
}

export interface PolicyOptions {
  /** The ABI to list when the filter does not say (it never tests the arch). */
  readonly arch: Arch;
}

export function buildPolicy(leaves: readonly Leaf[], options: PolicyOptions): DecompiledPolicy {
  const warnings: string[] = [];
  const bad = badArchVerdict(leaves, warnings);
  const uniformBad = `=${bad.ret}`;
  const all: AbiAnalysis[] = SUPPORTED_ARCHES.map((arch) => {
    const at = leavesAt(leaves, archInfo(arch).auditArch);
    return {
      arch,
      table: decisionTable(is32Bit(arch) ? at.flatMap(restrictLeaf) : at, abiRange(arch)),
    };
  });
  let listed = bad.unchecked
    ? all.filter((a) => a.arch === options.arch)
    : all.filter((a) => namesOtherThanBad(a, uniformBad));
  if (listed.length === 0) listed = all.filter((a) => a.arch === options.arch);
  for (const abi of all) {
    if (bad.unchecked || listed.includes(abi)) continue;
    const odd = abi.table.filter((c) => c.decision.key !== uniformBad);
    const numbers = normalize(odd.flatMap((c) => c.nrs));
    if (size(numbers) > 0) {
      warnings.push(
        `${abi.arch}: the filter gives syscall numbers ${describeRanges(numbers)} (no syscall has them) another verdict than bad_arch, but none of the ABI's syscalls; the policy does not list ${abi.arch}, so they get bad_arch`,
      );
    }
  }
  const defaultRet = chooseDefault(listed, bad.ret);

  const perName = new Map<string, { arch: Arch; decision: Decision }[]>();
  for (const { arch, table } of listed) {
    const pieces = table
      .flatMap((c, index) => c.nrs.map((r): [Range, number] => [r, index]))
      .sort((a, b) => a[0][0] - b[0][0]);
    const ranges = pieces.map(([r]) => r);
    for (const { name, nr } of syscallEntries(arch)) {
      const at = rangeIndex(ranges, nr);
      const c = at >= 0 ? table[pieces[at]?.[1] ?? -1] : undefined;
      if (!c) continue;
      perName.set(name, [...(perName.get(name) ?? []), { arch, decision: c.decision }]);
    }
    for (const c of table) {
      if (unconditionalRet(c.decision) === defaultRet) continue;
      const unnamed = unnamedNumbers(c, arch);
      if (size(unnamed) > 0) {
        warnings.push(
          `${arch}: the filter gives syscall numbers ${describeRanges(unnamed)} (no syscall has them) another verdict than the default; a policy cannot name them, so they get the default`,
        );
      }
    }
  }

  const any32 = listed.some((a) => is32Bit(a.arch));
  const groups: RuleGroup[] = [];
  const groupByKey = new Map<string, RuleGroup>();
  for (const [name, decisions] of perName) {
    const chosen =
      decisions.find((d) => !is32Bit(d.arch)) ?? (decisions[0] as (typeof decisions)[0]);
    const restricted = is32Bit(chosen.arch) ? chosen.decision : restrictDecision(chosen.decision);
    const differing = decisions.filter(
      ({ arch, decision }) => !sameDecision(is32Bit(arch) ? restricted : chosen.decision, decision),
    );
    if (differing.length > 0) {
      warnings.push(
        `${name}: the filter gives it different verdicts on ${[chosen.arch, ...differing.map((d) => d.arch)].join(' and ')}; the policy uses ${chosen.arch}'s for every arch`,
      );
    }
    let drafts = draftsFor(name, chosen.decision, defaultRet, warnings);
    if (any32 && drafts.some((d) => usesWideConstant(d.condition))) {
      warnings.push(
        `${name}: the filter compares 64-bit argument values, which a policy that also lists a 32-bit arch cannot say; the policy's condition is right for arguments below 2^32 only`,
      );
      drafts = draftsFor(name, restricted, defaultRet, warnings);
    }
    for (const draft of drafts) {
      const key = `${draft.ret}${conditionKey(draft.condition)}`;
      let group = groupByKey.get(key);
      if (!group) {
        group = {
          ret: draft.ret,
          ...(draft.condition ? { condition: draft.condition } : {}),
          names: [],
        };
        groupByKey.set(key, group);
        groups.push(group);
      }
      group.names.push(name);
    }
  }
  const ordered = [...groups.filter((g) => g.condition), ...groups.filter((g) => !g.condition)];
  const action = (ret: number, what: string): SeccompAction => {
    const { action: a, approximation } = actionOf(ret);
    if (approximation) warnings.push(`${what}: ${approximation}; it becomes kill-process`);
    return a;
  };
  return {
    arches: listed.map((a) => a.arch),
    defaultAction: action(defaultRet, 'the default'),
    badArchAction: action(bad.ret, 'bad_arch'),
    rules: ordered.map((g) => ({
      action: action(g.ret, g.names.join(', ')),
      syscalls: g.names,
      ...(g.condition ? { condition: g.condition } : {}),
    })),
    warnings: [...new Set(warnings)],
  };
}
