import { jump, OP, stmt } from './encode';
import type { BpfInstruction } from './program';

/*
 * Assembly: symbolic items with labels → instructions. Conditional jumps reach at most 255
 * instructions ahead, so a jump whose target is farther gets a trampoline right after it: a copy
 * of the target when that is a `RET K` (same size as a JA, one instruction less to run), else
 * `JA` (32-bit offset). A `JA` to a `RET K` becomes a copy of it too. Trampolines only lengthen other jumps, so marking jumps far until
 * nothing changes terminates. All jumps go forward: a label must be placed after every jump to it.
 */

export type Label = number;

export interface CondItem {
  readonly kind: 'cond';
  readonly code: number;
  readonly k: number;
  readonly jt: Label;
  readonly jf: Label;
}

export type Item =
  | { readonly kind: 'stmt'; readonly insn: BpfInstruction }
  | CondItem
  /** Unconditional jump; dropped when its target directly follows. */
  | { readonly kind: 'ja'; readonly target: Label }
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

/** Drops `JA` items whose target label comes next (only labels in between). */
function dropFallThroughJumps(items: readonly Item[]): Item[] {
  const out: Item[] = [];
  items.forEach((item, i) => {
    if (item.kind === 'ja') {
      for (let j = i + 1; j < items.length; j++) {
        const next = items[j];
        if (next?.kind !== 'label') break;
        if (next.label === item.target) return;
      }
    }
    out.push(item);
  });
  return out;
}

/** For each label whose first instruction is a `RET K`, that return value. */
function returnsAt(items: readonly Item[]): Map<Label, number> {
  const rets = new Map<Label, number>();
  const pending: Label[] = [];
  for (const item of items) {
    if (item.kind === 'label') {
      pending.push(item.label);
      continue;
    }
    if (item.kind === 'pool') pending.push(item.label);
    if (item.kind === 'ret' || item.kind === 'pool')
      for (const label of pending) rets.set(label, item.k);
    pending.length = 0;
  }
  return rets;
}

/**
 * A pooled RET stays if a near conditional jump lands on it or an instruction falls through into
 * it; jumps that only reach it by trampoline or `JA` get a copy of the RET instead.
 */
function dropUnreachedPool(items: readonly Item[], far: FarMap): Item[] {
  const reached = new Set<Label>();
  for (const item of items) {
    if (item.kind !== 'cond') continue;
    const sides = far.get(item) ?? NEAR;
    if (!sides.t) reached.add(item.jt);
    if (!sides.f) reached.add(item.jf);
  }
  let fallsThrough = false;
  let landed = false;
  return items.filter((item) => {
    if (item.kind === 'label') {
      landed ||= reached.has(item.label);
      return true;
    }
    const keep = item.kind !== 'pool' || fallsThrough || landed || reached.has(item.label);
    if (keep) fallsThrough = item.kind === 'stmt';
    landed = false;
    return keep;
  });
}

export function assemble(source: readonly Item[]): BpfInstruction[] {
  const direct = dropFallThroughJumps(source);
  const rets = returnsAt(direct);
  const far = relax(direct);
  const items = dropUnreachedPool(direct, far);
  const layout = layOut(items, far);
  const out: BpfInstruction[] = [];
  const trampoline = (label: Label): BpfInstruction => {
    const ret = rets.get(label);
    return ret !== undefined
      ? stmt(OP.RET_K, ret)
      : stmt(OP.JA, offsetTo(layout, label, out.length));
  };
  for (const item of items) {
    if (item.kind === 'stmt') out.push(item.insn);
    else if (item.kind === 'ret' || item.kind === 'pool') out.push(stmt(OP.RET_K, item.k));
    else if (item.kind === 'ja') out.push(trampoline(item.target));
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
