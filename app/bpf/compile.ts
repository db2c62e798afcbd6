import { AUDIT_ARCH, BPF, X86 } from '../linux/constants';
import { syscallNumber, type Arch } from '../linux/syscalls';
import type { Policy, SeccompAction, SeccompPolicy } from '../policy/model';
import { actionReturnValue } from './actions';
import { isConditionalJump, jump, OP, SECCOMP_DATA, stmt } from './encode';
import type { BpfInstruction, BpfProgram } from './program';
import { verifyProgram } from './verify';

/**
 * `__X32_SYSCALL_BIT` (asm/unistd.h): x32-ABI syscall numbers on x86_64 carry this bit. Every
 * number at or above it is treated as a foreign ABI, which closes the x32 hole.
 */
export const X32_SYSCALL_BIT: number = X86.__X32_SYSCALL_BIT;

export class CompileError extends Error {
  override readonly name = 'CompileError';
}

export interface CompileOptions {
  /** What a `seccomp_data.arch` other than the target's gets. Default: kill-process. */
  readonly foreignArchAction?: SeccompAction;
  /** What x32-ABI syscall numbers get on x86_64. Default: kill-process. */
  readonly x32Action?: SeccompAction;
}

export interface CompileStats {
  readonly instructions: number;
  /** Number ranges with one verdict each in the syscall-number dispatch. */
  readonly ranges: number;
  /** Instructions executed on the longest path through the program. */
  readonly maxExecuted: number;
  /** Syscall names the policy lists that this arch does not have; they cannot be called here. */
  readonly unresolved: readonly string[];
}

export interface CompiledFilter {
  readonly arch: Arch;
  readonly program: BpfProgram;
  readonly stats: CompileStats;
}

interface ArchInfo {
  readonly auditArch: number;
  /** Syscall numbers from here up belong to another ABI on the same arch (x32 on x86_64). */
  readonly foreignAbiBase?: number;
}

const ARCHES: Record<Arch, ArchInfo> = {
  x86_64: { auditArch: AUDIT_ARCH.AUDIT_ARCH_X86_64, foreignAbiBase: X32_SYSCALL_BIT },
};

const KILL_PROCESS: SeccompAction = { kind: 'kill-process' };
const ALLOW: SeccompAction = { kind: 'allow' };
const NUMBER_SPACE = 2 ** 32;

export function auditArchOf(arch: Arch): number {
  return ARCHES[arch].auditArch;
}

export interface ResolvedRules {
  /** Each syscall number's action from the first rule that lists it. */
  readonly actions: ReadonlyMap<number, SeccompAction>;
  readonly unresolved: readonly string[];
}

/** First match wins, in file order. Syscall groups must have been expanded by the parser. */
export function resolveSyscallActions(seccomp: SeccompPolicy, arch: Arch): ResolvedRules {
  const actions = new Map<number, SeccompAction>();
  const unresolved = new Set<string>();
  for (const rule of seccomp.rules) {
    for (const ref of rule.syscalls) {
      if (ref.name.startsWith('@')) {
        throw new CompileError(
          `line ${ref.range.start.line}: syscall group ${ref.name} was not expanded before compiling`,
        );
      }
      const nr = syscallNumber(arch, ref.name);
      if (nr === undefined) unresolved.add(ref.name);
      else if (!actions.has(nr)) actions.set(nr, rule.action);
    }
  }
  return { actions, unresolved: [...unresolved] };
}

const resolvedCache = new WeakMap<SeccompPolicy, Map<Arch, ResolvedRules>>();

function resolveCached(seccomp: SeccompPolicy, arch: Arch): ResolvedRules {
  const perArch = resolvedCache.get(seccomp) ?? new Map<Arch, ResolvedRules>();
  resolvedCache.set(seccomp, perArch);
  const hit = perArch.get(arch);
  if (hit) return hit;
  const resolved = resolveSyscallActions(seccomp, arch);
  perArch.set(arch, resolved);
  return resolved;
}

/**
 * The verdict the compiled program gives syscall `nr` when `seccomp_data.arch` is the target's:
 * the reference semantics the compiler implements, usable without running BPF.
 */
