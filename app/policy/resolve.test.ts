import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AUDIT_ARCH } from '../linux/constants';
import { syscallNumber, type Arch } from '../linux/syscalls';
import { evaluateCondition } from './interpret';
import { parsePolicy } from './parse';
import { ALWAYS, type ArgCondition } from './resolved';
import { PolicyResolveError, resolvePolicy } from './resolve';
import type { Policy } from './model';
import { yaml } from './test-helpers';

function policyOf(text: string): Policy {
  const { policy, diagnostics } = parsePolicy(text);
  if (!policy) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return policy;
}

/** The resolved condition of a single `allow: read` rule on `arch`. */
function conditionOf(when: string, arch: Arch = 'x86_64'): ArgCondition {
  const text = `version: 1\nlinux:\n  seccomp:\n    arch: [${arch}]\n    rules:\n      - allow: read\n        when: '${when.replace(/'/g, "''")}'\n`;
  return resolvePolicy(policyOf(text)).arches[0]!.rules[0]!.condition;
}

const NR = (arch: Arch, name: string) => syscallNumber(arch, name)!;

describe('resolvePolicy', () => {
  it('resolves every listed arch, in order, with numbers, actions and rule indexes', () => {
    const resolved = resolvePolicy(
      policyOf(yaml`
        version: 1
        linux:
          seccomp:
            arch: [x86_64, i386, aarch64]
            default: errno EPERM
            bad_arch: trap
            rules:
              - allow: [read, open]
              - errno: EACCES
                syscalls: [openat]
      `),
    );
    expect(resolved.badArchAction).toEqual({ kind: 'trap' });
    expect(resolved.arches.map((a) => [a.arch, a.auditArch])).toEqual([
      ['x86_64', AUDIT_ARCH.AUDIT_ARCH_X86_64],
      ['i386', AUDIT_ARCH.AUDIT_ARCH_I386],
      ['aarch64', AUDIT_ARCH.AUDIT_ARCH_AARCH64],
    ]);
    const [x86_64, i386, aarch64] = resolved.arches;
    expect(x86_64!.defaultAction).toEqual({ kind: 'errno', errno: 1 });
    expect(x86_64!.rules.map((r) => [r.nr, r.action.kind, r.ruleIndex, r.condition])).toEqual([
      [NR('x86_64', 'read'), 'allow', 0, ALWAYS],
      [NR('x86_64', 'open'), 'allow', 0, ALWAYS],
      [NR('x86_64', 'openat'), 'errno', 1, ALWAYS],
    ]);
    expect(i386!.rules.map((r) => r.nr)).toEqual([
      NR('i386', 'read'),
      NR('i386', 'open'),
      NR('i386', 'openat'),
    ]);
    expect(aarch64!.rules.map((r) => r.nr)).toEqual([
      NR('aarch64', 'read'),
      NR('aarch64', 'openat'),
    ]);
    expect(aarch64!.unresolved).toEqual(['open']);
    // Ranges point at the syscall entries.
    expect(x86_64!.rules[1]!.range.start).toMatchObject({ line: 8, column: 23 });
  });

  it('expands groups per arch, each syscall once per rule', () => {
    const resolved = resolvePolicy(
      policyOf(
        'version: 1\nlinux: {seccomp: {arch: [x86_64, i386], rules: [{allow: ["@basic-io", read]}]}}\n',
      ),
    );
    const [x86_64, i386] = resolved.arches;
    const numbers = x86_64!.rules.map((r) => r.nr);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(numbers).toContain(NR('x86_64', 'lseek'));
    expect(i386!.rules.map((r) => r.nr)).toContain(NR('i386', '_llseek'));
    expect(x86_64!.unresolved).toContain('_llseek');
  });

  it('without a seccomp section: x86_64, everything allowed', () => {
    expect(resolvePolicy(policyOf('version: 1\n'))).toEqual({
      arches: [
        {
          arch: 'x86_64',
          auditArch: AUDIT_ARCH.AUDIT_ARCH_X86_64,
          defaultAction: { kind: 'allow' },
          rules: [],
          unresolved: [],
        },
      ],
      badArchAction: { kind: 'kill-process' },
    });
  });

  it('throws PolicyResolveError for a policy with errors, and caches per policy', () => {
    const bad: Policy = {
      version: 1,
      linux: {
        noNewPrivs: true,
        seccomp: {
          arch: ['aarch64'],
          defaultAction: { kind: 'allow' },
          rules: [
            {
              action: { kind: 'allow' },
              syscalls: [{ name: 'open', range: RANGE }],
              range: RANGE,
            },
          ],
        },
      },
    };
    expect(() => resolvePolicy(bad)).toThrow(PolicyResolveError);
    expect(() => resolvePolicy(bad)).toThrow('open is not a syscall on aarch64');
    const good = policyOf('version: 1\nlinux: {seccomp: {}}\n');
    expect(resolvePolicy(good)).toBe(resolvePolicy(good));
  });
});

