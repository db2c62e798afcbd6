import { AUDIT_ARCH, SECCOMP, X86 } from '../linux/constants';
import { syscallEntries, type Arch } from '../linux/syscalls';
import { isX32Policy } from '../policy/interpret';
import type { ResolvedArchPolicy, ResolvedRule } from '../policy/resolved';
import { actionReturnValue } from './actions';
import type { Label } from './compile-assemble';
import { emitCondition } from './compile-condition';
import { buildDispatchTree, type DispatchTree } from './compile-tree';
import {
  abiIntervals,
  constantInterval,
  LeafTable,
  weighIntervals,
  type Interval,
  type Verdict,
} from './compile-verdicts';
import { CodeWriter } from './compile-writer';
import { SECCOMP_DATA, OP } from './encode';

/*
 * The layout of a compiled filter: `A = arch` and a JEQ per AUDIT_ARCH; per AUDIT_ARCH a section
 * with `A = nr` and a search tree over the whole number space; after each section the argument
 * blocks no later section jumps to. Shared RETs go in pools: at each section's end, and in long
 * sections about every POOL_SPAN instructions, so that jumps to them stay within reach.
 */

const X86_64_AUDIT_ARCH: number = AUDIT_ARCH.AUDIT_ARCH_X86_64;
const X32_BIT: number = X86.__X32_SYSCALL_BIT;
const NUMBER_SPACE = 2 ** 32;

/** Instructions between RET pools: a conditional jump reaches 255 instructions ahead. */
const POOL_SPAN = 232;

/**
 * All ABIs with one AUDIT_ARCH, as one dispatch over the whole 32-bit number space: on x86_64,
 * x86_64's numbers below the x32 bit and x32's from it up (an unlisted ABI's range returns the
 * bad-arch action).
 */
interface Section {
  readonly auditArch: number;
  readonly label: Label;
  readonly leaves: LeafTable;
  readonly tree: DispatchTree;
}

export interface Block {
  readonly verdict: Extract<Verdict, { kind: 'checks' }>;
  readonly label: Label;
  /** Index of the last section whose dispatch jumps here: the block goes after it. */
  lastSection: number;
  readonly origins: { readonly arch: Arch; readonly rule: ResolvedRule }[];
}

/** Selected arch policies, first of each ABI, grouped by AUDIT_ARCH in listed order. */
export function groupSections(arches: readonly ResolvedArchPolicy[]): ResolvedArchPolicy[][] {
  const groups = new Map<number, ResolvedArchPolicy[]>();
  for (const policy of arches) {
    const audit = policy.auditArch >>> 0;
    const group = groups.get(audit) ?? [];
    if (group.some((p) => isX32Policy(p) === isX32Policy(policy))) continue;
    if (group.length > 0 && audit !== X86_64_AUDIT_ARCH) continue;
    group.push(policy);
    groups.set(audit, group);
  }
  return [...groups.values()];
}

/**
 * Weight of a syscall the policy denies, relative to one it lets run, when nothing was measured.
 * A program that runs cleanly under its policy makes the syscalls the policy lets through; the
 * denied ones are rare probes. Measured on the benchmark's policies: 1/50 brings the allowed
 * syscalls up the tree without letting deep denied subtrees grow the program.
 */
const PRIOR_DENIED_WEIGHT = 0.02;

const RUNNING_ACTIONS: ReadonlySet<number> = new Set([
  SECCOMP.SECCOMP_RET_ALLOW,
  SECCOMP.SECCOMP_RET_LOG,
  SECCOMP.SECCOMP_RET_USER_NOTIF,
  SECCOMP.SECCOMP_RET_TRACE,
]);

/** Whether a syscall with this verdict goes on to run (argument checks: it may). */
function lets(verdict: Verdict | undefined): boolean {
  if (!verdict || verdict.kind === 'checks') return true;
  return RUNNING_ACTIONS.has((verdict.ret & SECCOMP.SECCOMP_RET_ACTION_FULL) >>> 0);
}

