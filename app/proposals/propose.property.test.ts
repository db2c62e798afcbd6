import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantValue } from '../linux/arch-constants';
import type { Arch } from '../linux/syscalls';
import { parsePolicy } from '../policy/parse';
import { resolvePolicy } from '../policy/resolve';
import type { TraceEvent } from '../trace/events';
import { applyRule } from './apply';
import { collectObservations, type Observations } from './observations';
import { deciderRule, observationVerdict } from './observed-verdicts';
import { recommended, type ProposalOption } from './proposal';
import { proposeChanges } from './propose';
import { audited, denied, learned } from './test-events';
import { filterDenials } from './verify-trace';

/*
 * The promise of the panel: after applying all proposals, replaying the same trace through the
 * compiled filter in the BPF emulator denies nothing, except what a rule of the file denies on
 * purpose and calls from an ABI the policy does not list (both get no proposal, by design).
 */

const c = (name: string): bigint => constantValue('x86_64', name) ?? 0n;

const POOL = [
  'read',
  'getpid',
  'ioctl',
  'fcntl',
  'mmap',
  'mprotect',
  'clone',
  'socket',
  'prctl',
  'openat',
  'clone3',
  'personality',
  'kill',
  'ptrace',
  'unshare',
  'arch_prctl',
] as const;

/** Argument values that hit names (TCGETS, PROT_READ, AF_UNIX…) and values that do not. */
const arg = fc.oneof(
  fc.constantFrom(
    ...['TCGETS', 'FIONREAD', 'TIOCSTI', 'F_GETFD', 'F_SETFL', 'PROT_READ', 'AF_UNIX'].map(c),
    c('PROT_READ') | c('PROT_WRITE'),
    c('SOCK_STREAM') | c('SOCK_CLOEXEC'),
    c('CLONE_VM') | c('CLONE_THREAD') | c('SIGCHLD'),
    c('CLONE_NEWUSER'),
    c('PR_SET_NAME'),
    0n,
    1n,
  ),
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  fc.bigInt({ min: 0n, max: 0xffffffffn }),
);

const event = fc
  .record({
    name: fc.constantFrom(...POOL),
    args: fc.array(arg, { minLength: 6, maxLength: 6 }),
    kind: fc.constantFrom('denied', 'denied', 'learned', 'audit'),
    arch: fc.constantFrom<Arch>('x86_64', 'x86_64', 'x86_64', 'i386'),
    pid: fc.integer({ min: 1, max: 4 }),
  })
  .map(({ name, args, kind, arch, pid }): TraceEvent => {
    if (kind === 'audit') return audited(name);
    const make = kind === 'learned' ? learned : denied;
    // i386 registers are 32 bits: the kernel zero-extends them into seccomp_data.
    const values = arch === 'i386' ? args.map((a) => a & 0xffffffffn) : args;
    return make(name, values, { arch, pid });
  });

/** Rules a policy might already have: allows, conditional allows, denials on purpose. */
const RULES = [
  '- allow: [read, getpid]',
  '- allow: ioctl\n  when: "arg1 == TCGETS"',
  '- allow: mmap\n  when: "(arg2 & ~PROT_READ) == 0"',
  '- errno: EACCES\n  syscalls: [openat]',
  '- errno: EPERM\n  syscalls: [ioctl]\n  when: "arg1 == TIOCSTI"',
  '- action: kill-process\n  syscalls: [ptrace]',
  '- allow: fcntl\n  when: "arg1 in {F_GETFD, F_SETFD}"',
  '- allow: [kill]',
];

const policyText = fc
  .record({
    defaultAction: fc.constantFrom('kill-process', 'errno EPERM', 'trap', 'kill-thread'),
    arches: fc.constantFrom('[x86_64]', '[x86_64, i386]'),
    rules: fc.subarray(RULES),
    order: fc.array(fc.nat(), { maxLength: 8 }),
  })
  .map(({ defaultAction, arches, rules, order }) => {
    const shuffled = [...rules];
    order.forEach((n, i) => {
      const j = n % shuffled.length;
      if (shuffled.length > 0)
        [shuffled[i % shuffled.length], shuffled[j]] = [
          shuffled[j]!,
          shuffled[i % shuffled.length]!,
        ];
    });
    const body = shuffled.map((rule) => rule.replace(/^/gm, '      ')).join('\n');
    return `version: 1\n# a test policy\nlinux:\n  seccomp:\n    arch: ${arches}\n    default: ${defaultAction}\n    rules:${body ? `\n${body}` : ' []'}\n`;
  });

