import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AUDIT_ARCH } from '../linux/constants';
import type { Policy, SeccompAction } from '../policy/model';
import { actionReturnValue } from './actions';
import { compilePolicy, X32_SYSCALL_BIT } from './compile';
import { isConstantAllow, runFilter, seccompDataFor } from './emulate';
import {
  ALWAYS_NOTIFIED,
  ALWAYS_NOTIFIED_REASONS,
  compileSupervisedFilter,
  policyVerdict,
  supervisedResolved,
} from './supervise';
import { auditArchOf, compileResolved } from './compile';
import { SUPPORTED_ARCHES } from '../linux/arches';
import { SELF_SANDBOX_SYSCALLS, selfSandboxSyscallNumbers } from '../trace/self-sandbox';
import { DATA_CHOICE, POLICY, seccompDataFrom } from './compile-arbitraries';
import { archPolicyFor, interpretResolved } from '../policy/interpret';
import { syscallNumber } from '../linux/syscalls';
import { ALWAYS, type ResolvedRule } from '../policy/resolved';
import {
  ACTION_CACHE_SAFE,
  ALLOW,
  archPolicy,
  cmp,
  resolvedPolicy,
  resolvedRule,
  errno,
  KILL_PROCESS,
  KILL_THREAD,
  LOG,
  namesByNumber,
  NO_SECCOMP,
  NOTIFY,
  nr,
  reachableInstructions,
  rule,
  seccompPolicy,
  TRAP,
} from './test-helpers';
import { verifyProgram } from './verify';

const X86_64 = AUDIT_ARCH.AUDIT_ARCH_X86_64;
const NOTIFY_RET = actionReturnValue(NOTIFY);
const ALLOW_RET = actionReturnValue(ALLOW);
const EXEC = new Set([nr('execve'), nr('execveat')]);
const ALWAYS_NOTIFIED_NUMBERS = new Set(ALWAYS_NOTIFIED.map(nr));
const NUMBERS = [
  ...Array.from({ length: 601 }, (_, i) => i),
  0x3fffffff,
  X32_SYSCALL_BIT,
  X32_SYSCALL_BIT + nr('read'),
  0xffffffff,
];

const POLICIES: Record<string, Policy> = {
  'no seccomp section': NO_SECCOMP,
  'allow-list including execve': seccompPolicy(KILL_PROCESS, [
    rule(ALLOW, ['read', 'write', 'execve', 'execveat', 'exit_group', 'brk', 'mmap']),
    rule(errno(13), ['open', 'openat'], 2),
  ]),
  'default allow with denials': seccompPolicy(ALLOW, [
    rule(KILL_PROCESS, ['ptrace']),
    rule(errno(1), ['mount', 'execve'], 2),
    rule(TRAP, ['reboot'], 3),
  ]),
  'first match decides what stays allowed': seccompPolicy(KILL_THREAD, [
    rule(errno(1), ['read'], 1),
    rule(ALLOW, ['read', 'write'], 2),
    rule(LOG, ['write', 'close'], 3),
  ]),
};

/** What the supervised filter must return: ALLOW only where the deployed policy allows. */
function expectedSupervised(policy: Policy, number: number): number {
  const allowed =
    policyVerdict(policy, number).kind === 'allow' && !ALWAYS_NOTIFIED_NUMBERS.has(number);
  return allowed ? ALLOW_RET : NOTIFY_RET;
}