export function dispatchVerdict(
  policy: Policy,
  nr: number,
  arch: Arch = 'x86_64',
  options: CompileOptions = {},
): SeccompAction {
  const number = nr >>> 0;
  const base = ARCHES[arch].foreignAbiBase;
  if (base !== undefined && number >= base) return options.x32Action ?? KILL_PROCESS;
  const seccomp = policy.linux.seccomp;
  if (!seccomp) return ALLOW;
  return resolveCached(seccomp, arch).actions.get(number) ?? seccomp.defaultAction;
}

/*
 * Assembly: symbolic items with labels → instructions. Conditional jumps reach at most 255
 * instructions ahead, so a jump whose target is farther gets a trampoline right after it: a copy
 * of the target when that is a pooled `RET K` (same size as a JA, one instruction less to run),
 * else `JA` (32-bit offset). Trampolines only lengthen other jumps, so marking jumps far until
 * nothing changes terminates.
 */

type Label = number;

interface CondItem {
  readonly kind: 'cond';
  readonly code: number;
  readonly k: number;
  readonly jt: Label;
  readonly jf: Label;
}

type Item =
  | { readonly kind: 'stmt'; readonly insn: BpfInstruction }
  | CondItem
  | { readonly kind: 'ret'; readonly k: number }
  | { readonly kind: 'label'; readonly label: Label }
  /** A shared `RET K` that jumps reach through its label. */
  | { readonly kind: 'pool'; readonly label: Label; readonly k: number };

const MAX_CONDITIONAL_OFFSET = 0xff;

interface FarSides {
  readonly t: boolean;
  readonly f: boolean;
}

const NEAR: FarSides = { t: false, f: false };

type FarMap = ReadonlyMap<CondItem, FarSides>;

interface Layout {
  readonly pcOf: ReadonlyMap<Item, number>;
  readonly labelPc: ReadonlyMap<Label, number>;
}

function sizeOf(item: Item, far: FarMap): number {
  if (item.kind === 'label') return 0;
  if (item.kind !== 'cond') return 1;
  const sides = far.get(item) ?? NEAR;
  return 1 + Number(sides.t) + Number(sides.f);
}

function layOut(items: readonly Item[], far: FarMap): Layout {
  const pcOf = new Map<Item, number>();
  const labelPc = new Map<Label, number>();
  let pc = 0;
  for (const item of items) {
    pcOf.set(item, pc);
    if (item.kind === 'label' || item.kind === 'pool') labelPc.set(item.label, pc);
    pc += sizeOf(item, far);
  }
  return { pcOf, labelPc };
}

function offsetTo(layout: Layout, label: Label, from: number): number {
  const target = layout.labelPc.get(label);
  if (target === undefined) throw new Error(`internal: label ${label} is never placed`);
  const offset = target - (from + 1);
  if (offset < 0) throw new Error(`internal: label ${label} is behind instruction ${from}`);
  return offset;
}

/** Marks every conditional jump side whose target is out of reach, until none is left. */
function relax(items: readonly Item[]): FarMap {
  const far = new Map<CondItem, FarSides>();
  for (let changed = true; changed;) {
    changed = false;
    const layout = layOut(items, far);
    for (const item of items) {
      if (item.kind !== 'cond') continue;
      const pc = layout.pcOf.get(item) ?? 0;
      const sides = far.get(item) ?? NEAR;
      const t = sides.t || offsetTo(layout, item.jt, pc) > MAX_CONDITIONAL_OFFSET;
      const f = sides.f || offsetTo(layout, item.jf, pc) > MAX_CONDITIONAL_OFFSET;
      if (t !== sides.t || f !== sides.f) changed = true;
      far.set(item, { t, f });
    }
  }
  return far;
}

/** Pooled RETs that only trampolines (which copy them) refer to are dropped. */
function dropUnreachedPool(items: readonly Item[], far: FarMap): Item[] {
  const reached = new Set<Label>();
  for (const item of items) {
    if (item.kind !== 'cond') continue;
    const sides = far.get(item) ?? NEAR;
    if (!sides.t) reached.add(item.jt);
    if (!sides.f) reached.add(item.jf);
  }
  return items.filter((item) => item.kind !== 'pool' || reached.has(item.label));
}

