import { RLIMIT_NAMES, rlimitUnit, takesSizes } from '../linux/rlimits';
import type { RlimitAmount } from './model';

export type RlimitValueResult = { readonly value: RlimitAmount } | { readonly error: string };

const U64_MAX = (1n << 64n) - 1n;
const SIZE_SUFFIX: Readonly<Record<string, bigint>> = {
  k: 1n << 10n,
  m: 1n << 20n,
  g: 1n << 30n,
  t: 1n << 40n,
};
const SIZE = /^(\d+) ?([kmgt])(?:i?b)?$/i;
const BYTE_LIMITS = RLIMIT_NAMES.filter(takesSizes).join(', ');

/**
 * The value of limit `name` as written in YAML: a non-negative integer, a decimal string,
 * `unlimited`, or for byte limits a size such as `64M` or `1GiB` (powers of 1024).
 */
export function parseRlimitValue(name: string, input: unknown): RlimitValueResult {
  if (typeof input === 'number') return fromNumber(input);
  if (typeof input !== 'string') {
    return { error: `expected a number, a size such as 64M, or unlimited for ${name}` };
  }
  const text = input.trim();
  if (text === 'unlimited') return { value: 'unlimited' };
  if (/^(infinity|inf|unlimit|none|max)$/i.test(text)) {
    return { error: `write "unlimited" for no limit, not "${text}"` };
  }
  if (/^\d+$/.test(text)) return inRange(BigInt(text), text);
  const size = SIZE.exec(text);
  if (size) {
    if (!takesSizes(name)) {
      return {
        error: `${name} is ${unitText(name)}, not a size: K/M/G/T suffixes apply to ${BYTE_LIMITS}`,
      };
    }
    return inRange(BigInt(size[1]!) * SIZE_SUFFIX[size[2]!.toLowerCase()]!, text);
  }
  return { error: `"${text}" is not a limit: write a number${sizeHint(name)} or unlimited` };
}

function fromNumber(n: number): RlimitValueResult {
  if (!Number.isInteger(n) || n < 0) {
    return { error: `a limit is a whole number ≥ 0, not ${n}` };
  }
  if (!Number.isSafeInteger(n)) {
    return { error: `${n} is too large for YAML to read exactly: quote it or use a size suffix` };
  }
  return { value: BigInt(n) };
}

function inRange(value: bigint, text: string): RlimitValueResult {
  return value > U64_MAX ? { error: `${text} does not fit in 64 bits` } : { value };
}

function unitText(name: string): string {
  const unit = rlimitUnit(name);
  return unit === 'count'
    ? 'a count'
    : unit === 'nice' || unit === 'priority'
      ? 'a level'
      : `in ${unit}`;
}

function sizeHint(name: string): string {
  return takesSizes(name) ? ', a size such as 64M,' : '';
}

/** soft ≤ hard, with `unlimited` above every number. */
export function softAboveHard(soft: RlimitAmount, hard: RlimitAmount): boolean {
  if (hard === 'unlimited') return false;
  return soft === 'unlimited' || soft > hard;
}

export function formatRlimitAmount(value: RlimitAmount): string {
  return typeof value === 'bigint' ? value.toString() : value;
}
