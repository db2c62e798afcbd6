import { archInfo, isArch } from '../linux/arches';

/** Words per tuple: the six 64-bit arguments as low and high 32-bit halves, argument by argument. */
export const ARG_WORDS = 12;

/** First word of `args[0]` in `struct seccomp_data` seen as 16 32-bit words (nr, arch, ip, args). */
export const FIRST_ARG_WORD = 4;
/** The two words of `instruction_pointer`: events do not record it. */
export const IP_WORDS: readonly number[] = [2, 3];

const HEX_ARCH = /^0x[0-9a-f]{1,8}$/i;

/**
 * `seccomp_data.arch` of an event: its `arch` is one of our ABI names (x86_64, x32, ...) or, for an
 * AUDIT_ARCH we have no tables for, that value in hex (main/supervisor/syscall-records.ts).
 */
export function auditArchOfLabel(label: string): number | undefined {
  if (isArch(label)) return archInfo(label).auditArch >>> 0;
  if (HEX_ARCH.test(label)) return Number.parseInt(label.slice(2), 16) >>> 0;
  return undefined;
}

/** `seccomp_data.nr` of an event: the raw number (x32's carry their bit), as an unsigned word. */
export function syscallWord(nr: number): number | undefined {
  return Number.isSafeInteger(nr) && nr >= -0x80000000 && nr <= 0xffffffff ? nr >>> 0 : undefined;
}

/** The value of a hex digit's character code, or -1. */
function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  const lower = c | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1; // a-f, A-F
}

/**
 * Writes one `0x…` argument (1 to 16 hex digits) at `out[at]` (low word) and `out[at + 1]`.
 * Parsed by character, without substrings: every event of a run goes through here.
 */
function writeHexWord(hex: string, out: Uint32Array, at: number): boolean {
  const digits = hex.length - 2;
  if (digits < 1 || digits > 16 || hex.charCodeAt(0) !== 48 || (hex.charCodeAt(1) | 0x20) !== 120) {
    return false;
  }
  let lo = 0;
  let hi = 0;
  for (let i = 2; i < hex.length; i++) {
    const d = hexDigit(hex.charCodeAt(i));
    if (d < 0) return false;
    hi = ((hi << 4) | (lo >>> 28)) >>> 0;
    lo = ((lo << 4) | d) >>> 0;
  }
  out[at] = lo;
  out[at + 1] = hi;
  return true;
}

/**
 * Writes the six arguments (hex strings, as events carry them) into `out` at `at` as 12 words,
 * low half first. False when one is not a 64-bit hex number: such an event cannot be judged.
 */
export function writeArgWords(args: readonly string[], out: Uint32Array, at: number): boolean {
  if (args.length !== 6) return false;
  for (let i = 0; i < 6; i++) {
    if (!writeHexWord(args[i] ?? '', out, at + 2 * i)) return false;
  }
  return true;
}

/** The arguments of a tuple's words as seccomp_data holds them (64-bit values). */
export function argsOfWords(
  words: Uint32Array,
  at: number,
): [bigint, bigint, bigint, bigint, bigint, bigint] {
  const arg = (i: number): bigint =>
    (BigInt(words[at + 2 * i + 1] ?? 0) << 32n) | BigInt(words[at + 2 * i] ?? 0);
  return [arg(0), arg(1), arg(2), arg(3), arg(4), arg(5)];
}
