import { describe, expect, it } from 'vitest';
import { formatCondition } from './condition-format';
import { parsePolicy } from './parse';
import { describeDiagnostic, yaml } from './test-helpers';

function diagnostics(text: string): string[] {
  return parsePolicy(text).diagnostics.map(describeDiagnostic);
}

/** A policy with one rule `- allow: <syscall>` + `when: <condition as written in YAML>`. */
function withCondition(when: string, syscall = 'mmap'): string {
  return `version: 1\nlinux:\n  seccomp:\n    rules:\n      - allow: ${syscall}\n        when: ${when}\n`;
}

/** The text a diagnostic underlines. */
function underlined(text: string): string[] {
  return parsePolicy(text).diagnostics.map((d) =>
    text.slice(d.range.start.offset, d.range.end.offset),
  );
}

describe('rule conditions in the policy', () => {
  it('puts the parsed condition on the rule with its text and range', () => {
    const text = withCondition('"(arg2 & ~(MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE)) == 0"');
    const { policy, diagnostics: found } = parsePolicy(text);
    expect(found).toEqual([]);
    const condition = policy!.linux.seccomp!.rules[0]!.condition!;
    expect(condition.text).toBe('(arg2 & ~(MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE)) == 0');
    expect(formatCondition(condition.expr)).toBe(
      'arg2 & ~(MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE) == 0',
    );
    expect(condition.range).toMatchObject({
      start: { line: 6, column: 15 },
      end: { line: 6, column: 73 },
    });
    // Sub-ranges point into the document: MAP_ANONYMOUS inside the quotes.
    const expr = condition.expr;
    if (expr.kind !== 'compare' || !expr.arg.mask) throw new Error('unexpected tree');
    const mask = expr.arg.mask;
    if (mask.kind !== 'unary' || mask.operand.kind !== 'binary') throw new Error('unexpected mask');
    const anonymous = mask.operand.left.kind === 'binary' ? mask.operand.left.right : undefined;
    expect(anonymous && text.slice(anonymous.range.start.offset, anonymous.range.end.offset)).toBe(
      'MAP_ANONYMOUS',
    );
  });

  it('allows `when` with every rule form', () => {
    const { policy, diagnostics: found } = parsePolicy(yaml`
      version: 1
      linux:
        seccomp:
          rules:
            - allow: ioctl
              when: "arg1 in {TCGETS, FIONREAD}"
            - errno: EPERM
              syscalls: [socket]
              when: "arg0 != AF_UNIX"
            - action: trap 3
              syscalls: openat
              when: "allof(arg2, O_CREAT|O_EXCL)"
    `);
    expect(found).toEqual([]);
    expect(policy!.linux.seccomp!.rules.map((r) => r.condition?.text)).toEqual([
      'arg1 in {TCGETS, FIONREAD}',
      'arg0 != AF_UNIX',
      'allof(arg2, O_CREAT|O_EXCL)',
    ]);
    expect(policy!.linux.seccomp!.rules[2]!.action).toEqual({ kind: 'trap', data: 3 });
  });

  it('underlines the exact characters in a plain scalar', () => {
    const text = withCondition('arg2 & MAP_PRIVTE == 0');
    expect(diagnostics(text)).toEqual([
      '6:22-6:32 error unknown-constant: unknown constant "MAP_PRIVTE"; did you mean MAP_PRIVATE?',
    ]);
    expect(underlined(text)).toEqual(['MAP_PRIVTE']);
  });

  it('underlines the exact characters inside double quotes, escapes included', () => {
    expect(underlined(withCondition('"arg2 == MAP_PRIVTE"'))).toEqual(['MAP_PRIVTE']);
    // \x41 is "A": the error underlines the escape the user typed for it.
    const escaped = withCondition('"arg2 == M\\x41P_PRIVTE"');
    expect(diagnostics(escaped)).toEqual([
      '6:24-6:37 error unknown-constant: unknown constant "MAP_PRIVTE"; did you mean MAP_PRIVATE?',
    ]);
    expect(underlined(escaped)).toEqual(['M\\x41P_PRIVTE']);
    expect(underlined(withCondition('"arg2 == \\"x\\""'))).toEqual(['\\"']);
  });

  it('underlines the exact characters inside single quotes', () => {
    expect(underlined(withCondition("'arg2 == MAP_PRIVTE'"))).toEqual(['MAP_PRIVTE']);
    expect(underlined(withCondition("'arg2 == ''x'''"))).toEqual(["''"]);
  });

  it('underlines the exact characters in folded and literal block scalars', () => {
    const text = yaml`
      version: 1
      linux:
        seccomp:
          rules:
            - allow: read
              when: >-
                arg0 == 0 &&
                arg1 == FOO
            - allow: write
              when: |
                arg0 == 1 ||
                arg9 == 2
    `;
    expect(diagnostics(text)).toEqual([
      '8:19-8:22 error unknown-constant: unknown constant "FOO"',
      '12:11-12:15 error invalid-condition: there is no arg9: syscalls have six arguments, arg0..arg5',
    ]);
  });

  it('follows multi-line double-quoted conditions', () => {
    const text = yaml`
      version: 1
      linux:
        seccomp:
          rules:
            - allow: read
              when: "arg0 == 0 &&
                arg1 = 2"
    `;
    expect(diagnostics(text)).toEqual([
      '7:16-7:17 error condition-syntax: unexpected character "="; use == to compare',
    ]);
    expect(text.split('\n')[6]).toBe('          arg1 = 2"');
  });

  it('reports syntax errors at their character, zero-width at the end', () => {
    expect(diagnostics(withCondition('"arg0 =="'))).toEqual([
      '6:23-6:23 error condition-syntax: unexpected the end of the condition where a value was expected',
    ]);
    expect(diagnostics(withCondition('"(arg0 == 1"'))).toEqual([
      '6:16-6:17 error condition-syntax: "(" is never closed',
    ]);
  });

  it('explains a leading ! that YAML took for a tag', () => {
    expect(diagnostics(withCondition('!(arg0 == 1)'))).toEqual([
      '6:15-6:21 warning yaml-warning: Unresolved tag: !(arg0',
      '6:15-6:27 error condition-syntax: YAML reads "!(arg0" as a tag, not as part of the condition; quote it: "!(arg0 == 1)"',
    ]);
    expect(diagnostics(withCondition('"!(arg0 == 1)"'))).toEqual([]);
  });

  it('rejects conditions that are not strings', () => {
    expect(diagnostics(withCondition('5'))).toEqual([
      '6:15-6:16 error invalid-type: expected a condition string, got the number 5; quote it: "5"',
    ]);
  });

  it('reports condition errors together with other schema errors', () => {
    expect(
      diagnostics(yaml`
        version: 1
        linux:
          seccomp:
            rules:
              - allow: opne
                when: "arg0 == NOPE"
    `),
    ).toEqual([
      '5:16-5:20 error unknown-syscall: unknown syscall "opne"; did you mean open?',
      '6:24-6:28 error unknown-constant: unknown constant "NOPE"',
    ]);
  });
});