describe('compileSupervisedFilter', () => {
  for (const [title, policy] of Object.entries(POLICIES)) {
    describe(title, () => {
      const { program } = compileSupervisedFilter(policy);

      it('keeps what the policy allows, notifies everything else', () => {
        for (const number of NUMBERS) {
          const { ret } = runFilter(program, seccompDataFor(number));
          expect({ number, ret }).toEqual({ number, ret: expectedSupervised(policy, number) });
        }
      });

      it('always notifies execve and execveat', () => {
        for (const number of EXEC) {
          expect(runFilter(program, seccompDataFor(number)).ret).toBe(NOTIFY_RET);
        }
      });

      it('notifies foreign arches and x32 numbers instead of killing', () => {
        const i386 = AUDIT_ARCH.AUDIT_ARCH_I386;
        expect(runFilter(program, seccompDataFor(nr('read'), [], i386)).ret).toBe(NOTIFY_RET);
        expect(runFilter(program, seccompDataFor(X32_SYSCALL_BIT + 1)).ret).toBe(NOTIFY_RET);
      });

      it('is valid, action-cache safe, and every allowed syscall bypasses the filter', () => {
        expect(verifyProgram(program)).toEqual({ ok: true });
        for (const pc of reachableInstructions(program)) {
          expect(ACTION_CACHE_SAFE.has(program[pc]?.code ?? -1)).toBe(true);
        }
        for (const number of NUMBERS) {
          const allowed = expectedSupervised(policy, number) === ALLOW_RET;
          expect(isConstantAllow(program, number, X86_64)).toBe(allowed);
        }
      });
    });
  }

  it('matches the rule on random policies (fast-check)', () => {
    const actions: fc.Arbitrary<SeccompAction> = fc.constantFrom(
      ALLOW,
      KILL_PROCESS,
      errno(1),
      TRAP,
      LOG,
      NOTIFY,
    );
    const names = namesByNumber();
    fc.assert(
      fc.property(
        actions,
        fc.array(fc.tuple(actions, fc.subarray(names, { maxLength: 60 })), { maxLength: 6 }),
        (defaultAction, rules) => {
          const policy = seccompPolicy(
            defaultAction,
            rules.map(([action, list], i) => rule(action, list, i + 1)),
          );
          const { program } = compileSupervisedFilter(policy);
          for (const name of names) {
            const number = nr(name);
            expect(runFilter(program, seccompDataFor(number)).ret).toBe(
              expectedSupervised(policy, number),
            );
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('supervisedResolved', () => {
  const x86 = (defaultAction: SeccompAction, rules: ResolvedRule[]) =>
    resolvedPolicy([archPolicy('x86_64', defaultAction, rules)], KILL_PROCESS);

  it('puts the always-notified syscalls first, notifies every non-allow rule, keeps the order', () => {
    const policy = x86(ALLOW, [
      resolvedRule(nr('ptrace'), KILL_PROCESS, ALWAYS, 2),
      resolvedRule(nr('read'), ALLOW, cmp(0, '==', 0n), 3),
      resolvedRule(nr('read'), errno(1), ALWAYS, 4),
    ]);
    const supervised = supervisedResolved(policy);
    expect(supervised.badArchAction).toEqual(NOTIFY);
    const [arch] = supervised.arches;
    expect(arch?.defaultAction).toEqual(ALLOW);
    expect(arch?.rules.map((r) => [r.nr, r.action.kind, r.condition.kind])).toEqual([
      ...ALWAYS_NOTIFIED.map((name) => [nr(name), 'notify', 'true']),
      [nr('ptrace'), 'notify', 'true'],
      [nr('read'), 'allow', 'cmp'],
      [nr('read'), 'notify', 'true'],
    ]);
    expect(arch?.rules[ALWAYS_NOTIFIED.length + 1]).toBe(policy.arches[0]?.rules[1]);
  });

  it('notifies by default unless the policy allows by default', () => {
    expect(supervisedResolved(x86(errno(1), [])).arches[0]?.defaultAction).toEqual(NOTIFY);
    expect(supervisedResolved(x86(LOG, [])).arches[0]?.defaultAction).toEqual(NOTIFY);
  });

  it('allows exactly what the deployed policy allows, arguments included (fast-check)', () => {
    fc.assert(
      fc.property(
        POLICY,
        fc.array(DATA_CHOICE, { minLength: 1, maxLength: 20 }),
        (policy, choices) => {
          const supervised = supervisedResolved(policy);
          const { program } = compileResolved(supervised);
          for (const choice of choices) {
            const data = seccompDataFrom(policy, choice);
            const governing = archPolicyFor(policy, data);
            const exec =
              governing !== undefined &&
              ALWAYS_NOTIFIED.some((name) => syscallNumber(governing.arch, name) === data.nr);
            const deployedAllows = interpretResolved(policy, data).kind === 'allow';
            const expected = deployedAllows && !exec ? ALLOW_RET : NOTIFY_RET;
            expect(runFilter(program, data).ret).toBe(expected);
            expect(actionReturnValue(interpretResolved(supervised, data))).toBe(expected);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('policyVerdict', () => {
  it('is the first match, else the default', () => {
    const policy = POLICIES['first match decides what stays allowed'] ?? NO_SECCOMP;
    expect(policyVerdict(policy, nr('read'))).toEqual(errno(1));
    expect(policyVerdict(policy, nr('write'))).toEqual(ALLOW);
    expect(policyVerdict(policy, nr('close'))).toEqual(LOG);
    expect(policyVerdict(policy, nr('mmap'))).toEqual(KILL_THREAD);
    expect(policyVerdict(policy, 600)).toEqual(KILL_THREAD);
  });

  it('kills x32 numbers and allows everything else without a seccomp section', () => {
    expect(policyVerdict(NO_SECCOMP, nr('execve'))).toEqual(ALLOW);
    expect(policyVerdict(NO_SECCOMP, X32_SYSCALL_BIT)).toEqual(KILL_PROCESS);
    expect(policyVerdict(NO_SECCOMP, 0xffffffff)).toEqual(KILL_PROCESS);
  });

  it('agrees with the deployed program', () => {
    for (const policy of Object.values(POLICIES)) {
      const { program } = compilePolicy(policy);
      for (const number of NUMBERS) {
        expect(runFilter(program, seccompDataFor(number)).ret).toBe(
          actionReturnValue(policyVerdict(policy, number)),
        );
      }
    }
  });
});

describe('self-sandboxing calls', () => {
  it('are all always notified, as self-sandbox (the worker reads what they point to)', () => {
    for (const name of SELF_SANDBOX_SYSCALLS) {
      expect({ name, reason: ALWAYS_NOTIFIED_REASONS[name] }).toEqual({
        name,
        reason: 'self-sandbox',
      });
    }
  });

  it('reach the supervisor on every arch even when the policy allows everything', () => {
    for (const arch of SUPPORTED_ARCHES) {
      const { program } = compileSupervisedFilter(seccompPolicy(ALLOW, []), arch);
      const numbers = selfSandboxSyscallNumbers(arch);
      expect(numbers.length).toBeGreaterThanOrEqual(4);
      for (const number of numbers) {
        const { ret } = runFilter(program, seccompDataFor(number, [], auditArchOf(arch)));
        expect({ arch, number, ret }).toEqual({ arch, number, ret: NOTIFY_RET });
      }
    }
  });
});
