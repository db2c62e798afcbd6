import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { archInfo } from '../linux/arches';
import { constantValue } from '../linux/arch-constants';
import { syscallNumber, type Arch } from '../linux/syscalls';
import type { Policy } from '../policy/model';
import { parsePolicy } from '../policy/parse';
import { resolvePolicy } from '../policy/resolve';
import { actionReturnValue } from './actions';
import { compilePolicy } from './compile';
import { traceFilter } from './disasm-trace';
import { seccompDataFor } from './emulate';
import { isConditionalJump, OP } from './encode';
import { decidingRules, instructionOrigins } from './rule-instructions';
import { ALLOW, cmp, errno, KILL_PROCESS, resolvedRule } from './test-helpers';

function policyOf(text: string): Policy {
  const { policy, diagnostics } = parsePolicy(text);
  if (!policy) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return policy;
}

const POLICY = policyOf(`version: 1
linux:
  seccomp:
    arch: [x86_64, i386]
    default: kill-process
    rules:
      - allow: [read, write, exit_group]
      - allow: ioctl
        when: "arg1 in {TCGETS, FIONREAD}"
      - errno: EPERM
        syscalls: [openat]
      - allow: read
      - errno: EACCES
        syscalls: [ioctl]
`);

function originsFor(policy: Policy, arches?: readonly Arch[]) {
  const filter = compilePolicy(policy, arches ? { arches } : {});
  return {
    filter,
    origins: instructionOrigins(filter.program, resolvePolicy(policy), filter.arches),
  };
}

function nr(arch: Arch, name: string): number {
  const value = syscallNumber(arch, name);
  if (value === undefined) throw new Error(`no ${name} on ${arch}`);
  return value;
}