function assemble(source: readonly Item[]): BpfInstruction[] {
  const pooledRets = new Map<Label, number>();
  for (const item of source) if (item.kind === 'pool') pooledRets.set(item.label, item.k);
  const far = relax(source);
  const items = dropUnreachedPool(source, far);
  const layout = layOut(items, far);
  const out: BpfInstruction[] = [];
  const trampoline = (label: Label): BpfInstruction => {
    const ret = pooledRets.get(label);
    return ret !== undefined
      ? stmt(OP.RET_K, ret)
      : stmt(OP.JA, offsetTo(layout, label, out.length));
  };
  for (const item of items) {
    if (item.kind === 'stmt') out.push(item.insn);
    else if (item.kind === 'ret' || item.kind === 'pool') out.push(stmt(OP.RET_K, item.k));
    else if (item.kind === 'cond') {
      const sides = far.get(item) ?? NEAR;
      const pc = out.length;
      const jt = sides.t ? 0 : offsetTo(layout, item.jt, pc);
      const jf = sides.f ? Number(sides.t) : offsetTo(layout, item.jf, pc);
      out.push(jump(item.code, item.k, jt, jf));
      if (sides.t) out.push(trampoline(item.jt));
      if (sides.f) out.push(trampoline(item.jf));
    }
  }
  return out;
}

/** A range of syscall numbers from `start` up to the next interval's start, with one verdict. */
interface Interval {
  readonly start: number;
  readonly ret: number;
}

function dispatchIntervals(
  actions: ReadonlyMap<number, SeccompAction>,
  defaultRet: number,
  foreignAbi: { readonly base: number; readonly ret: number } | undefined,
): Interval[] {
  const limit = foreignAbi?.base ?? NUMBER_SPACE;
  const intervals: Interval[] = [];
  const push = (start: number, ret: number): void => {
    if (intervals.at(-1)?.ret !== ret) intervals.push({ start, ret });
  };
  let cursor = 0;
  const numbers = [...actions.keys()].filter((nr) => nr < limit).sort((a, b) => a - b);
  for (const nr of numbers) {
    if (nr > cursor) push(cursor, defaultRet);
    push(nr, actionReturnValue(actions.get(nr) ?? KILL_PROCESS));
    cursor = nr + 1;
  }
  if (cursor < limit) push(cursor, defaultRet);
  if (foreignAbi) push(foreignAbi.base, foreignAbi.ret);
  return intervals;
}

/** Emits code for intervals[lo..hi] as a balanced binary search of `JGE K` tests on A (= nr). */
class DispatchBuilder {
  readonly items: Item[] = [];
  private readonly pool = new Map<number, Label>();
  private nextLabel = 0;

  constructor(private readonly intervals: readonly Interval[]) {}

  newLabel(): Label {
    return this.nextLabel++;
  }

  retLabel(ret: number): Label {
    const known = this.pool.get(ret);
    if (known !== undefined) return known;
    const label = this.newLabel();
    this.pool.set(ret, label);
    return label;
  }

  emitSearch(lo: number, hi: number): void {
    if (lo === hi) {
      this.items.push({ kind: 'ret', k: this.intervalAt(lo).ret });
      return;
    }
    const mid = (lo + hi + 1) >> 1;
    const left = lo === mid - 1 ? this.retLabel(this.intervalAt(lo).ret) : this.newLabel();
    const right = mid === hi ? this.retLabel(this.intervalAt(hi).ret) : this.newLabel();
    this.items.push({
      kind: 'cond',
      code: OP.JGE_K,
      k: this.intervalAt(mid).start,
      jt: right,
      jf: left,
    });
    if (lo !== mid - 1) {
      this.items.push({ kind: 'label', label: left });
      this.emitSearch(lo, mid - 1);
    }
    if (mid !== hi) {
      this.items.push({ kind: 'label', label: right });
      this.emitSearch(mid, hi);
    }
  }

