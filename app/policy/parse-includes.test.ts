import { describe, expect, it } from 'vitest';
import { hasErrors, parsePolicy, type ParseOptions } from './parse';
import { describeDiagnostic, yaml } from './test-helpers';

/** An in-memory file system for the injected include reader; records what was read. */
function files(contents: Record<string, string>): ParseOptions & { read: string[] } {
  const read: string[] = [];
  return {
    path: '/p/main.sandbox.yaml',
    read,
    readInclude: (path) => {
      read.push(path);
      return Object.hasOwn(contents, path) ? contents[path]! : { error: 'no such file' };
    },
  };
}

const BASE = yaml`
  version: 1
  linux:
    seccomp:
      rules:
        - allow: [read, write]
        - errno: EACCES
          syscalls: [openat]
`;

describe('include:', () => {
  it("inserts the included rules before the file's own, marking where they came from", () => {
    const options = files({ '/p/base.yaml': BASE });
    const text = yaml`
      version: 1
      include: [base.yaml]
      linux:
        seccomp:
          rules:
            - allow: [close]
    `;
    const { policy, diagnostics } = parsePolicy(text, options);
    expect(diagnostics).toEqual([]);
    expect(options.read).toEqual(['/p/base.yaml']);
    const rules = policy!.linux.seccomp!.rules;
    expect(rules.map((r) => r.syscalls.map((s) => s.name))).toEqual([
      ['read', 'write'],
      ['openat'],
      ['close'],
    ]);
    expect(rules[0]!.origin).toEqual({
      file: '/p/base.yaml',
      includedAt: {
        start: { line: 2, column: 11, offset: 21 },
        end: { line: 2, column: 20, offset: 30 },
      },
    });
    // The included rule keeps its range in its own file.
    expect(rules[1]!.range.start.line).toBe(6);
    expect(rules[2]!.origin).toBeUndefined();
  });

  it('keeps include order and follows nested includes relative to each file', () => {
    const options = files({
      '/p/a.yaml':
        'version: 1\ninclude: [lib/b.yaml]\nlinux: {seccomp: {rules: [{allow: [read]}]}}\n',
      '/p/lib/b.yaml': 'version: 1\nlinux: {seccomp: {rules: [{allow: [write]}]}}\n',
      '/p/c.yaml': 'version: 1\nlinux: {seccomp: {rules: [{allow: [close]}]}}\n',
    });
    const { policy, diagnostics } = parsePolicy('version: 1\ninclude: [a.yaml, c.yaml]\n', options);
    expect(diagnostics).toEqual([]);
    const rules = policy!.linux.seccomp!.rules;
    expect(rules.map((r) => [r.syscalls[0]!.name, r.origin!.file])).toEqual([
      ['write', '/p/lib/b.yaml'],
      ['read', '/p/a.yaml'],
      ['close', '/p/c.yaml'],
    ]);
    // A file with only includes gets the default seccomp section.
    expect(policy!.linux.seccomp).toMatchObject({
      arch: ['x86_64'],
      defaultAction: { kind: 'kill-process' },
    });
  });

  it('reports a missing file at the include entry', () => {
    const text = 'version: 1\ninclude: [nope.yaml]\n';
    expect(parsePolicy(text, files({})).diagnostics.map(describeDiagnostic)).toEqual([
      '2:11-2:20 error include-error: cannot include /p/nope.yaml: no such file',
    ]);
  });

  it('needs a reader', () => {
    const result = parsePolicy('version: 1\ninclude: [base.yaml]\n');
    expect(result.policy).toBeUndefined();
    expect(result.diagnostics.map(describeDiagnostic)).toEqual([
      '2:11-2:20 error include-unavailable: cannot include base.yaml: includes are read from files, and this policy was not opened from one',
    ]);
  });

  it('reports cycles with the chain of files', () => {
    const options = files({
      '/p/a.yaml': 'version: 1\ninclude: [b.yaml]\n',
      '/p/b.yaml': 'version: 1\ninclude: [./main.sandbox.yaml]\n',
    });
    expect(
      parsePolicy('version: 1\ninclude: [a.yaml]\n', options).diagnostics.map(describeDiagnostic),
    ).toEqual([
      '2:11-2:17 error include-cycle: /p/a.yaml:2:11: /p/b.yaml:2:11: include cycle: /p/main.sandbox.yaml → /p/a.yaml → /p/b.yaml → /p/main.sandbox.yaml',
    ]);
    const self = files({ '/p/self.yaml': 'version: 1\ninclude: [self.yaml]\n' });
    expect(
      parsePolicy('version: 1\ninclude: [self.yaml]\n', self).diagnostics.map(describeDiagnostic),
    ).toEqual([
      '2:11-2:20 error include-cycle: /p/self.yaml:2:11: include cycle: /p/self.yaml → /p/self.yaml',
    ]);
  });

  it('includes a file once, warning at the second include', () => {
    const options = files({
      '/p/a.yaml': 'version: 1\ninclude: [base.yaml]\n',
      '/p/base.yaml': BASE,
    });
    const { policy, diagnostics } = parsePolicy(
      'version: 1\ninclude: [base.yaml, a.yaml]\n',
      options,
    );
    expect(diagnostics.map(describeDiagnostic)).toEqual([
      '2:22-2:28 warning duplicate-include: /p/a.yaml:2:11: /p/base.yaml is already included; skipped here',
    ]);
    expect(policy!.linux.seccomp!.rules).toHaveLength(2);
  });

  it("shows an included file's errors at the include entry, naming the file and position", () => {
    const options = files({
      '/p/bad.yaml': yaml`
        version: 1
        linux:
          seccomp:
            rules:
              - allow: [opne]
      `,
    });
    const result = parsePolicy('version: 1\ninclude: [bad.yaml]\n', options);
    expect(hasErrors(result.diagnostics)).toBe(true);
    expect(result.diagnostics.map(describeDiagnostic)).toEqual([
      '2:11-2:19 error unknown-syscall: /p/bad.yaml:5:17: unknown syscall "opne"; did you mean open?',
    ]);
    expect(
      parsePolicy(
        'version: 1\ninclude: [empty.yaml]\n',
        files({ '/p/empty.yaml': '' }),
      ).diagnostics.map(describeDiagnostic),
    ).toEqual(['2:11-2:21 error empty-policy: /p/empty.yaml:1:1: empty policy']);
  });

  it("checks included rules against the including file's arches and reports there", () => {
    const options = files({
      '/p/base.yaml': yaml`
        version: 1
        linux:
          seccomp:
            rules:
              - allow: [arch_prctl]
              - allow: ioctl
                when: "arg1 == 0x100000000"
      `,
    });
    const text = yaml`
      version: 1
      include: [base.yaml]
      linux:
        seccomp:
          arch: [aarch64, arm]
    `;
    expect(parsePolicy(text, options).diagnostics.map(describeDiagnostic)).toEqual([
      '2:11-2:20 error unknown-syscall: /p/base.yaml:5:17: arch_prctl is not a syscall on aarch64, arm',
      '2:11-2:20 error value-out-of-range: /p/base.yaml:7:24: on arm: 0x100000000 does not fit in 32 bits (syscall arguments are 32 bits wide)',
    ]);
  });

  it('names the included rule a later rule conflicts with', () => {
    const options = files({ '/p/base.yaml': BASE });
    const text = yaml`
      version: 1
      include: [base.yaml]
      linux:
        seccomp:
          rules:
            - errno: EPERM
              syscalls: [read]
    `;
    expect(parsePolicy(text, options).diagnostics.map(describeDiagnostic)).toEqual([
      '7:20-7:24 warning conflicting-rule: read is already decided by the rule at /p/base.yaml:5 (allow); this errno EPERM never applies',
    ]);
  });

  it('rejects include values that are not lists of paths', () => {
    expect(
      parsePolicy('version: 1\ninclude: base.yaml\n').diagnostics.map(describeDiagnostic),
    ).toEqual([
      '2:10-2:19 error invalid-type: expected a list of policy files, got the string "base.yaml"; write it as a list: [base.yaml]',
    ]);
  });
});