describe('instructionOrigins', () => {
  const { filter, origins } = originsFor(POLICY);
  const program = filter.program;

  it('maps every rule that decides something, and no shadowed one', () => {
    expect([...origins.byRule.keys()]).toEqual([0, 1, 2, 4]);
  });

  it('covers every instruction a decided syscall runs after its dispatch', () => {
    const cases: [number, string, bigint[]][] = [
      [0, 'read', []],
      [0, 'exit_group', [0n]],
      [1, 'ioctl', [1n, constantValue('x86_64', 'TCGETS')!]],
      [1, 'ioctl', [1n, 7n]],
      [2, 'openat', []],
      [4, 'ioctl', [1n, 7n]],
    ];
    for (const [index, name, args] of cases) {
      for (const arch of ['x86_64', 'i386'] as const) {
        const data = seccompDataFor(nr(arch, name), args, archInfo(arch).auditArch);
        const trace = traceFilter(program, data);
        const mapped = origins.byRule.get(index)!;
        const covered = new Set([...mapped.own, ...mapped.path]);
        for (const pc of trace.path) expect(covered.has(pc), `${name} ${arch} pc ${pc}`).toBe(true);
        // Every step the run took is one of the rule's steps.
        const steps = new Set(mapped.steps);
        trace.path.slice(1).forEach((to, i) => {
          expect(
            steps.has(`${trace.path[i]}>${to}`),
            `${name} ${arch} ${trace.path[i]}>${to}`,
          ).toBe(true);
        });
        // The verdict's RET is the rule's own code.
        expect(mapped.own).toContain(trace.path.at(-1));
      }
    }
  });

  it('starts a rule’s own code at the test that singles out its syscall', () => {
    for (const { own, path } of origins.byRule.values()) {
      const firstOwn = program[own[0]!]!;
      expect(isConditionalJump(firstOwn.code) || firstOwn.code === OP.RET_K).toBe(true);
      expect(path.length).toBeGreaterThan(0);
      expect(path.every((pc) => !own.includes(pc))).toBe(true);
    }
  });

  it('puts argument checks only under the rules with conditions', () => {
    const loadsArgument = (pc: number) => program[pc]!.code === OP.LD_W_ABS && program[pc]!.k >= 16;
    expect(origins.byRule.get(0)!.own.some(loadsArgument)).toBe(false);
    expect(origins.byRule.get(1)!.own.some(loadsArgument)).toBe(true);
    expect(origins.byRule.get(4)!.own.some(loadsArgument)).toBe(true);
  });

  it('keeps steps other syscalls take out of a rule', () => {
    // openat (rule 2) and read (rule 0) are different numbers: their final steps differ.
    const read = new Set(origins.byRule.get(0)!.steps);
    const openat = origins.byRule.get(2)!.steps.filter((step) => !read.has(step));
    expect(openat.length).toBeGreaterThan(0);
    for (const step of origins.byRule.get(2)!.steps) {
      const [from, to] = step.split('>').map(Number);
      expect(to).toBeGreaterThan(from!);
    }
  });

  it('indexes the same mapping by instruction', () => {
    origins.byInstruction.forEach((rules, pc) => {
      for (const index of rules) expect(origins.byRule.get(index)?.own).toContain(pc);
    });
    for (const [index, { own }] of origins.byRule) {
      for (const pc of own) expect(origins.byInstruction[pc]).toContain(index);
    }
    expect(origins.byInstruction).toHaveLength(program.length);
  });

  it('leaves out arches that were not compiled', () => {
    const single = originsFor(POLICY, ['x86_64']);
    const all = single.origins.byRule.get(0)!;
    expect(Math.max(...all.own)).toBeLessThan(single.filter.program.length);
    const i386Read = seccompDataFor(nr('i386', 'read'), [], archInfo('i386').auditArch);
    const trace = traceFilter(single.filter.program, i386Read);
    // i386 is not in this program: its read gets the bad-arch action, which no rule produced.
    expect(single.origins.byInstruction[trace.path.at(-1)!]).toEqual([]);
  });

  it('holds for random allow-lists: every listed syscall’s RET is its rule’s', () => {
    const names = ['read', 'write', 'close', 'fstat', 'mmap', 'brk', 'openat', 'getpid', 'futex'];
    fc.assert(
      fc.property(
        fc.array(fc.subarray(names, { minLength: 1 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.constantFrom('allow', 'errno EPERM', 'trap'), { minLength: 5, maxLength: 5 }),
        (lists, actions) => {
          const rules = lists
            .map(
              (list, i) => `      - action: ${actions[i]}\n        syscalls: [${list.join(', ')}]`,
            )
            .join('\n');
          const policy = policyOf(
            `version: 1\nlinux:\n  seccomp:\n    default: kill-process\n    rules:\n${rules}\n`,
          );
          const { filter, origins } = originsFor(policy);
          const firstRule = new Map<string, number>();
          lists.forEach((list, i) => list.forEach((n) => firstRule.has(n) || firstRule.set(n, i)));
          for (const [name, index] of firstRule) {
            const data = seccompDataFor(nr('x86_64', name));
            const ret = traceFilter(filter.program, data).path.at(-1)!;
            expect(origins.byInstruction[ret]).toContain(index);
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('decidingRules', () => {
  const kill = actionReturnValue(KILL_PROCESS);
  const always = (line: number, action = ALLOW) => resolvedRule(0, action, undefined, line + 1);

  it('is the first of rules that repeat one another', () => {
    const first = always(0);
    const repeat = always(1);
    expect(decidingRules([first, repeat], kill)).toEqual([first]);
  });

  it('is nothing when the rules give the default anyway', () => {
    expect(decidingRules([always(0, KILL_PROCESS)], kill)).toEqual([]);
  });

  it('drops a condition an unconditional rule with the same action makes moot', () => {
    const conditional = resolvedRule(0, ALLOW, cmp(0, '==', 1n), 1);
    const unconditional = always(1);
    expect(decidingRules([conditional, unconditional], kill)).toEqual([unconditional]);
    const denied = always(2, errno(1));
    expect(decidingRules([conditional, denied], kill)).toEqual([conditional, denied]);
  });
});