describe('per-arch resolution of conditions', () => {
  it('a value wider than 32 bits is an error on 32-bit arches only, naming them', () => {
    const text = yaml`
      version: 1
      linux:
        seccomp:
          arch: [x86_64, i386, arm]
          rules:
            - allow: openat
              when: "arg2 == 0x100000000"
    `;
    expect(diagnostics(text)).toEqual([
      '7:24-7:35 error value-out-of-range: on i386, arm: 0x100000000 does not fit in 32 bits (syscall arguments are 32 bits wide)',
    ]);
  });

  it('a value wider than the cast is an error everywhere, without naming arches', () => {
    expect(diagnostics(withCondition('"(int)arg0 == 0x1ffffffff"', 'openat'))).toEqual([
      '6:29-6:40 error value-out-of-range: 0x1ffffffff does not fit in 32 bits ((int) compares 32 bits)',
    ]);
    expect(diagnostics(withCondition('"arg0 == 0x10000000000000000"', 'openat'))).toEqual([
      '6:24-6:43 error value-out-of-range: 0x10000000000000000 does not fit in 64 bits',
    ]);
    expect(diagnostics(withCondition('"arg0 == 1 << 64"', 'openat'))).toEqual([
      '6:29-6:31 error value-out-of-range: shift by 64: shift counts must be 0..63',
    ]);
    expect(diagnostics(withCondition('"arg0 == -0x8000000000000001"', 'openat'))).toEqual([
      '6:24-6:43 error value-out-of-range: -0x8000000000000001 does not fit in 64 bits',
    ]);
  });

  it('warns when a negative value is compared as 64 bits', () => {
    expect(diagnostics(withCondition('"arg0 == AT_FDCWD"', 'openat'))).toEqual([
      '6:24-6:32 warning sign-extension: -100 is compared as the 64-bit 0xffffffffffffff9c, but an int argument arrives as 0xffffff9c: write (int)arg0, or (s64)arg0 for a long',
    ]);
    expect(diagnostics(withCondition('"(int)arg0 == AT_FDCWD"', 'openat'))).toEqual([]);
    expect(diagnostics(withCondition('"(s64)arg1 < -1"', 'lseek'))).toEqual([]);
  });
});

