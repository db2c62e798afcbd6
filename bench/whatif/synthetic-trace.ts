import type { DeniedEvent, SyscallEvent, TraceEvent } from '../../app/trace/events';

type Recorded = SyscallEvent | DeniedEvent;

/** Deterministic 32-bit PRNG (mulberry32): the same seed gives the same trace on every machine. */
export function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Arguments at or above this are taken for pointers (x86_64 PIE programs, their heap, libraries
 * and stack all live above 4 GiB); smaller ones are fds, sizes and flags (O_CLOEXEC is 0x80000).
 */
const POINTER_FLOOR = 0x1_0000_0000n;
/** How far a pointer argument moves: anywhere in 4096 pages, at 16-byte granularity. */
const PAGES = 4096;
const SLOTS_PER_PAGE = 256;
/** Share of calls whose pointers are the recorded ones (buffers reused), the rest move. */
const KEEP_POINTERS = 0.25;

export interface SyntheticOptions {
  readonly count: number;
  readonly seed?: number;
}

/**
 * A long trace with the distribution of a recorded one: the recorded syscall events repeated in
 * order (each syscall as often, relatively, as in the recording), pointer arguments moved to other
 * addresses in most calls (a long-running program allocates), small arguments (fds, sizes, flags)
 * kept as recorded, so that conditions on flags see the recorded values. Timestamps keep growing.
 */
export function syntheticTrace(
  recorded: readonly TraceEvent[],
  options: SyntheticOptions,
): Recorded[] {
  const calls = recorded.filter((e): e is Recorded => e.type === 'syscall' || e.type === 'denied');
  if (calls.length === 0) throw new Error('the recorded trace has no syscall events to replicate');
  const random = randomSource(options.seed ?? 1);
  const span = (calls.at(-1)?.t ?? 0) - (calls[0]?.t ?? 0) + 1;
  const out: Recorded[] = new Array(options.count);
  for (let i = 0; i < options.count; i++) {
    const round = Math.floor(i / calls.length);
    const call = calls[i % calls.length] as Recorded;
    const args = call.args.map((hex) => movedArgument(hex, random));
    out[i] = { ...call, t: call.t + round * span, args };
  }
  return out;
}

function movedArgument(hex: string, random: () => number): string {
  const value = BigInt(hex);
  if (value < POINTER_FLOOR || random() < KEEP_POINTERS) return hex;
  const page = BigInt(Math.floor(random() * PAGES)) * 0x1000n;
  const slot = BigInt(Math.floor(random() * SLOTS_PER_PAGE)) * 16n;
  return `0x${BigInt.asUintN(64, value + page + slot).toString(16)}`;
}

/** Distinct (arch, nr, args) tuples: what a what-if evaluation would run without its shortcuts. */
export function distinctTuples(events: readonly Recorded[]): number {
  return new Set(events.map((e) => `${e.arch} ${e.nr} ${e.args.join(',')}`)).size;
}
