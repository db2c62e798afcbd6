import type { Arch } from '../linux/syscalls';
import type { ArgumentShape, SyscallShape } from './argument-shapes';
import { constantName, flagsText, valueText } from './value-names';

/** More distinct values than this make a list nobody reads: the rule is not narrowed then. */
export const MAX_LISTED_VALUES = 16;

/** The shaped argument values of calls on one arch, in the shape's argument order. */
export interface ShapedCalls {
  readonly arch: Arch;
  readonly values: readonly (readonly bigint[])[];
}

export type NarrowResult =
  | {
      readonly ok: true;
      /** The `when:` condition, in the policy language. */
      readonly when: string;
      /** `request TCGETS, FIONREAD`, `prot within PROT_READ|PROT_WRITE`. */
      readonly described: string;
    }
  | { readonly ok: false; readonly reason: string };

type ValuesShape = Extract<ArgumentShape, { kind: 'values' }>;
type MaskShape = Extract<ArgumentShape, { kind: 'mask' }>;

function argText(shape: ArgumentShape): string {
  return shape.kind === 'values' && shape.low32 ? `(u32)arg${shape.arg}` : `arg${shape.arg}`;
}

function valueToken(shape: ValuesShape, arch: Arch, arches: readonly Arch[], value: bigint) {
  const names = { exact: shape.names, ...(shape.flags && { flags: shape.flags }) };
  return valueText(value, arch, arches, names, shape.low32 ? 32 : 64);
}

/** One text per distinct value, in the order of the values (sorted by number). */
function tokensOf(
  calls: readonly ShapedCalls[],
  position: number,
  token: (arch: Arch, value: bigint) => string,
): string[] {
  const seen = new Map<string, bigint>();
  for (const { arch, values } of calls) {
    for (const tuple of values) {
      const value = tuple[position] ?? 0n;
      const text = token(arch, value);
      if (!seen.has(text)) seen.set(text, value);
    }
  }
  return [...seen].sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([text]) => text);
}

function valueList(arg: string, tokens: readonly string[]): string {
  return tokens.length === 1 ? `${arg} == ${tokens[0]}` : `${arg} in {${tokens.join(', ')}}`;
}

interface Part {
  readonly condition: string;
  readonly described: string;
}

/** The flags seen on each arch, united: the rule lets through those and no other flag. */
function maskPart(
  shape: MaskShape,
  calls: readonly ShapedCalls[],
  position: number,
  arches: readonly Arch[],
): Part {
  const names = new Set<string>();
  for (const { arch, values } of calls) {
    const union = values.reduce((mask, tuple) => mask | (tuple[position] ?? 0n), 0n);
    if (union === 0n) continue;
    for (const name of flagsText(union, arch, arches, shape.flags).text.split('|')) {
      names.add(name);
    }
  }
  const arg = argText(shape);
  if (names.size === 0) {
    const first = calls[0]?.arch;
    const none = first && shape.none && constantName(shape.none, first, arches, 0n);
    const zero = none ?? '0';
    return { condition: `${arg} == ${zero}`, described: `${shape.what} ${zero}` };
  }
  const list = [...names];
  const flags = list.join('|');
  const inverted = list.length === 1 ? `~${flags}` : `~(${flags})`;
  return {
    condition: `(${arg} & ${inverted}) == 0`,
    described: `${shape.what} within ${flags}`,
  };
}

/**
 * Several `values` arguments: their lists together (`arg0 in {…} && arg1 in {…}`) when every
 * combination was seen, else the combinations seen, one by one.
 */
function valuesPart(
  shapes: readonly { readonly shape: ValuesShape; readonly position: number }[],
  calls: readonly ShapedCalls[],
  arches: readonly Arch[],
): Part | string {
  const lists = shapes.map(({ shape, position }) =>
    tokensOf(calls, position, (arch, value) => valueToken(shape, arch, arches, value)),
  );
  const tooMany = lists.findIndex((list) => list.length > MAX_LISTED_VALUES);
  if (tooMany !== -1) {
    return `called with ${lists[tooMany]!.length} different ${shapes[tooMany]!.shape.what} values`;
  }
  const combinations = new Set<string>();
  const rows: string[][] = [];
  for (const { arch, values } of calls) {
    for (const tuple of values) {
      const row = shapes.map(({ shape, position }) =>
        valueToken(shape, arch, arches, tuple[position] ?? 0n),
      );
      const key = row.join('\u0000');
      if (!combinations.has(key)) {
        combinations.add(key);
        rows.push(row);
      }
    }
  }
  const described = shapes
    .map(({ shape }, i) => `${shape.what} ${lists[i]!.join(', ')}`)
    .join(' and ');
  const product = lists.reduce((n, list) => n * list.length, 1);
  if (product === rows.length) {
    const condition = shapes
      .map(({ shape }, i) => valueList(argText(shape), lists[i]!))
      .join(' && ');
    return { condition, described };
  }
  if (rows.length > MAX_LISTED_VALUES) {
    return `called with ${rows.length} different combinations of ${shapes.map((s) => s.shape.what).join(' and ')}`;
  }
  const alternatives = rows.map(
    (row) => `(${row.map((token, i) => `${argText(shapes[i]!.shape)} == ${token}`).join(' && ')})`,
  );
  return { condition: alternatives.join(' || '), described };
}

/**
 * The narrowest `when:` that lets exactly the observed calls' shaped arguments through (masks:
 * any subset of the flags seen). Names are chosen so that each resolves, on the arch a value was
 * seen on, to that value, and exists on every arch of the policy; anything else is a number.
 */
export function narrowCondition(
  shape: SyscallShape,
  calls: readonly ShapedCalls[],
  policyArches: readonly Arch[],
): NarrowResult {
  if (calls.every((c) => c.values.length === 0)) {
    return { ok: false, reason: 'no call with arguments was recorded' };
  }
  const values = shape.args
    .map((s, position) => ({ shape: s, position }))
    .filter((entry): entry is { shape: ValuesShape; position: number } => {
      return entry.shape.kind === 'values';
    });
  const parts: Part[] = [];
  if (values.length > 0) {
    const part = valuesPart(values, calls, policyArches);
    if (typeof part === 'string') return { ok: false, reason: part };
    parts.push(part);
  }
  shape.args.forEach((s, position) => {
    if (s.kind === 'mask') parts.push(maskPart(s, calls, position, policyArches));
  });
  const needsParens = parts.length > 1;
  const condition = parts
    .map((p) => (needsParens && p.condition.includes(' || ') ? `(${p.condition})` : p.condition))
    .join(' && ');
  return { ok: true, when: condition, described: parts.map((p) => p.described).join(' and ') };
}