describe('groups', () => {
  it('expands a group into its syscalls, keeping the group and its range', () => {
    const text = 'version: 1\nlinux: {seccomp: {rules: [{allow: [read, "@basic-io"]}]}}\n';
    const { policy, diagnostics: found } = parsePolicy(text);
    expect(found).toEqual([]);
    const refs = policy!.linux.seccomp!.rules[0]!.syscalls;
    expect(refs[0]).toMatchObject({ name: 'read' });
    expect(refs[0]!.group).toBeUndefined();
    const members = refs.slice(1);
    expect(members.map((r) => r.name)).toEqual(
      expect.arrayContaining(['close', 'dup', 'lseek', 'pread64', 'write', '_llseek']),
    );
    for (const member of members) {
      expect(member.group).toBe('@basic-io');
      expect(text.slice(member.range.start.offset, member.range.end.offset)).toBe('"@basic-io"');
    }
  });

  it('expands nested groups', () => {
    const { policy } = parsePolicy(
      'version: 1\nlinux: {seccomp: {rules: [{allow: ["@system-service"]}]}}\n',
    );
    const names = policy!.linux.seccomp!.rules[0]!.syscalls.map((r) => r.name);
    // @system-service includes @basic-io, @file-system, @network-io, …
    expect(names).toEqual(expect.arrayContaining(['read', 'openat', 'connect', 'execve']));
    expect(new Set(names).size).toBe(names.length);
  });

  it('works as the syscalls of an errno or action rule', () => {
    const { policy } = parsePolicy(yaml`
      version: 1
      linux:
        seccomp:
          rules:
            - errno: EPERM
              syscalls: "@mount"
    `);
    expect(policy!.linux.seccomp!.rules[0]!.syscalls.map((r) => r.name)).toContain('mount');
  });
});

describe('architectures', () => {
  it('defaults to x86_64 and kill-process for other arches', () => {
    const { policy } = parsePolicy('version: 1\nlinux: {seccomp: {}}\n');
    expect(policy!.linux.seccomp).toMatchObject({
      arch: ['x86_64'],
      badArchAction: { kind: 'kill-process' },
    });
  });

  it('reads bad_arch', () => {
    const { policy } = parsePolicy('version: 1\nlinux: {seccomp: {bad_arch: errno ENOSYS}}\n');
    expect(policy!.linux.seccomp!.badArchAction).toEqual({ kind: 'errno', errno: 38 });
    expect(diagnostics('version: 1\nlinux: {seccomp: {bad_arch: allow all}}\n')).toEqual([
      '2:29-2:38 error invalid-action: "allow" takes no value; write just "allow"',
    ]);
  });

  it('a syscall no listed arch has is an error; one some lack is an info', () => {
    expect(
      diagnostics(yaml`
        version: 1
        linux:
          seccomp:
            arch: [x86_64, aarch64]
            rules:
              - allow: [read, open, mmap2]
      `),
    ).toEqual([
      '6:23-6:27 info arch-specific-syscall: open is not a syscall on aarch64: skipped there',
      '6:29-6:34 error unknown-syscall: mmap2 is not a syscall on x86_64, aarch64',
    ]);
  });

  it('group members an arch lacks are skipped silently', () => {
    expect(
      diagnostics(
        'version: 1\nlinux: {seccomp: {arch: [aarch64], rules: [{allow: ["@basic-io"]}]}}\n',
      ),
    ).toEqual([]);
  });

  it("a condition is not resolved on an arch that has none of the rule's syscalls", () => {
    expect(
      diagnostics(yaml`
        version: 1
        linux:
          seccomp:
            arch: [x86_64, aarch64]
            rules:
              - allow: arch_prctl
                when: "arg0 == ARCH_SET_FS"
      `),
    ).toEqual([
      '6:16-6:26 info arch-specific-syscall: arch_prctl is not a syscall on aarch64: skipped there',
    ]);
  });

  it('a constant an arch does not define is an error for that arch', () => {
    const text = yaml`
      version: 1
      linux:
        seccomp:
          arch: [x86_64, i386]
          rules:
            - allow: ioctl
              when: "arg1 == SIOCGSTAMP"
    `;
    expect(diagnostics(text)).toEqual([
      '7:24-7:34 error unknown-constant: on i386: SIOCGSTAMP has no value: sizeof(struct timeval) is known only to a compiler (and libc) for this arch',
    ]);
  });
});

describe('intent', () => {
  it('reads intents and rejects unknown ones', () => {
    expect(parsePolicy('version: 1\nintent: [no-new-programs]\n').policy?.intent).toEqual([
      'no-new-programs',
    ]);
    expect(diagnostics('version: 1\nintent: [no-new-program]\n')).toEqual([
      '2:10-2:24 error unknown-intent: unknown intent "no-new-program"; did you mean no-new-programs? (known: no-new-programs)',
    ]);
  });
});

describe('YAML pitfalls', () => {
  it('an unquoted group name is a YAML error that says to quote it', () => {
    expect(
      parsePolicy(
        'version: 1\nlinux: {seccomp: {rules: [{allow: [read, @basic-io]}]}}\n',
      ).diagnostics.map(describeDiagnostic),
    ).toEqual([
      '2:42-2:51 error yaml-syntax: Plain value cannot start with reserved character @; quote it: "@basic-io"',
    ]);
  });
});

describe('constants defined as enumerators in the kernel headers', () => {
  it('accepts personality(2) personas and flags (PER_LINUX, ADDR_NO_RANDOMIZE)', () => {
    expect(
      diagnostics(
        withCondition(
          'arg0 == PER_LINUX || arg0 == (PER_LINUX | ADDR_NO_RANDOMIZE)',
          'personality',
        ),
      ),
    ).toEqual([]);
    expect(diagnostics(withCondition('arg0 == PER_SVR4', 'personality'))).toEqual([]);
  });
});