const AT = { line: 1, column: 1, offset: 0 };
const RANGE = { start: AT, end: AT };

describe('resolvePolicy: conditions', () => {
  it('resolves constants per arch and desugars sets and flag tests', () => {
    expect(conditionOf('arg1 in {TCGETS, FIONREAD}')).toEqual({
      kind: 'or',
      items: [
        { kind: 'cmp', arg: 1, op: '==', value: 0x5401n, width: 64, signed: false },
        { kind: 'cmp', arg: 1, op: '==', value: 0x541bn, width: 64, signed: false },
      ],
    });
    expect(conditionOf('arg1 not in {1, 2}')).toEqual({
      kind: 'and',
      items: [
        { kind: 'cmp', arg: 1, op: '!=', value: 1n, width: 64, signed: false },
        { kind: 'cmp', arg: 1, op: '!=', value: 2n, width: 64, signed: false },
      ],
    });
    expect(conditionOf('arg0 in {7}')).toEqual({
      kind: 'cmp',
      arg: 0,
      op: '==',
      value: 7n,
      width: 64,
      signed: false,
    });
    const cmp = (op: string, value: bigint, mask: bigint) => ({
      kind: 'cmp',
      arg: 2,
      op,
      value,
      mask,
      width: 64,
      signed: false,
    });
    expect(conditionOf('allof(arg2, O_CREAT|O_EXCL)')).toEqual(cmp('==', 0xc0n, 0xc0n));
    expect(conditionOf('anyof(arg2, O_CREAT|O_EXCL)')).toEqual(cmp('!=', 0n, 0xc0n));
    expect(conditionOf('noneof(arg2 & 0x40, O_CREAT|O_EXCL)')).toEqual(cmp('==', 0n, 0x40n));
  });

  it('truncates masks and negative values to the compared width', () => {
    expect(conditionOf('(arg2 & ~(MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE)) == 0')).toEqual({
      kind: 'cmp',
      arg: 2,
      op: '==',
      value: 0n,
      mask: 0xffffffffffffbfddn,
      width: 64,
      signed: false,
    });
    expect(conditionOf('(int)arg0 == AT_FDCWD')).toEqual({
      kind: 'cmp',
      arg: 0,
      op: '==',
      value: 0xffffff9cn,
      width: 32,
      signed: true,
    });
    expect(conditionOf('(u32)arg0 < 0xffffffff')).toMatchObject({ width: 32, signed: false });
    expect(conditionOf('(long)arg0 < -1')).toMatchObject({
      value: 0xffffffffffffffffn,
      width: 64,
      signed: true,
    });
  });

  it('compares 32 bits on 32-bit arches, whatever the cast', () => {
    expect(conditionOf('arg2 & ~(MAP_PRIVATE|MAP_ANONYMOUS) == 0', 'i386')).toEqual({
      kind: 'cmp',
      arg: 2,
      op: '==',
      value: 0n,
      mask: 0xffffffddn,
      width: 32,
      signed: false,
    });
    expect(conditionOf('(s64)arg0 < -1', 'arm')).toMatchObject({
      value: 0xffffffffn,
      width: 32,
      signed: true,
    });
    expect(conditionOf('arg0 == -1', 'arm')).toMatchObject({ value: 0xffffffffn, width: 32 });
    // x32 passes 64-bit registers.
    expect(conditionOf('arg0 == 0x100000000', 'x32')).toMatchObject({ width: 64 });
  });

  it('keeps the structure of && || !', () => {
    expect(conditionOf('!(arg0 == 1 || arg1 == 2) && arg2 == 3')).toEqual({
      kind: 'and',
      items: [
        {
          kind: 'not',
          item: {
            kind: 'or',
            items: [
              { kind: 'cmp', arg: 0, op: '==', value: 1n, width: 64, signed: false },
              { kind: 'cmp', arg: 1, op: '==', value: 2n, width: 64, signed: false },
            ],
          },
        },
        { kind: 'cmp', arg: 2, op: '==', value: 3n, width: 64, signed: false },
      ],
    });
  });

  it('evaluates constant expressions with shifts, xor and unary minus', () => {
    expect(conditionOf('arg0 == (1 << 4 | 1) ^ 3 >> 1')).toMatchObject({ value: 16n });
    expect(conditionOf('arg0 == --5')).toMatchObject({ value: 5n });
  });
});

