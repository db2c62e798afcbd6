import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCondition } from './condition-check';
import { formatCondition } from './condition-format';
import type { ConditionExpr } from './condition-syntax';

/** `start-end message` for each error, offsets into the condition text. */
function errors(text: string): string[] {
  return parseCondition(text).errors.map(
    (e) => `${e.range.start.offset}-${e.range.end.offset} ${e.code}: ${e.message}`,
  );
}

function canonical(text: string): string {
  const { expr, errors: found } = parseCondition(text);
  if (!expr) throw new Error(`${text}: ${found.map((e) => e.message).join('; ')}`);
  return formatCondition(expr);
}

/** The tree without ranges, for structural comparison. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== 'range')
        .map(([key, v]) => [key, shape(v)]),
    );
  }
  return value;
}

describe('parseCondition: the language', () => {
  it('reads the examples from the design', () => {
    expect(canonical('(arg2 & ~(MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE)) == 0')).toBe(
      'arg2 & ~(MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE) == 0',
    );
    expect(canonical('arg1 in {TCGETS, FIONREAD}')).toBe('arg1 in {TCGETS, FIONREAD}');
  });

  it('builds a typed tree', () => {
    const { expr } = parseCondition('(int)arg0 & 0xff >= -1');
    expect(shape(expr)).toEqual({
      kind: 'compare',
      op: '>=',
      arg: { kind: 'arg', index: 0, cast: 's32', mask: { kind: 'int', value: 255n } },
      value: { kind: 'unary', op: '-', operand: { kind: 'int', value: 1n } },
    });
  });

  it('binds bitwise operators tighter than comparisons (as in Python)', () => {
    expect(shape(parseCondition('arg2 & MASK == 0').expr)).toEqual(
      shape(parseCondition('(arg2 & MASK) == 0').expr),
    );
    expect(canonical('arg0 == A | B & C << 2')).toBe('arg0 == A | B & C << 2');
    expect(canonical('arg0 == (A | B) & C')).toBe('arg0 == (A | B) & C');
  });

  it('binds && tighter than || and ! tighter than both', () => {
    expect(canonical('arg0 == 1 || arg1 == 2 && arg2 == 3')).toBe(
      'arg0 == 1 || arg1 == 2 && arg2 == 3',
    );
    expect(canonical('(arg0 == 1 || arg1 == 2) && arg2 == 3')).toBe(
      '(arg0 == 1 || arg1 == 2) && arg2 == 3',
    );
    expect(canonical('!arg0 == 1 && arg1 == 2')).toBe('!arg0 == 1 && arg1 == 2');
    expect(canonical('!(arg0 == 1 && arg1 == 2)')).toBe('!(arg0 == 1 && arg1 == 2)');
    expect(shape(parseCondition('a0 == 1').errors)).toEqual([
      { code: 'invalid-condition', message: '"a0 == 1" does not involve an argument (arg0..arg5)' },
    ]);
  });

  it('flattens chains of && and ||', () => {
    const expr = parseCondition('arg0 == 1 && (arg1 == 2 && arg2 == 3)').expr;
    expect(expr?.kind).toBe('and');
    expect((expr as Extract<ConditionExpr, { kind: 'and' | 'or' }>).items).toHaveLength(3);
  });

  it('reads every comparison, set, flag test and cast', () => {
    for (const op of ['==', '!=', '<', '<=', '>', '>=']) {
      expect(canonical(`arg5 ${op} 7`)).toBe(`arg5 ${op} 7`);
    }
    expect(canonical('arg1 not in {1, 2, 3,}')).toBe('arg1 not in {1, 2, 3}');
    expect(canonical('allof(arg2, O_CREAT|O_EXCL)')).toBe('allof(arg2, O_CREAT | O_EXCL)');
    expect(canonical('anyof((u32)arg2, 1)')).toBe('anyof((u32)arg2, 1)');
    expect(canonical('noneof(arg0 & 0xff, 4)')).toBe('noneof(arg0 & 255, 4)');
    expect(canonical('(int)arg0 == -100')).toBe('(int)arg0 == -100');
    expect(canonical('(long)arg0 < 0')).toBe('(s64)arg0 < 0');
    expect(canonical('(s32)arg0 < 0')).toBe('(int)arg0 < 0');
    expect(canonical('(u64)arg0 < 0')).toBe('arg0 < 0');
    expect(canonical('(int)(arg0 & 7) == 1')).toBe('(int)arg0 & 7 == 1');
  });

  it('reads literals in every radix', () => {
    expect(canonical('arg0 == 0x1F')).toBe('arg0 == 31');
    expect(canonical('arg0 == 0o17')).toBe('arg0 == 15');
    expect(canonical('arg0 == 0b101')).toBe('arg0 == 5');
    expect(canonical('arg0 == 0')).toBe('arg0 == 0');
    expect(canonical('arg0 == 18446744073709551615')).toBe('arg0 == 0xffffffffffffffff');
  });

  it('puts the argument on the left', () => {
    expect(canonical('1 < arg0')).toBe('arg0 > 1');
    expect(canonical('FLAG & arg2 != 0')).toBe('arg2 & FLAG != 0');
    expect(canonical('0 >= arg1')).toBe('arg1 <= 0');
  });

  it('combines chained masks', () => {
    expect(canonical('arg0 & A & B == 0')).toBe('arg0 & (A & B) == 0');
  });
});

describe('parseCondition: errors with their exact characters', () => {
  it('syntax', () => {
    expect(errors('')).toEqual(['0-0 condition-syntax: empty condition']);
    expect(errors('arg0 = 1')).toEqual([
      '5-6 condition-syntax: unexpected character "="; use == to compare',
    ]);
    expect(errors('arg0 == 1 and arg1 == 2')).toEqual([
      '10-13 condition-syntax: unexpected "and" after a complete condition; use && to combine conditions',
    ]);
    expect(errors('arg0 == $')).toEqual(['8-9 condition-syntax: unexpected character "$"']);
    expect(errors('arg0 ==')).toEqual([
      '7-7 condition-syntax: unexpected the end of the condition where a value was expected',
    ]);
    expect(errors('((arg0 == 1)')).toEqual(['0-1 condition-syntax: "(" is never closed']);
    expect(errors('arg0 == 1)')).toEqual([
      '9-10 condition-syntax: unexpected ")" after a complete condition',
    ]);
    expect(errors('arg0 == 1 == 2')).toEqual([
      '10-12 condition-syntax: comparisons cannot be chained; combine them with &&',
    ]);
    expect(errors('arg1 in {1, 2')).toEqual(['8-9 condition-syntax: "{" is never closed']);
    expect(errors('arg1 in {}')).toEqual([
      '8-10 condition-syntax: the set is empty; list at least one value',
    ]);
    expect(errors('arg1 in 3')).toEqual([
      '8-9 condition-syntax: unexpected the number 3 after "in": write a set such as {A, B}',
    ]);
    expect(errors('arg0 == {1}')).toEqual([
      '8-9 condition-syntax: a set {…} can only follow "in" or "not in"',
    ]);
    expect(errors('alof(arg0, 1)')).toEqual([
      '0-4 condition-syntax: unknown function "alof"; did you mean allof? (functions: allof, anyof, noneof)',
    ]);
    expect(errors('not arg0 == 1')).toEqual([
      '0-3 condition-syntax: unexpected "not" here; negate a condition with !; `not` only appears in `not in`',
    ]);
  });

  it('numbers', () => {
    expect(errors('arg0 == 017')).toEqual([
      '8-11 condition-syntax: "017": a leading zero is ambiguous; write 0o17 for octal or 17 for decimal',
    ]);
    expect(errors('arg0 == 0x')).toEqual([
      '8-10 condition-syntax: "0x" is not a valid hexadecimal number',
    ]);
    expect(errors('arg0 == 0b102')).toEqual([
      '8-13 condition-syntax: "0b102" is not a valid binary number',
    ]);
    expect(errors('arg0 == 12ab')).toEqual(['8-12 condition-syntax: "12ab" is not a valid number']);
  });

  it('meaning', () => {
    expect(errors('arg0')).toEqual([
      '0-4 invalid-condition: "arg0" is not a condition; compare it, e.g. "arg0 != 0", or test flags with anyof(...)',
    ]);
    expect(errors('arg2 & O_CREAT && arg0 == 1')).toEqual([
      '0-14 invalid-condition: "arg2 & O_CREAT" is not a condition; compare it, e.g. "arg2 & O_CREAT != 0", or test flags with anyof(...)',
    ]);
    expect(errors('O_CREAT')).toEqual([
      '0-7 invalid-condition: "O_CREAT" is not a condition; compare an argument, e.g. "arg0 == O_CREAT"',
    ]);
    expect(errors('arg0 == arg1')).toEqual([
      '0-12 invalid-condition: seccomp can only compare an argument with a constant, not with another argument',
    ]);
    expect(errors('1 == 2')).toEqual([
      '0-6 invalid-condition: "1 == 2" does not involve an argument (arg0..arg5)',
    ]);
    expect(errors('arg6 == 1')).toEqual([
      '0-4 invalid-condition: there is no arg6: syscalls have six arguments, arg0..arg5',
    ]);
    expect(errors('arg0 | 1 == 1')).toEqual([
      '0-8 invalid-condition: only "&" (a mask) can be applied to an argument, not "|"',
    ]);
    expect(errors('~arg0 == 1')).toEqual([
      '0-5 invalid-condition: "~arg0" cannot be applied to an argument; only "&" masks can',
    ]);
    expect(errors('(int)(u32)arg0 == 1')).toEqual([
      '0-14 invalid-condition: an argument can only be cast once',
    ]);
    expect(errors('arg0 == (int)5')).toEqual([
      '8-14 invalid-condition: casts apply to arguments only, e.g. (int)arg0',
    ]);
    expect(errors('anyof(arg0)')).toEqual([
      '0-11 invalid-condition: anyof takes two arguments: anyof(argN, FLAGS)',
    ]);
    expect(errors('anyof(1, arg0)')).toEqual([
      '6-7 invalid-condition: the first argument of anyof must be an argument (arg0..arg5)',
    ]);
    expect(errors('1 in {1}')).toEqual([
      '0-1 invalid-condition: the left side of "in" must be an argument (arg0..arg5), not "1"',
    ]);
    expect(errors('arg0 in {arg1}')).toEqual([
      '9-13 invalid-condition: arg1 cannot appear here; only a constant can',
    ]);
    expect(errors('arg0 == anyof(arg1, 1)')).toEqual([
      '8-22 invalid-condition: anyof(...) is a condition, not a value',
    ]);
  });

  it('reports several meaning errors at once', () => {
    expect(errors('arg7 == 1 || arg0 == arg1')).toHaveLength(2);
  });

  it('refuses nesting that would exhaust the stack', () => {
    const deep = `${'('.repeat(10_000)}arg0 == 1${')'.repeat(10_000)}`;
    expect(errors(deep)[0]).toMatch(/nested too deeply/);
    expect(errors(`${'!'.repeat(10_000)}arg0 == 1`)[0]).toMatch(/nested too deeply/);
    expect(errors(`arg0 == ${'~'.repeat(10_000)}1`)[0]).toMatch(/nested too deeply/);
  });
});

const atoms = [
  'arg0',
  'arg1',
  'arg5',
  '(int)arg2',
  '(u32)arg3',
  '(long)arg4',
  '1',
  '0x10',
  '-1',
  'O_CREAT',
  'MAP_PRIVATE',
  '~PROT_EXEC',
];
const tokens = [
  ...atoms,
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '&',
  '|',
  '^',
  '~',
  '<<',
  '>>',
  '&&',
  '||',
  '!',
  '(',
  ')',
  '{',
  '}',
  ',',
  'in',
  'not in',
  'allof(',
  'anyof(',
  'noneof(',
  'arg9',
  '=',
  '"',
  '\\',
  ' ',
];

/** Random well-formed conditions, as text. */
const value: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('1', '0x10', '255', '0', 'O_CREAT', 'MAP_PRIVATE', 'TCGETS'),
    fc.tuple(fc.constantFrom('~', '-'), tie('value')).map(([op, v]) => `${op}${v}`),
    fc
      .tuple(tie('value'), fc.constantFrom('|', '&', '^', '<<', '>>'), tie('value'))
      .map(([a, op, b]) => `(${a} ${op} ${b})`),
  ),
})).value;
const argument = fc
  .tuple(
    fc.constantFrom('', '(int)', '(u32)', '(s64)'),
    fc.integer({ min: 0, max: 5 }),
    fc.option(value),
  )
  .map(([cast, n, mask]) => (mask ? `${cast}arg${n} & ${mask}` : `${cast}arg${n}`));
