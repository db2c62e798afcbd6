import { describe, expect, it } from 'vitest';
import { constantValue } from '../linux/arch-constants';
import { DANGEROUS_SYSCALLS } from '../policy/dangerous-syscalls';
import { parsePolicy } from '../policy/parse';
import { yaml } from '../policy/test-helpers';
import type { TraceEvent } from '../trace/events';
import { applyRule, applyRuleText } from './apply';
import { collectObservations } from './observations';
import { recommended, type Proposal } from './proposal';
import { proposeChanges } from './propose';
import { audited, denied, learned } from './test-events';
import { filterDenials } from './verify-trace';

const c = (name: string): bigint => constantValue('x86_64', name) ?? 0n;

const POLICY = yaml`
  version: 1
  linux:
    seccomp:
      arch: [x86_64]
      default: errno EPERM # what is not listed fails
      rules:
        - allow: [read, write, exit_group]
        # no files
        - errno: EACCES
          syscalls: [openat]
`;

function propose(text: string, events: readonly TraceEvent[]) {
  return proposeChanges(text, collectObservations(events));
}

function only(text: string, events: readonly TraceEvent[]): Proposal {
  const { proposals } = propose(text, events);
  expect(proposals).toHaveLength(1);
  return proposals[0]!;
}

describe('proposeChanges: the narrowest rule first', () => {
  const ioctls = [
    denied('ioctl', [1, c('TCGETS')], { action: 'errno EPERM', pid: 5 }),
    denied('ioctl', [0, c('FIONREAD')], { action: 'errno EPERM', pid: 6 }),
    denied('ioctl', [1, c('TCGETS')], { action: 'errno EPERM', pid: 5 }),
  ];

  it('ioctl: only the requests observed (low risk), rather than all of ioctl (high risk)', () => {
    const proposal = only(POLICY, ioctls);
    expect(proposal).toMatchObject({
      syscall: 'ioctl',
      arches: ['x86_64'],
      count: 3,
      distinctCalls: 2,
      pids: [5, 6],
      seen: ['errno EPERM'],
      deniedBy: ['the default (errno EPERM)'],
    });
    const [narrow, broad] = proposal.options;
    expect(narrow).toMatchObject({
      kind: 'narrow',
      summary: 'allow ioctl only for request TCGETS, FIONREAD, as observed',
      rule: { action: 'allow', syscalls: ['ioctl'], when: '(u32)arg1 in {TCGETS, FIONREAD}' },
      ruleText: 'allow: ioctl\nwhen: "(u32)arg1 in {TCGETS, FIONREAD}"',
      allows: true,
      risk: { level: 'low', reasons: [] },
    });
    expect(broad?.kind).toBe('broad');
    expect(broad?.risk.level).toBe('high');
    // The reason is the editor's own dangerous-grant warning.
    expect(broad?.risk.reasons[0]).toMatch(/^ioctl may be called with TIOCSTI/);
    expect(broad?.risk.reasons.join(' ')).toContain('not only the 2 calls observed');
  });

  it('a syscall whose arguments say nothing gets a plain allow, low risk', () => {
    const proposal = only(POLICY, [learned('getpid')]);
    expect(proposal.options).toHaveLength(1);
    expect(recommended(proposal)).toMatchObject({
      kind: 'broad',
      summary: 'allow getpid',
      risk: { level: 'low', reasons: [] },
    });
    expect(proposal.note).toBeUndefined();
  });

  it('dangerous syscalls are high risk, with the reason the editor gives', () => {
    const proposal = only(POLICY, [denied('ptrace', [16, 1234])]);
    expect(recommended(proposal).risk).toEqual({
      level: 'high',
      reasons: [`ptrace ${DANGEROUS_SYSCALLS.ptrace!.reason}`],
    });
  });

  it('sensitive syscalls are medium risk even when narrowed', () => {
    const proposal = only(POLICY, [denied('kill', [1, 9])]);
    expect(recommended(proposal).risk.level).toBe('medium');
    expect(recommended(proposal).risk.reasons[0]).toMatch(/^kill sends signals/);
  });

  it('clone3: the recommendation is ENOSYS, so glibc falls back to clone', () => {
    const proposal = only(POLICY, [denied('clone3', [0x7ffd0000, 88])]);
    expect(proposal.options.map((o) => [o.kind, o.risk.level, o.allows])).toEqual([
      ['fallback', 'low', false],
      ['broad', 'high', true],
    ]);
    expect(recommended(proposal).ruleText).toBe('errno: ENOSYS\nsyscalls: clone3');
  });

  it('clone narrowed to the flags seen is low risk; all of clone can create namespaces', () => {
    const thread =
      c('CLONE_VM') | c('CLONE_FS') | c('CLONE_FILES') | c('CLONE_SIGHAND') | c('CLONE_THREAD');
    const proposal = only(POLICY, [denied('clone', [thread])]);
    expect(proposal.options.map((o) => [o.kind, o.risk.level])).toEqual([
      ['narrow', 'low'],
      ['broad', 'high'],
    ]);
    expect(proposal.options[1]?.risk.reasons[0]).toMatch(/^clone can create namespaces/);
  });

  it('a namespace flag seen makes even the narrow rule high risk', () => {
    const proposal = only(POLICY, [denied('unshare', [c('CLONE_NEWUSER') | c('CLONE_NEWNS')])]);
    expect(recommended(proposal).kind).toBe('narrow');
    expect(recommended(proposal).risk.level).toBe('high');
  });

  it('too many distinct values: no narrow rule, and the note says why', () => {
    const events = Array.from({ length: 20 }, (_, i) => denied('fcntl', [3, 0x500 + i]));
    const proposal = only(POLICY, events);
    expect(proposal.note).toBe('not narrowed: called with 20 different cmd values');
    expect(proposal.options.map((o) => [o.kind, o.risk.level])).toEqual([['broad', 'medium']]);
  });

  it('audit records carry no arguments: only the broad rule, and a note', () => {
    const proposal = only(POLICY, [audited('ioctl')]);
    expect(proposal.note).toBe('not narrowed: the kernel audit record carries no arguments');
    expect(proposal.options.map((o) => o.kind)).toEqual(['broad']);
    expect(proposal.distinctCalls).toBe(1);
  });

  it('proposes only for the calls still denied: an existing condition keeps its values', () => {
    const policy = POLICY.replace(
      '      - allow: [read, write, exit_group]\n',
      '      - allow: [read, write, exit_group]\n      - allow: ioctl\n        when: "arg1 == TCGETS"\n',
    );
    expect(policy).toContain('arg1 == TCGETS');
    const proposal = only(policy, ioctls);
    expect(recommended(proposal).rule.when).toBe('(u32)arg1 == FIONREAD');
  });

  it('lists syscalls in the order the run first showed them', () => {
    const { proposals } = propose(POLICY, [
      denied('getpid'),
      denied('ioctl', [1, c('TCGETS')]),
      denied('getpid'),
      denied('gettid'),
    ]);
    expect(proposals.map((p) => p.syscall)).toEqual(['getpid', 'ioctl', 'gettid']);
  });
});