const ARCHES: readonly Arch[] = ['x86_64', 'i386'];
const arg64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const interesting = fc.oneof(
  arg64,
  fc.constantFrom(0n, 1n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 1n << 32n, (1n << 64n) - 1n),
);
const literal = fc.oneof(
  fc.integer({ min: -5, max: 300 }).map(BigInt),
  fc.constantFrom(0x7fffffffn, 0x80000000n, 0xffffffffn, -0x80000000n),
);
const index = fc.integer({ min: 0, max: 5 });
const cast = fc.constantFrom('', '(int)', '(u32)', '(s64)');

function argsWith(n: number, value: bigint, arch: Arch) {
  const args = [0n, 0n, 0n, 0n, 0n, 0n];
  // The kernel zero-extends 32-bit arches' arguments.
  args[n] = arch === 'i386' ? value & 0xffffffffn : value;
  return args as unknown as readonly [bigint, bigint, bigint, bigint, bigint, bigint];
}

function holds(when: string, arch: Arch, n: number, value: bigint): boolean {
  return evaluateCondition(conditionOf(when, arch), argsWith(n, value, arch));
}

/** The meaning of a cast comparison, written independently of the resolver. */
function reference(castText: string, op: string, x: bigint, v: bigint, arch: Arch): boolean {
  const bits = arch === 'i386' || castText === '(int)' || castText === '(u32)' ? 32 : 64;
  const signed = castText === '(int)' || castText === '(s64)';
  const seen = (n: bigint) => (signed ? BigInt.asIntN(bits, n) : BigInt.asUintN(bits, n));
  const [a, b] = [seen(x), seen(v)];
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}

describe('resolvePolicy: properties', { timeout: 60_000 }, () => {
  it('comparisons mean what the reference says, for every cast, width and sign', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ARCHES),
        index,
        cast,
        fc.constantFrom('==', '!=', '<', '<=', '>', '>='),
        literal,
        interesting,
        (arch, n, c, op, v, x) => {
          const when = `${c}arg${n} ${op} ${v}`;
          expect(holds(when, arch, n, x)).toBe(reference(c, op, x, v, arch));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('`in {A, B}` is `== A || == B`, and `not in` its negation', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ARCHES),
        index,
        cast,
        fc.array(literal, { minLength: 1, maxLength: 4 }),
        interesting,
        (arch, n, c, values, x) => {
          const set = `{${values.join(', ')}}`;
          const or = values.map((v) => `${c}arg${n} == ${v}`).join(' || ');
          const inSet = holds(`${c}arg${n} in ${set}`, arch, n, x);
          expect(inSet).toBe(holds(or, arch, n, x));
          expect(holds(`${c}arg${n} not in ${set}`, arch, n, x)).toBe(!inSet);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('flag tests test bits; != is !(==); the argument may stand on either side', () => {
    const flagValues = fc.bigInt({ min: 0n, max: 0xffffn });
    fc.assert(
      fc.property(fc.constantFrom(...ARCHES), index, flagValues, interesting, (arch, n, f, x) => {
        const seen = arch === 'i386' ? x & 0xffffffffn : x;
        expect(holds(`allof(arg${n}, ${f})`, arch, n, x)).toBe((seen & f) === f);
        expect(holds(`anyof(arg${n}, ${f})`, arch, n, x)).toBe((seen & f) !== 0n);
        expect(holds(`noneof(arg${n}, ${f})`, arch, n, x)).toBe((seen & f) === 0n);
        expect(holds(`arg${n} != ${f}`, arch, n, x)).toBe(!holds(`arg${n} == ${f}`, arch, n, x));
        expect(holds(`${f} < arg${n}`, arch, n, x)).toBe(holds(`arg${n} > ${f}`, arch, n, x));
        expect(holds(`arg${n} & ${f} == ${f}`, arch, n, x)).toBe((seen & f) === f);
      }),
      { numRuns: 500 },
    );
  });
});
