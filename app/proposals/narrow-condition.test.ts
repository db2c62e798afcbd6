import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { policyVerdict } from '../bpf/supervise';
import { constantValue } from '../linux/arch-constants';
import { syscallNumber, type Arch } from '../linux/syscalls';
import { parsePolicy } from '../policy/parse';
import { ARGUMENT_SHAPES, argumentShape } from './argument-shapes';
import { MAX_LISTED_VALUES, narrowCondition, type ShapedCalls } from './narrow-condition';

const c = (name: string, arch: Arch = 'x86_64'): bigint => {
  const value = constantValue(arch, name);
  if (value === undefined) throw new Error(`${name} missing on ${arch}`);
  return value;
};

function shapeOf(name: string) {
  const shape = argumentShape(name);
  if (!shape) throw new Error(`${name} has no shape`);
  return shape;
}

/** The `when:` for `values` (one tuple of shaped arguments per call) on x86_64. */
function narrow(name: string, values: readonly (readonly bigint[])[], arches: Arch[] = ['x86_64']) {
  const result = narrowCondition(shapeOf(name), [{ arch: 'x86_64', values }], arches);
  if (!result.ok) throw new Error(result.reason);
  return result;
}

/** A policy allowing `name` only under `when`; everything else is killed. */
function policyWith(name: string, when: string, arches: Arch[] = ['x86_64']) {
  const text = `version: 1
linux:
  seccomp:
    arch: [${arches.join(', ')}]
    default: kill-process
    rules:
      - allow: ${name}
        when: ${JSON.stringify(when)}
`;
  const parsed = parsePolicy(text);
  if (!parsed.policy) throw new Error(parsed.diagnostics.map((d) => d.message).join('; '));
  return parsed.policy;
}

/** Whether the policy lets `name` run with the shaped arguments placed at their indexes. */
function allows(policy: ReturnType<typeof policyWith>, name: string, shaped: readonly bigint[]) {
  const args = [0n, 0n, 0n, 0n, 0n, 0n];
  shapeOf(name).args.forEach((s, i) => (args[s.arg] = shaped[i] ?? 0n));
  const nr = syscallNumber('x86_64', name)!;
  return policyVerdict(policy, nr, 'x86_64', args).kind === 'allow';
}

describe('narrowCondition: commands by name', () => {
  it('ioctl: the requests seen, by name, compared on the low 32 bits the kernel reads', () => {
    const result = narrow('ioctl', [[c('FIONREAD')], [c('TCGETS')], [c('TCGETS')]]);
    expect(result.when).toBe('(u32)arg1 in {TCGETS, FIONREAD}');
    expect(result.described).toBe('request TCGETS, FIONREAD');
    const policy = policyWith('ioctl', result.when);
    expect(allows(policy, 'ioctl', [c('TCGETS')])).toBe(true);
    expect(allows(policy, 'ioctl', [(1n << 32n) | c('FIONREAD')])).toBe(true);
    expect(allows(policy, 'ioctl', [c('TIOCSTI')])).toBe(false);
  });

  it('one value is a comparison, not a one-element set', () => {
    expect(narrow('fcntl', [[c('F_GETFL')]]).when).toBe('arg1 == F_GETFL');
    expect(narrow('prctl', [[c('PR_SET_NAME')]]).when).toBe('arg0 == PR_SET_NAME');
    expect(narrow('arch_prctl', [[c('ARCH_SET_FS')]]).when).toBe('arg0 == ARCH_SET_FS');
  });

  it('a value without a name is written as a number', () => {
    const result = narrow('ioctl', [[0xdeadn], [c('TCGETS')]]);
    expect(result.when).toBe('(u32)arg1 in {TCGETS, 0xdead}');
    expect(allows(policyWith('ioctl', result.when), 'ioctl', [0xdeadn])).toBe(true);
  });

  it('gives up on long lists, saying why', () => {
    const values = Array.from({ length: MAX_LISTED_VALUES + 1 }, (_, i) => [BigInt(0x1000 + i)]);
    const result = narrowCondition(shapeOf('ioctl'), [{ arch: 'x86_64', values }], ['x86_64']);
    expect(result).toEqual({ ok: false, reason: 'called with 17 different request values' });
  });

  it('says so when no call had arguments', () => {
    const result = narrowCondition(shapeOf('ioctl'), [{ arch: 'x86_64', values: [] }], ['x86_64']);
    expect(result.ok).toBe(false);
  });
});

describe('narrowCondition: several arguments', () => {
  const stream = c('SOCK_STREAM') | c('SOCK_CLOEXEC');

  it('socket: lists per argument when every combination was seen', () => {
    const result = narrow('socket', [
      [c('AF_UNIX'), stream],
      [c('AF_INET'), stream],
    ]);
    expect(result.when).toBe('arg0 in {AF_UNIX, AF_INET} && arg1 == SOCK_STREAM|SOCK_CLOEXEC');
    expect(result.described).toBe('family AF_UNIX, AF_INET and type SOCK_STREAM|SOCK_CLOEXEC');
  });

  it('socket: the combinations seen, one by one, when lists would allow more', () => {
    const result = narrow('socket', [
      [c('AF_UNIX'), stream],
      [c('AF_INET'), c('SOCK_DGRAM')],
    ]);
    expect(result.when).toBe(
      '(arg0 == AF_UNIX && arg1 == SOCK_STREAM|SOCK_CLOEXEC) || (arg0 == AF_INET && arg1 == SOCK_DGRAM)',
    );
    const policy = policyWith('socket', result.when);
    expect(allows(policy, 'socket', [c('AF_UNIX'), stream])).toBe(true);
    expect(allows(policy, 'socket', [c('AF_INET'), c('SOCK_DGRAM')])).toBe(true);
    expect(allows(policy, 'socket', [c('AF_UNIX'), c('SOCK_DGRAM')])).toBe(false);
    expect(allows(policy, 'socket', [c('AF_INET'), stream])).toBe(false);
  });
});