/** Calls that no proposal is meant to fix: denied by a rule of the file, or from a foreign ABI. */
function exempt(text: string, observations: Observations): Set<string> {
  const policy = parsePolicy(text).policy!;
  const resolved = resolvePolicy(policy);
  const keys = new Set<string>();
  for (const observation of observations.syscalls) {
    const verdict = observationVerdict(resolved, observation);
    for (const args of observation.calls) {
      const key = callKey(observation.arch, observation.name, args);
      if (verdict.kind === 'bad-arch') keys.add(key);
      else if (verdict.denied.some((d) => d.args === args && deciderRule(policy, d.decider))) {
        keys.add(key);
      }
    }
  }
  return keys;
}

function callKey(arch: string, name: string, args: readonly bigint[]): string {
  return `${arch}/${name}/${args.join(',')}`;
}

function applyAll(
  text: string,
  observations: Observations,
  pick: (options: readonly ProposalOption[]) => ProposalOption,
): string {
  let updated = text;
  for (const proposal of proposeChanges(text, observations).proposals) {
    updated = applyRule(updated, pick(proposal.options).rule).text;
  }
  return updated;
}

function remainingDenials(text: string, observations: Observations, exempted: Set<string>) {
  const parsed = parsePolicy(text);
  expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return filterDenials(parsed.policy!, observations)
    .map((d) => ({ key: callKey(d.observation.arch, d.observation.name, d.args), d }))
    .filter(({ key }) => !exempted.has(key));
}

describe('applying every proposal makes the same trace run cleanly (BPF emulator)', () => {
  it('with any allowing option per proposal (narrow or broad, picked at random)', () => {
    fc.assert(
      fc.property(
        policyText,
        fc.array(event, { minLength: 1, maxLength: 25 }),
        fc.infiniteStream(fc.boolean()),
        (text, events, coins) => {
          const observations = collectObservations(events);
          const exempted = exempt(text, observations);
          const pick = (options: readonly ProposalOption[]) => {
            const allowing = options.filter((o) => o.allows);
            const first = allowing[0]!;
            return coins.next().value ? first : (allowing.at(-1) ?? first);
          };
          const updated = applyAll(text, observations, pick);
          expect(remainingDenials(updated, observations, exempted)).toEqual([]);
          // Nothing is left to propose, and the comments are still there.
          expect(proposeChanges(updated, observations).proposals).toEqual([]);
          expect(updated).toContain('# a test policy');
        },
      ),
      { numRuns: 40 },
    );
  }, 60_000);

  it('with the recommended options, only the deliberate ENOSYS fallbacks stay denied', () => {
    fc.assert(
      fc.property(policyText, fc.array(event, { minLength: 1, maxLength: 25 }), (text, events) => {
        const observations = collectObservations(events);
        const exempted = exempt(text, observations);
        const updated = applyAll(text, observations, (options) => options[0]!);
        const left = remainingDenials(updated, observations, exempted);
        for (const { d } of left) {
          expect(['clone3', 'io_uring_setup']).toContain(d.observation.name);
          expect(d.action).toBe('errno ENOSYS');
        }
        expect(proposeChanges(updated, observations).proposals).toEqual([]);
      }),
      { numRuns: 40 },
    );
  }, 60_000);

  it('every proposal has an option that lets the calls run, recommended first', () => {
    fc.assert(
      fc.property(policyText, fc.array(event, { minLength: 1, maxLength: 25 }), (text, events) => {
        for (const proposal of proposeChanges(text, collectObservations(events)).proposals) {
          expect(proposal.options.some((o) => o.allows)).toBe(true);
          expect(recommended(proposal)).toBe(proposal.options[0]);
        }
      }),
      { numRuns: 30 },
    );
  }, 60_000);
});