/**
 * Without measured counts: every syscall of the section's ABIs that the policy lets run is equally
 * likely, each one it denies much less so (numbers no ABI has: only the smoothing share).
 */
function syscallPrior(
  group: readonly ResolvedArchPolicy[],
  intervals: readonly Interval[],
  leaves: LeafTable,
): Map<number, number> {
  const counts = new Map<number, number>();
  for (const policy of group) {
    for (const entry of syscallEntriesOf(policy.arch)) {
      const nr = entry.nr >>> 0;
      const interval = intervals.find((i) => nr >= i.start && nr < i.end);
      const verdict = interval ? leaves.leaves[interval.leaf] : undefined;
      counts.set(nr, lets(verdict) ? 1 : PRIOR_DENIED_WEIGHT);
    }
  }
  return counts;
}

function syscallEntriesOf(arch: Arch): readonly { readonly nr: number }[] {
  try {
    return syscallEntries(arch);
  } catch {
    return [];
  }
}

/**
 * The intervals of one AUDIT_ARCH over all 2^32 numbers. On x86_64: x86_64's rules below the x32
 * bit, x32's from it up; an ABI the policy does not list is one interval of the bad-arch action.
 */
function sectionIntervals(
  group: readonly ResolvedArchPolicy[],
  badRet: number,
): { intervals: Interval[]; leaves: LeafTable } {
  const leaves = new LeafTable();
  const intervals: Interval[] = [];
  const abi = (policy: ResolvedArchPolicy | undefined, from: number, to: number): void => {
    if (!policy) return constantInterval(intervals, leaves, { from, to }, badRet);
    const defaultRet = actionReturnValue(policy.defaultAction);
    abiIntervals(intervals, leaves, { from, to }, policy.rules, defaultRet);
  };
  if (group[0] && group[0].auditArch >>> 0 === X86_64_AUDIT_ARCH) {
    abi(
      group.find((p) => !isX32Policy(p)),
      0,
      X32_BIT,
    );
    abi(group.find(isX32Policy), X32_BIT, NUMBER_SPACE);
  } else abi(group[0], 0, NUMBER_SPACE);
  return { intervals, leaves };
}

export class ProgramBuilder {
  readonly w = new CodeWriter();
  readonly blocks = new Map<string, Block>();
  /** RETs referenced since the last flush; placed at the next flush. */
  private pool = new Map<number, Label>();
  private poolStart = 0;
  readonly sections: Section[] = [];
  ranges = 0;

  /** `weights` apply to the section of AUDIT_ARCH `weightedAudit`; others get the syscall prior. */
  constructor(
    private readonly badRet: number,
    private readonly weights?: {
      readonly audit: number;
      readonly counts: ReadonlyMap<number, number>;
    },
  ) {}

  addSection(group: readonly ResolvedArchPolicy[]): void {
    const first = group[0];
    if (!first) return;
    const index = this.sections.length;
    const auditArch = first.auditArch >>> 0;
    const { intervals, leaves } = sectionIntervals(group, this.badRet);
    this.ranges += intervals.length;
    this.registerBlocks(leaves, group, index);
    const weights =
      this.weights && auditArch === this.weights.audit
        ? this.weights.counts
        : syscallPrior(group, intervals, leaves);
    this.sections.push({
      auditArch,
      label: this.w.newLabel(),
      leaves,
      tree: buildDispatchTree(weighIntervals(intervals, weights)),
    });
  }

  /** Argument blocks are shared program-wide; each goes after the last section using it. */
  private registerBlocks(
    leaves: LeafTable,
    group: readonly ResolvedArchPolicy[],
    section: number,
  ): void {
    leaves.leaves.forEach((verdict, leaf) => {
      if (verdict.kind !== 'checks') return;
      const key = leaves.keys[leaf] ?? '';
      const block = this.blocks.get(key) ?? {
        verdict,
        label: this.w.newLabel(),
        lastSection: section,
        origins: [],
      };
      block.lastSection = section;
      for (const rule of leaves.origins[leaf] ?? []) {
        const arch = group.find((p) => p.rules.includes(rule))?.arch ?? group[0]?.arch;
        if (arch) block.origins.push({ arch, rule });
      }
      this.blocks.set(key, block);
    });
  }