describe('narrowCondition: flag masks', () => {
  it('mmap: any subset of the protections seen, and nothing else', () => {
    const rw = c('PROT_READ') | c('PROT_WRITE');
    const result = narrow('mmap', [[c('PROT_READ')], [rw]]);
    expect(result.when).toBe('(arg2 & ~(PROT_READ|PROT_WRITE)) == 0');
    expect(result.described).toBe('prot within PROT_READ|PROT_WRITE');
    const policy = policyWith('mmap', result.when);
    expect(allows(policy, 'mmap', [rw])).toBe(true);
    expect(allows(policy, 'mmap', [0n])).toBe(true);
    expect(allows(policy, 'mmap', [rw | c('PROT_EXEC')])).toBe(false);
  });

  it('a single flag needs no parentheses, and no flag at all is PROT_NONE', () => {
    expect(narrow('mprotect', [[c('PROT_READ')]]).when).toBe('(arg2 & ~PROT_READ) == 0');
    expect(narrow('mprotect', [[0n]]).when).toBe('arg2 == PROT_NONE');
  });

  it('clone: the flags seen, with the exit signal; namespace flags stay out', () => {
    const thread =
      c('CLONE_VM') | c('CLONE_FS') | c('CLONE_FILES') | c('CLONE_SIGHAND') | c('CLONE_THREAD');
    const fork = c('CLONE_CHILD_SETTID') | c('CLONE_CHILD_CLEARTID') | c('SIGCHLD');
    const result = narrow('clone', [[thread], [fork]]);
    expect(result.when).toBe(
      '(arg0 & ~(CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD)) == 0',
    );
    const policy = policyWith('clone', result.when);
    expect(allows(policy, 'clone', [fork])).toBe(true);
    expect(allows(policy, 'clone', [fork | c('CLONE_NEWUSER')])).toBe(false);
  });
});

describe('narrowCondition: several arches', () => {
  it('names each value by the constant of the arch it was seen on', () => {
    const calls: ShapedCalls[] = [
      { arch: 'x86_64', values: [[c('TCGETS', 'x86_64')]] },
      { arch: 'i386', values: [[c('TIOCGWINSZ', 'i386')]] },
    ];
    const result = narrowCondition(shapeOf('ioctl'), calls, ['x86_64', 'i386']);
    expect(result).toMatchObject({ ok: true, when: '(u32)arg1 in {TCGETS, TIOCGWINSZ}' });
    expect(parsePolicy(policyText(result.ok ? result.when : '')).diagnostics).toEqual([]);
  });

  function policyText(when: string): string {
    return `version: 1\nlinux:\n  seccomp:\n    arch: [x86_64, i386]\n    default: kill-process\n    rules:\n      - allow: ioctl\n        when: ${JSON.stringify(when)}\n`;
  }
});

describe('narrowCondition: properties', () => {
  const requests = ['TCGETS', 'TCSETS', 'FIONREAD', 'TIOCGWINSZ', 'FIONBIO', 'FIOCLEX', 'TIOCSTI'];
  const request = fc.oneof(
    fc.constantFrom(...requests).map((name) => c(name)),
    fc.bigInt({ min: 0n, max: 0xffffffffn }),
  );

  it('ioctl: exactly the requests seen run (low 32 bits), whatever they are', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(request, { minLength: 1, maxLength: 6 }),
        request,
        fc.bigInt({ min: 0n, max: 0xffffffffn }),
        (seen, other, high) => {
          const result = narrow(
            'ioctl',
            seen.map((v) => [v]),
          );
          const policy = policyWith('ioctl', result.when);
          for (const value of seen)
            expect(allows(policy, 'ioctl', [(high << 32n) | value])).toBe(true);
          expect(allows(policy, 'ioctl', [other])).toBe(seen.includes(other));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('masks: a value runs exactly when it has no flag beyond those seen', () => {
    const shape = ARGUMENT_SHAPES.mprotect!;
    expect(shape.args[0]?.kind).toBe('mask');
    const bit = fc.integer({ min: 0, max: 30 }).map((b) => 1n << BigInt(b));
    const prot = fc
      .array(fc.oneof(bit, fc.constantFrom(c('PROT_READ'), c('PROT_WRITE'), c('PROT_EXEC'))), {
        maxLength: 3,
      })
      .map((bits) => bits.reduce((a, b) => a | b, 0n));
    fc.assert(
      fc.property(fc.array(prot, { minLength: 1, maxLength: 4 }), prot, (seen, other) => {
        const result = narrow(
          'mprotect',
          seen.map((v) => [v]),
        );
        const policy = policyWith('mprotect', result.when);
        const union = seen.reduce((a, b) => a | b, 0n);
        for (const value of seen) expect(allows(policy, 'mprotect', [value])).toBe(true);
        expect(allows(policy, 'mprotect', [other])).toBe((other & ~union) === 0n);
      }),
      { numRuns: 60 },
    );
  });
});
