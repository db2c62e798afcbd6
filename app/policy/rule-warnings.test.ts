import { describe, expect, it } from 'vitest';
import { parsePolicy } from './parse';
import { describeDiagnostic, yaml } from './test-helpers';

function warnings(text: string): string[] {
  return parsePolicy(text)
    .diagnostics.filter((d) => d.code !== 'dangerous-grant')
    .map(describeDiagnostic);
}

describe('shadowed and conflicting rules, with conditions', () => {
  it('a later rule with a condition after an unconditional one never applies', () => {
    expect(
      warnings(yaml`
        version: 1
        linux:
          seccomp:
            rules:
              - allow: [mmap]
              - errno: EPERM
                syscalls: [mmap]
                when: "anyof(arg2, PROT_EXEC)"
      `),
    ).toEqual([
      '7:20-7:24 warning conflicting-rule: mmap is already decided by the rule at line 5 (allow); this errno EPERM never applies',
    ]);
  });

  it('an unconditional rule after a conditional one is the fallback, not shadowed', () => {
    expect(
      warnings(yaml`
        version: 1
        linux:
          seccomp:
            rules:
              - errno: EPERM
                syscalls: [mmap]
                when: "anyof(arg2, PROT_EXEC)"
              - allow: [mmap]
      `),
    ).toEqual([]);
  });

  it('rules with different conditions do not shadow each other', () => {
    expect(
      warnings(yaml`
        version: 1
        linux:
          seccomp:
            rules:
              - allow: ioctl
                when: "arg1 == TCGETS"
              - allow: ioctl
                when: "arg1 == FIONREAD"
      `),
    ).toEqual([]);
  });

  it('the same condition, however written, shadows; with another action it conflicts', () => {
    expect(
      warnings(yaml`
        version: 1
        linux:
          seccomp:
            rules:
              - allow: ioctl
                when: "arg1 in {TCGETS, FIONREAD}"
              - allow: ioctl
                when: "arg1 in { TCGETS,FIONREAD }"
              - errno: EPERM
                syscalls: [ioctl]
                when: "(arg1 in {TCGETS, FIONREAD})"
      `),
    ).toEqual([
      '7:16-7:21 warning shadowed-syscall: ioctl is already handled by the rule at line 5; this entry never applies',
      '10:20-10:25 warning conflicting-rule: ioctl is already decided by the rule at line 5 (allow); this errno EPERM never applies',
    ]);
  });

  it('names the group an earlier mention came through', () => {
    expect(
      warnings(yaml`
        version: 1
        linux:
          seccomp:
            rules:
              - allow: ["@basic-io"]
              - errno: EPERM
                syscalls: [read, write]
      `),
    ).toEqual([
      '7:20-7:24 warning conflicting-rule: read is already decided by the rule at line 5 (in @basic-io) (allow); this errno EPERM never applies',
      '7:26-7:31 warning conflicting-rule: write is already decided by the rule at line 5 (in @basic-io) (allow); this errno EPERM never applies',
    ]);
  });

  it('a group entry is reported once: when all of it is dead, or where it conflicts', () => {
    expect(
      warnings(yaml`
        version: 1
        linux:
          seccomp:
            rules:
              - allow: ["@system-service"]
              - allow: ["@basic-io"]
              - errno: EPERM
                syscalls: [chown, "@sync"]
      `),
    ).toEqual([
      '6:17-6:28 warning shadowed-syscall: all of @basic-io is already handled by earlier rules (line 5); this entry never applies',
      '8:20-8:25 warning conflicting-rule: chown is already decided by the rule at line 5 (in @system-service) (allow); this errno EPERM never applies',
      '8:27-8:34 warning shadowed-syscall: all of @sync is already handled by earlier rules (line 5); this entry never applies',
    ]);
    // Overlapping groups in one rule, or partial overlap with the same action: nothing to say.
    expect(
      warnings(yaml`
        version: 1
        linux:
          seccomp:
            rules:
              - allow: ["@file-system", "@basic-io", read]
              - allow: ["@network-io"]
      `),
    ).toEqual([]);
  });

  it('reports the members of a group that would get another action', () => {
    expect(
      warnings(yaml`
        version: 1
        linux:
          seccomp:
            rules:
              - allow: [fsync, sync]
              - errno: EPERM
                syscalls: ["@sync"]
      `),
    ).toEqual([
      '7:20-7:27 warning conflicting-rule: fsync, sync (from @sync) are already decided by earlier rules (line 5); this errno EPERM never applies there',
    ]);
  });

  it('a syscall twice in one rule, explicitly, is a duplicate; through a group it is not', () => {
    expect(
      warnings('version: 1\nlinux: {seccomp: {rules: [{allow: [read, "@basic-io", read]}]}}\n'),
    ).toEqual(['2:55-2:59 warning duplicate-syscall: read is listed twice in this rule']);
  });
});