  private retLabel(ret: number): Label {
    const known = this.pool.get(ret >>> 0);
    if (known !== undefined) return known;
    const label = this.w.newLabel();
    this.pool.set(ret >>> 0, label);
    return label;
  }

  /** Places the pending RETs here; later references start a new pool. */
  private flushPool(): void {
    for (const [ret, label] of this.pool) this.w.pool(label, ret);
    this.pool = new Map();
    this.poolStart = this.w.instructions;
  }

  /**
   * Flushes the pool once the code since the last flush could put it out of a conditional
   * jump's reach, so that jumps to RETs stay near instead of each getting a copy.
   */
  private flushPoolIfFar(): void {
    const last = this.w.items.at(-1);
    if (last?.kind === 'stmt' || last?.kind === 'label') return;
    if (this.w.instructions - this.poolStart >= POOL_SPAN) this.flushPool();
  }

  private leafLabel(section: number, leaf: number): Label {
    const table = this.sections[section]?.leaves;
    const verdict = table?.leaves[leaf];
    if (!table || !verdict) throw new Error(`internal: no leaf ${leaf}`);
    if (verdict.kind === 'ret') return this.retLabel(verdict.ret);
    const block = this.blocks.get(table.keys[leaf] ?? '');
    if (!block) throw new Error(`internal: no block for leaf ${leaf}`);
    return block.label;
  }

  /** `A = arch`, then a JEQ per section; anything else gets the bad-arch action. */
  emitArchDispatch(): void {
    const { w } = this;
    w.loadWord(SECCOMP_DATA.arch);
    if (this.sections.length === 0) return w.ret(this.badRet);
    // The first pool holds the bad-arch RET, shared with any equal verdict there.
    const bad = this.retLabel(this.badRet);
    this.sections.forEach((section, i) => {
      const last = i === this.sections.length - 1;
      const next = last ? bad : w.newLabel();
      w.cond(OP.JEQ_K, section.auditArch, section.label, next);
      if (!last) w.place(next);
    });
  }

  emitSection(index: number): void {
    const { w } = this;
    const section = this.sections[index];
    if (!section) throw new Error(`internal: no section ${index}`);
    w.place(section.label);
    w.loadWord(SECCOMP_DATA.nr);
    this.emitTree(index, section.tree);
    for (const block of this.blocks.values()) {
      if (block.lastSection !== index) continue;
      this.flushPoolIfFar();
      w.place(block.label);
      this.emitChecks(block.verdict);
    }
    this.flushPool();
  }

  private emitTree(section: number, tree: DispatchTree): void {
    const { w } = this;
    const target = (sub: DispatchTree): Label =>
      sub.kind === 'leaf' ? this.leafLabel(section, sub.leaf) : w.newLabel();
    const follow = (sub: DispatchTree, label: Label): void => {
      if (sub.kind === 'leaf') return;
      this.flushPoolIfFar();
      w.place(label);
      this.emitTree(section, sub);
    };
    switch (tree.kind) {
      case 'leaf':
        return w.ja(this.leafLabel(section, tree.leaf));
      case 'split': {
        const below = target(tree.below);
        const above = target(tree.above);
        w.cond(OP.JGE_K, tree.at, above, below);
        follow(tree.below, below);
        return follow(tree.above, above);
      }
      case 'equal': {
        const otherwise = target(tree.otherwise);
        w.cond(OP.JEQ_K, tree.nr, this.leafLabel(section, tree.leaf), otherwise);
        return follow(tree.otherwise, otherwise);
      }
    }
  }

  private emitChecks(verdict: Block['verdict']): void {
    const { w } = this;
    verdict.checks.forEach((check, i) => {
      const last = i === verdict.checks.length - 1;
      const next = last ? this.retLabel(verdict.fallback) : w.newLabel();
      emitCondition(w, check.condition, this.retLabel(check.ret), next);
      if (!last) w.place(next);
    });
  }
}