  /** Shared `RET K`s, one per verdict, after the search. */
  emitPool(): void {
    for (const [ret, label] of this.pool) {
      this.items.push({ kind: 'pool', label, k: ret });
    }
  }

  private intervalAt(i: number): Interval {
    const interval = this.intervals[i];
    if (!interval) throw new Error(`internal: no dispatch interval ${i}`);
    return interval;
  }
}

function buildItems(intervals: readonly Interval[], auditArch: number, foreignRet: number): Item[] {
  const builder = new DispatchBuilder(intervals);
  const dispatch = builder.newLabel();
  builder.items.push(
    { kind: 'stmt', insn: stmt(OP.LD_W_ABS, SECCOMP_DATA.arch) },
    { kind: 'cond', code: OP.JEQ_K, k: auditArch, jt: dispatch, jf: builder.retLabel(foreignRet) },
    { kind: 'label', label: dispatch },
    { kind: 'stmt', insn: stmt(OP.LD_W_ABS, SECCOMP_DATA.nr) },
  );
  builder.emitSearch(0, intervals.length - 1);
  builder.emitPool();
  return builder.items;
}

/** Instructions on the longest path from the start to a RET (all jumps go forward). */
function longestPath(p: BpfProgram): number {
  const lengths = new Array<number>(p.length + 1).fill(0);
  for (let pc = p.length - 1; pc >= 0; pc--) {
    const insn = p[pc];
    if (!insn || insn.code === OP.RET_K || insn.code === OP.RET_A) {
      lengths[pc] = 1;
      continue;
    }
    const next = (offset: number): number => lengths[pc + 1 + offset] ?? 0;
    if (insn.code === OP.JA) lengths[pc] = 1 + next(insn.k);
    else if (isConditionalJump(insn.code)) lengths[pc] = 1 + Math.max(next(insn.jt), next(insn.jf));
    else lengths[pc] = 1 + next(0);
  }
  return lengths[0] ?? 0;
}

/**
 * Compiles the policy's seccomp rules for one arch: foreign `seccomp_data.arch` values and x32
 * numbers get the foreign action (kill-process unless told otherwise), then a binary search over
 * syscall-number ranges returns each number's first-match verdict, else the default. Only
 * `LD W ABS`, `JEQ/JGE K`, `JA` and `RET K` are emitted, so the kernel's action cache can prove
 * every plain ALLOW constant. Without a seccomp section the program allows every native syscall.
 */
export function compilePolicy(
  policy: Policy,
  arch: Arch = 'x86_64',
  options: CompileOptions = {},
): CompiledFilter {
  const info = ARCHES[arch];
  const seccomp = policy.linux.seccomp;
  const resolved = seccomp
    ? resolveSyscallActions(seccomp, arch)
    : { actions: new Map(), unresolved: [] };
  const defaultRet = actionReturnValue(seccomp?.defaultAction ?? ALLOW);
  const foreignAbi =
    info.foreignAbiBase === undefined
      ? undefined
      : { base: info.foreignAbiBase, ret: actionReturnValue(options.x32Action ?? KILL_PROCESS) };
  const intervals = dispatchIntervals(resolved.actions, defaultRet, foreignAbi);
  const foreignRet = actionReturnValue(options.foreignArchAction ?? KILL_PROCESS);
  const program = assemble(buildItems(intervals, info.auditArch, foreignRet));
  if (program.length > BPF.BPF_MAXINSNS) {
    throw new CompileError(
      `the filter needs ${program.length} instructions; the kernel accepts at most ${BPF.BPF_MAXINSNS}`,
    );
  }
  const verdict = verifyProgram(program);
  if (!verdict.ok) {
    const first = verdict.errors[0];
    throw new CompileError(`internal: the compiled filter fails verification: ${first?.message}`);
  }
  return {
    arch,
    program,
    stats: {
      instructions: program.length,
      ranges: intervals.length,
      maxExecuted: longestPath(program),
      unresolved: resolved.unresolved,
    },
  };
}
