import type { Item, Label } from './compile-assemble';
import { OP, stmt } from './encode';

/**
 * What the accumulator holds: the 32-bit word of `struct seccomp_data` at `offset`, ANDed with
 * `and`, then XORed with `xor` (the sign flip of signed compares).
 */
export interface AccumulatorState {
  readonly offset: number;
  readonly and: number;
  readonly xor: number;
}

const FULL = 0xffffffff;

type Known = AccumulatorState | 'unknown';

/** Past a RET or a jump, no instruction falls through to the next one. */
type FallThrough = Known | 'unreachable';

function sameState(a: AccumulatorState, b: AccumulatorState): boolean {
  return a.offset === b.offset && a.and === b.and && a.xor === b.xor;
}

function merge(a: FallThrough, b: FallThrough): FallThrough {
  if (a === 'unreachable') return b;
  if (b === 'unreachable') return a;
  if (a === 'unknown' || b === 'unknown') return 'unknown';
  return sameState(a, b) ? a : 'unknown';
}

/**
 * Appends assembler items and tracks the accumulator along every path: at a label, the state is
 * what all jumps to it (and the fall-through) agree on. Labels come from one counter per program.
 */
export class CodeWriter {
  readonly items: Item[] = [];
  /** Instructions written so far (labels take none; far jumps may add trampolines later). */
  instructions = 0;
  private nextLabel = 0;
  private fall: FallThrough = 'unknown';
  private readonly atJumps = new Map<Label, FallThrough>();

  newLabel(): Label {
    return this.nextLabel++;
  }

  place(label: Label): void {
    this.items.push({ kind: 'label', label });
    this.fall = merge(this.fall, this.atJumps.get(label) ?? 'unreachable');
  }

  cond(code: number, k: number, jt: Label, jf: Label): void {
    this.push({ kind: 'cond', code, k: k >>> 0, jt, jf });
    this.recordJump(jt);
    this.recordJump(jf);
    this.fall = 'unreachable';
  }

  ja(target: Label): void {
    this.push({ kind: 'ja', target });
    this.recordJump(target);
    this.fall = 'unreachable';
  }

  ret(k: number): void {
    this.push({ kind: 'ret', k: k >>> 0 });
    this.fall = 'unreachable';
  }

  pool(label: Label, k: number): void {
    this.push({ kind: 'pool', label, k: k >>> 0 });
    this.fall = 'unreachable';
  }

  /** `A = word at offset`, for loads the writer need not track (nr, arch at dispatch). */
  loadWord(offset: number): void {
    this.load({ offset, and: FULL, xor: 0 });
  }

  /** Makes A hold `want`, reusing what A already holds when that saves instructions. */
  load(want: AccumulatorState): void {
    const have = this.fall === 'unreachable' ? 'unknown' : this.fall;
    if (have !== 'unknown' && sameState(have, want)) return;
    const refine =
      have !== 'unknown' &&
      have.offset === want.offset &&
      have.xor === 0 &&
      (have.and & want.and) >>> 0 === want.and >>> 0;
    if (!refine) this.emit(OP.LD_W_ABS, want.offset, { offset: want.offset, and: FULL, xor: 0 });
    const before = refine ? have.and : FULL;
    if (want.and >>> 0 !== before >>> 0) {
      this.emit(OP.AND_K, want.and, { offset: want.offset, and: want.and, xor: 0 });
    }
    if (want.xor !== 0) this.emit(OP.XOR_K, want.xor, want);
  }

  private emit(code: number, k: number, after: AccumulatorState): void {
    this.push({ kind: 'stmt', insn: stmt(code, k) });
    this.fall = after;
  }

  private push(item: Item): void {
    this.items.push(item);
    this.instructions += 1;
  }

  private recordJump(target: Label): void {
    const state = this.fall === 'unreachable' ? 'unknown' : this.fall;
    this.atJumps.set(target, merge(this.atJumps.get(target) ?? 'unreachable', state));
  }
}
