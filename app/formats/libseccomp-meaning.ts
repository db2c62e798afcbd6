import { archInfo } from '../linux/arches';
import { SUPPORTED_ARCHES, syscallNumber, type Arch } from '../linux/syscalls';
import type {
  ArgCompare,
  ArgCondition,
  ResolvedArchPolicy,
  ResolvedPolicy,
  ResolvedRule,
} from '../policy/resolved';
import type { SourceRange } from '../policy/source-range';
import { chainsDisjoint } from './compare-sets';
import {
  describeLibseccompAction,
  sameLibseccompAction,
  type LibseccompArch,
  type LibseccompArgCompare,
  type LibseccompFilter,
  type LibseccompRule,
} from './libseccomp-filter';

/*
 * What a libseccomp 2.5.4 filter does, as one of our resolved policies (file order, first match
 * wins). Measured on libseccomp 2.5.4 and checked by the differential tests:
 *
 * - A rule whose action is the filter's default is refused (-EACCES); runc skips those too. It
 *   changes nothing, so it is left out here.
 * - For one syscall, a rule without argument comparisons overrides every rule with comparisons,
 *   whatever their order; of several such rules the first added wins.
 * - Rules with comparisons are OR-ed. When two of them have different actions and both can hold,
 *   libseccomp's verdict depends on its internal tree order (and identical chains are refused
 *   with -EEXIST), so such a filter has no defined meaning: it is rejected here unless the two
 *   chains are provably disjoint.
 * - At most one comparison per argument in a rule (-EINVAL otherwise).
 * - On 32-bit ABIs (x86, arm, and x32, whose pointers are 32-bit) libseccomp compares only the
 *   low 32 bits of an argument, with the value and mask truncated to 32 bits; on 64-bit ABIs it
 *   compares all 64 bits, unsigned.
 * - MASKED_EQ compares `arg & mask` with `value & mask`: value bits outside the mask are ignored.
 *   A MASKED_EQ whose mask is 0 (after truncation on 32-bit ABIs) is dropped from its rule; a
 *   rule left without comparisons is unconditional and overrides the others as above.
 *
 * Not modelled, because they are not what a policy says (the differential tests avoid them):
 * - On x86, a rule for a socket or IPC call (socket, accept, shmget, …) also adds a rule for the
 *   socketcall/ipc multiplexer with the call number in arg0.
 * - libseccomp checks syscall numbers of names an arch lacks as negative "pseudo" numbers
 *   (e.g. mmap2 on x86_64 as 0xffffd8d3); they are reachable on x86_64 when x32 is in the filter.
 * - On x86_64 without x32, libseccomp sends syscall number 0xffffffff (-1, a tracer's "skip")
 *   through the rules and the default action, where we treat it as a foreign (x32) number.
 */

export class LibseccompMeaningError extends Error {
  override readonly name = 'LibseccompMeaningError';
  constructor(
    message: string,
    readonly range?: SourceRange,
  ) {
    super(message);
  }
}

interface ArchFacts {
  readonly ours: string;
  /** libseccomp compares only the low 32 bits of arguments on this ABI (x32 too). */
  readonly args32: boolean;
}

const ARCH_FACTS: Record<LibseccompArch, ArchFacts> = {
  x86_64: { ours: 'x86_64', args32: false },
  x86: { ours: 'i386', args32: true },
  x32: { ours: 'x32', args32: true },
  aarch64: { ours: 'aarch64', args32: false },
  arm: { ours: 'arm', args32: true },
  riscv64: { ours: 'riscv64', args32: false },
};

/** Our name for a libseccomp arch, when we have its syscall table. */
export function ourArch(arch: LibseccompArch): Arch | undefined {
  return SUPPORTED_ARCHES.find((a) => a === ARCH_FACTS[arch].ours);
}

/** The libseccomp name of one of our arches. */
export function libseccompArchOf(arch: Arch): LibseccompArch | undefined {
  return (Object.keys(ARCH_FACTS) as LibseccompArch[]).find((a) => ARCH_FACTS[a].ours === arch);
}

export function comparesLow32Only(arch: LibseccompArch): boolean {
  return ARCH_FACTS[arch].args32;
}

const OPS: Record<LibseccompArgCompare['op'], ArgCompare['op']> = {
  EQ: '==',
  NE: '!=',
  LT: '<',
  LE: '<=',
  GT: '>',
  GE: '>=',
  MASKED_EQ: '==',
};