describe('proposeChanges: what gets no proposal', () => {
  it('respects a rule that denies on purpose, and says which', () => {
    const { proposals, blocked } = propose(POLICY, [
      denied('openat', [0xffffff9c, 0x1000], { action: 'errno EACCES' }),
    ]);
    expect(proposals).toEqual([]);
    expect(blocked).toEqual([
      {
        kind: 'deliberate',
        syscall: 'openat',
        arch: 'x86_64',
        count: 1,
        reason:
          'denied on purpose by the rule at line 9 (errno EACCES); edit that rule to change it',
      },
    ]);
  });

  it('cannot change what an included file denies: its rules come first', () => {
    const policy = POLICY.replace('version: 1\n', 'version: 1\ninclude: [base.sandbox.yaml]\n');
    const base =
      'version: 1\nlinux:\n  seccomp:\n    rules:\n      - errno: EPERM\n        syscalls: [ioctl]\n';
    const { proposals, blocked } = proposeChanges(
      policy,
      collectObservations([denied('ioctl', [1, c('TCGETS')])]),
      { readInclude: () => base },
    );
    expect(proposals).toEqual([]);
    expect(blocked[0]).toMatchObject({ kind: 'include', syscall: 'ioctl' });
    expect(blocked[0]?.reason).toMatch(/^denied by base.sandbox.yaml:5 \(errno EPERM\)/);
  });

  it('an ABI the policy does not list goes to the bad-arch action', () => {
    const { proposals, blocked } = propose(POLICY, [denied('getpid', [], { arch: 'i386' })]);
    expect(proposals).toEqual([]);
    expect(blocked[0]).toMatchObject({ kind: 'bad-arch', arch: 'i386' });
    expect(blocked[0]?.reason).toMatch(/i386 ABI, which linux.seccomp.arch does not list/);
  });

  it('nothing is proposed for what the policy already lets run', () => {
    expect(propose(POLICY, [denied('read', [0, 0, 10])]).proposals).toEqual([]);
  });

  it('reports a policy with errors instead of guessing', () => {
    const set = propose(POLICY.replace('[read,', '[reed,'), [denied('getpid')]);
    expect(set.proposals).toEqual([]);
    expect(set.problem).toMatch(/^the policy has errors: policy:7:/);
  });
});

describe('applying proposals', () => {
  const events = [
    denied('ioctl', [1, c('TCGETS')], { action: 'errno EPERM' }),
    denied('mmap', [0, 4096, c('PROT_READ') | c('PROT_WRITE'), 0x22], { action: 'errno EPERM' }),
    denied('getpid', [], { action: 'errno EPERM' }),
    denied('clone3', [0x7ffd0000, 88], { action: 'errno EPERM' }),
  ];

  it('applying every recommendation leaves only the deliberate ENOSYS, in a policy that parses', () => {
    const observations = collectObservations(events);
    let text = POLICY;
    for (const proposal of proposeChanges(text, observations).proposals) {
      text = applyRule(text, recommended(proposal).rule).text;
    }
    expect(text).toBe(yaml`
      version: 1
      linux:
        seccomp:
          arch: [x86_64]
          default: errno EPERM # what is not listed fails
          rules:
            - allow: [read, write, exit_group, getpid]
            # no files
            - errno: EACCES
              syscalls: [openat]
            - allow: ioctl
              when: "(u32)arg1 == TCGETS"
            - allow: mmap
              when: "(arg2 & ~(PROT_READ|PROT_WRITE)) == 0"
            - errno: ENOSYS
              syscalls: clone3
    `);
    const policy = parsePolicy(text).policy!;
    expect(filterDenials(policy, observations).map((d) => [d.observation.name, d.action])).toEqual([
      ['clone3', 'errno ENOSYS'],
    ]);
    const after = proposeChanges(text, observations);
    expect(after.proposals).toEqual([]);
    expect(after.blocked.map((b) => [b.kind, b.syscall])).toEqual([['deliberate', 'clone3']]);
  });

  it('a rule the user wrote goes before the first rule listing the syscall', () => {
    const result = applyRuleText(POLICY, 'openat', '- allow: openat\n  when: "arg2 == 0"');
    expect(result.text).toContain(
      '      - allow: openat\n        when: "arg2 == 0"\n      # no files\n      - errno: EACCES',
    );
    expect(result.text.slice(result.start, result.end)).toBe(
      '- allow: openat\n        when: "arg2 == 0"',
    );
  });
});