const condition: fc.Arbitrary<string> = fc.letrec<{ cond: string }>((tie) => ({
  cond: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc
      .tuple(argument, fc.constantFrom('==', '!=', '<', '<=', '>', '>='), value)
      .map(([a, op, v]) => `${a} ${op} ${v}`),
    fc
      .tuple(argument, fc.boolean(), fc.array(value, { minLength: 1, maxLength: 3 }))
      .map(([a, not, vs]) => `${a} ${not ? 'not in' : 'in'} {${vs.join(', ')}}`),
    fc
      .tuple(fc.constantFrom('allof', 'anyof', 'noneof'), argument, value)
      .map(([f, a, v]) => `${f}(${a}, ${v})`),
    tie('cond').map((c) => `!(${c})`),
    fc
      .tuple(tie('cond'), fc.constantFrom('&&', '||'), tie('cond'))
      .map(([a, op, b]) => `(${a}) ${op} (${b})`),
  ),
})).cond;

describe('parseCondition: properties', () => {
  it('never throws, and every error range lies inside the text', () => {
    const soup = fc.array(fc.constantFrom(...tokens), { maxLength: 30 }).map((t) => t.join(' '));
    fc.assert(
      fc.property(fc.oneof(soup, fc.string({ maxLength: 40 }), condition), (text) => {
        const result = parseCondition(text);
        expect(result.expr === undefined).toBe(result.errors.length > 0);
        for (const e of result.errors) {
          expect(e.range.start.offset).toBeGreaterThanOrEqual(0);
          expect(e.range.start.offset).toBeLessThanOrEqual(e.range.end.offset);
          expect(e.range.end.offset).toBeLessThanOrEqual(text.length);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts every well-formed condition', () => {
    fc.assert(
      fc.property(condition, (text) => {
        expect(parseCondition(text).errors).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('formatCondition is canonical: it parses back to the same tree and text', () => {
    fc.assert(
      fc.property(condition, (text) => {
        const first = parseCondition(text).expr!;
        const printed = formatCondition(first);
        const again = parseCondition(printed).expr;
        expect(shape(again)).toEqual(shape(first));
        expect(formatCondition(again!)).toBe(printed);
      }),
      { numRuns: 1000 },
    );
  });
});