function toCompare(a: LibseccompArgCompare, width: 32 | 64): ArgCompare {
  const mask = a.op === 'MASKED_EQ' ? BigInt.asUintN(width, a.mask ?? 0n) : undefined;
  return {
    kind: 'cmp',
    arg: a.arg,
    op: OPS[a.op],
    value: BigInt.asUintN(width, mask === undefined ? a.value : a.value & mask),
    ...(mask === undefined ? {} : { mask }),
    width,
    signed: false,
  };
}

function condition(chain: readonly ArgCompare[]): ArgCondition {
  if (chain.length === 0) return { kind: 'true' };
  if (chain.length === 1 && chain[0]) return chain[0];
  return { kind: 'and', items: chain };
}

interface IndexedRule {
  readonly index: number;
  readonly rule: LibseccompRule;
  readonly chain: readonly ArgCompare[];
}

const NO_RANGE: SourceRange = {
  start: { line: 1, column: 1, offset: 0 },
  end: { line: 1, column: 1, offset: 0 },
};

function checkOneComparePerArg(rule: LibseccompRule): void {
  const args = rule.args.map((a) => a.arg);
  const twice = args.find((arg, i) => args.indexOf(arg) !== i);
  if (twice !== undefined) {
    throw new LibseccompMeaningError(
      `${rule.syscall}: libseccomp allows one comparison per argument in a rule, arg${twice} has several`,
      rule.range,
    );
  }
  for (const a of rule.args) {
    if ((a.mask !== undefined) !== (a.op === 'MASKED_EQ')) {
      throw new LibseccompMeaningError(
        `${rule.syscall}: arg${a.arg}: a mask goes with MASKED_EQ and only with it`,
        rule.range,
      );
    }
  }
}

/** The rules libseccomp keeps for one syscall, in the order they decide (see the notes above). */
function effectiveRules(rules: readonly IndexedRule[]): readonly IndexedRule[] {
  const unconditional = rules.find((r) => r.chain.length === 0);
  if (unconditional) return [unconditional];
  rules.forEach((a, i) =>
    rules.slice(i + 1).forEach((b) => {
      if (sameLibseccompAction(a.rule.action, b.rule.action)) return;
      if (chainsDisjoint(a.chain, b.chain)) return;
      throw new LibseccompMeaningError(
        `${a.rule.syscall}: rules ${a.index} (${describeLibseccompAction(a.rule.action)}) and ` +
          `${b.index} (${describeLibseccompAction(b.rule.action)}) can both match; libseccomp ` +
          'gives such overlapping rules no defined order',
        b.rule.range,
      );
    }),
  );
  return rules;
}

function resolveArch(filter: LibseccompFilter, arch: LibseccompArch): ResolvedArchPolicy {
  const ours = ourArch(arch);
  if (ours === undefined) {
    throw new LibseccompMeaningError(`no syscall table for libseccomp arch ${arch} yet`);
  }
  const width = comparesLow32Only(arch) ? 32 : 64;
  const byNr = new Map<number, IndexedRule[]>();
  const unresolved = new Set<string>();
  filter.rules.forEach((rule, index) => {
    checkOneComparePerArg(rule);
    if (sameLibseccompAction(rule.action, filter.defaultAction)) return;
    const nr = syscallNumber(ours, rule.syscall);
    if (nr === undefined) {
      unresolved.add(rule.syscall);
      return;
    }
    const chain = rule.args.map((a) => toCompare(a, width)).filter((c) => c.mask !== 0n);
    byNr.set(nr, [...(byNr.get(nr) ?? []), { index, rule, chain }]);
  });
  const rules: ResolvedRule[] = [...byNr].flatMap(([nr, candidates]) =>
    effectiveRules(candidates).map((r) => ({
      nr,
      action: r.rule.action,
      condition: condition(r.chain),
      ruleIndex: r.index,
      range: r.rule.range ?? NO_RANGE,
    })),
  );
  return {
    arch: ours,
    auditArch: archInfo(ours).auditArch,
    defaultAction: filter.defaultAction,
    rules,
    unresolved: [...unresolved],
  };
}

/**
 * The resolved policy that means what libseccomp's filter does (see the notes at the top).
 * Throws LibseccompMeaningError when libseccomp leaves the meaning undefined or refuses a rule.
 */
export function resolveLibseccompFilter(filter: LibseccompFilter): ResolvedPolicy {
  const repeated = filter.arches.find((a, i) => filter.arches.indexOf(a) !== i);
  if (repeated !== undefined) throw new LibseccompMeaningError(`arch ${repeated} is listed twice`);
  if (filter.arches.length === 0) throw new LibseccompMeaningError('a filter needs an arch');
  return {
    arches: filter.arches.map((arch) => resolveArch(filter, arch)),
    badArchAction: filter.badArchAction,
  };
}
