import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemble } from '../bpf/asm';
import {
  DATA_CHOICE,
  interestingNumbers,
  POLICY,
  seccompDataFrom,
} from '../bpf/compile-arbitraries';
import { compilePolicy } from '../bpf/compile';
import { compileResolved } from '../bpf/compile-resolved';
import { validProgram } from '../bpf/disasm-arbitrary';
import { runFilter } from '../bpf/emulate';
import type { BpfProgram, SeccompData } from '../bpf/program';
import { AUDIT_ARCH } from '../linux/constants';
import { syscallNumber } from '../linux/syscalls';
import { parsePolicy } from '../policy/parse';
import { argumentWordsRead } from './argument-words';

const X86_64 = AUDIT_ARCH.AUDIT_ARCH_X86_64 >>> 0;
const I386 = AUDIT_ARCH.AUDIT_ARCH_I386 >>> 0;

function nr(name: string): number {
  const value = syscallNumber('x86_64', name);
  if (value === undefined) throw new Error(`test: no syscall ${name}`);
  return value;
}

function compiled(text: string): BpfProgram {
  const { policy, diagnostics } = parsePolicy(text);
  if (!policy) throw new Error(`test policy: ${diagnostics.map((d) => d.message).join('; ')}`);
  return compilePolicy(policy).program;
}

function asm(text: string): BpfProgram {
  const result = assemble(text);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.program;
}

const POLICY_TEXT = `version: 1
linux:
  seccomp:
    arch: [x86_64]
    default: kill-process
    rules:
      - allow: [read, write]
      - allow: openat
        when: "(arg2 & O_ACCMODE) == O_RDONLY"
      - allow: ioctl
        when: "arg1 in {TCGETS, FIONREAD}"
      - allow: mmap
        when: "arg2 == 3 && arg3 == 0x22"
`;

/** `data` with every word outside `words` (and nr, arch) replaced by the other data's. */
function mixed(data: SeccompData, other: SeccompData, words: readonly number[]): SeccompData {
  const keep = (word: number) => words.includes(word);
  const pick64 = (lo: number, a: bigint, b: bigint): bigint => {
    const low = keep(lo) ? a & 0xffffffffn : b & 0xffffffffn;
    const high = keep(lo + 1) ? a >> 32n : b >> 32n;
    return (high << 32n) | low;
  };
  return {
    nr: data.nr,
    arch: data.arch,
    instructionPointer: pick64(2, data.instructionPointer, other.instructionPointer),
    args: data.args.map((a, i) =>
      pick64(4 + 2 * i, a, other.args[i] ?? 0n),
    ) as unknown as SeccompData['args'],
  };
}

describe('argumentWordsRead', () => {
  const program = compiled(POLICY_TEXT);

  it('is empty for syscalls whose verdict ignores the arguments', () => {
    expect(argumentWordsRead(program, nr('read'), X86_64)).toEqual([]);
    expect(argumentWordsRead(program, nr('close'), X86_64)).toEqual([]);
    // Another arch never reaches the argument checks.
    expect(argumentWordsRead(program, nr('openat'), I386)).toEqual([]);
  });

  it("names the words of exactly the arguments a syscall's condition tests", () => {
    // seccomp_data words: 0 nr, 1 arch, 2-3 instruction pointer, then argN at 4 + 2N (low, high).
    const openat = argumentWordsRead(program, nr('openat'), X86_64);
    expect(openat.length).toBeGreaterThan(0);
    expect(openat.every((w) => w === 8 || w === 9)).toBe(true);
    const ioctl = argumentWordsRead(program, nr('ioctl'), X86_64);
    expect(ioctl.every((w) => w === 6 || w === 7)).toBe(true);
    const mmap = argumentWordsRead(program, nr('mmap'), X86_64);
    expect(mmap.every((w) => w >= 8 && w <= 11)).toBe(true);
    expect(mmap).toContain(8);
    expect(mmap).toContain(10);
  });

  it('follows scratch memory, X and bitwise ALU on nr and arch', () => {
    const p = asm(`A = sys_number
mem[3] = A
A = arch
X = A
A = mem[3]
A &= 0xff
A == 2 ? next : other
A = args[1]
return ALLOW
other:
A = X
A == ARCH_X86_64 ? next : out
A = args[4] >> 32
return ALLOW
out:
return KILL
`);
    expect(argumentWordsRead(p, 2, X86_64)).toEqual([6]);
    expect(argumentWordsRead(p, 0x102, X86_64)).toEqual([6]);
    expect(argumentWordsRead(p, 3, X86_64)).toEqual([13]);
    expect(argumentWordsRead(p, 3, I386)).toEqual([]);
  });

  it('reports a load of the instruction pointer', () => {
    const p = asm(`A = instruction_pointer
A == 0 ? ok : next
return KILL
ok:
return ALLOW
`);
    expect(argumentWordsRead(p, 0, X86_64)).toEqual([2]);
  });

  it('is sound on compiled policies: data agreeing on those words gets the same run (fast-check)', () => {
    fc.assert(
      fc.property(
        POLICY,
        fc.array(fc.tuple(DATA_CHOICE, DATA_CHOICE), { minLength: 1, maxLength: 12 }),
        (policy, pairs) => {
          const { program: p } = compileResolved(policy);
          for (const [a, b] of pairs) {
            const data = seccompDataFrom(policy, a);
            const words = argumentWordsRead(p, data.nr, data.arch);
            const other = mixed(data, seccompDataFrom(policy, b), words);
            expect(runFilter(p, other)).toEqual(runFilter(p, data));
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('is sound on arbitrary verified programs (fast-check)', () => {
    const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    const data = fc.record({
      nr: fc.oneof(fc.nat({ max: 600 }), fc.nat({ max: 0xffffffff })),
      arch: fc.constantFrom(X86_64, I386, 0),
      instructionPointer: u64,
      args: fc.tuple(u64, u64, u64, u64, u64, u64),
    });
    fc.assert(
      fc.property(validProgram(), data, data, (p, d, e) => {
        const words = argumentWordsRead(p, d.nr, d.arch);
        expect(runFilter(p, mixed(d, e, words))).toEqual(runFilter(p, d));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads no word for a syscall number the policy dispatches without conditions', () => {
    fc.assert(
      fc.property(POLICY, (policy) => {
        const { program: p } = compileResolved(policy);
        for (const arch of policy.arches) {
          for (const n of interestingNumbers(policy)) {
            const words = argumentWordsRead(p, n, arch.auditArch);
            const run = runFilter(p, {
              nr: n,
              arch: arch.auditArch >>> 0,
              instructionPointer: 0n,
              args: [0n, 0n, 0n, 0n, 0n, 0n],
            });
            if (words.length === 0) expect(run.readsArguments).toBe(false);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
