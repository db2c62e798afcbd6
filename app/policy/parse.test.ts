import { describe, expect, it } from 'vitest';
import { errnoByName } from '../linux/errno';
import { hasErrors, parsePolicy } from './parse';
import { describeDiagnostic, yaml } from './test-helpers';

function diagnostics(text: string): string[] {
  return parsePolicy(text).diagnostics.map(describeDiagnostic);
}

function policyOf(text: string) {
  const result = parsePolicy(text);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  if (!result.policy) throw new Error('no policy');
  return result.policy;
}

const EACCES = errnoByName('EACCES')!.value;
const EPERM = errnoByName('EPERM')!.value;

describe('parsePolicy: valid policies', () => {
  it('reads the full format', () => {
    const policy = policyOf(yaml`
      version: 1
      name: List the root directory
      target:
        command: [/bin/ls, /]
        cwd: /tmp
        env: { LANG: C }
      linux:
        no_new_privs: false
        seccomp:
          arch: [x86_64]
          default: errno EPERM
          rules:
            - allow: [read, write, exit_group]
    `);
    expect(policy).toMatchObject({
      version: 1,
      name: 'List the root directory',
      target: { command: ['/bin/ls', '/'], cwd: '/tmp', env: { LANG: 'C' } },
      linux: {
        noNewPrivs: false,
        seccomp: {
          arch: ['x86_64'],
          defaultAction: { kind: 'errno', errno: EPERM },
          rules: [{ action: { kind: 'allow' } }],
        },
      },
    });
    expect(policy.linux.seccomp?.rules[0]?.syscalls.map((s) => s.name)).toEqual([
      'read',
      'write',
      'exit_group',
    ]);
  });

  it('fills in defaults', () => {
    expect(policyOf('version: 1\n')).toEqual({ version: 1, linux: { noNewPrivs: true } });
    expect(policyOf('version: 1\nlinux:\n  seccomp: {}\n')).toEqual({
      version: 1,
      linux: {
        noNewPrivs: true,
        seccomp: {
          arch: ['x86_64'],
          defaultAction: { kind: 'kill-process' },
          badArchAction: { kind: 'kill-process' },
          rules: [],
        },
      },
    });
  });

  it('reads every rule form', () => {
    const policy = policyOf(yaml`
      version: 1
      linux:
        seccomp:
          rules:
            - allow: read
            - allow: [write]
            - allow:
                - close
            - errno: EACCES
              syscalls: [open, openat]
            - errno: 13
              syscalls: stat
            - action: kill-thread
              syscalls: [ptrace]
            - action: errno EPERM
              syscalls: [mount]
            - action: errno 1
              syscalls: [umount2]
            - { action: trap, syscalls: [kill] }
            - { action: log, syscalls: [uname] }
            - { action: notify, syscalls: [connect] }
            - { action: allow, syscalls: [getpid] }
            - { action: kill-process, syscalls: [reboot] }
            - { action: trap 42, syscalls: [sync] }
            - { action: trace 7, syscalls: [uselib] }
    `);
    const rules = policy.linux.seccomp!.rules;
    expect(rules.map((r) => [r.action, r.syscalls.map((s) => s.name)])).toEqual([
      [{ kind: 'allow' }, ['read']],
      [{ kind: 'allow' }, ['write']],
      [{ kind: 'allow' }, ['close']],
      [{ kind: 'errno', errno: EACCES }, ['open', 'openat']],
      [{ kind: 'errno', errno: EACCES }, ['stat']],
      [{ kind: 'kill-thread' }, ['ptrace']],
      [{ kind: 'errno', errno: EPERM }, ['mount']],
      [{ kind: 'errno', errno: EPERM }, ['umount2']],
      [{ kind: 'trap' }, ['kill']],
      [{ kind: 'log' }, ['uname']],
      [{ kind: 'notify' }, ['connect']],
      [{ kind: 'allow' }, ['getpid']],
      [{ kind: 'kill-process' }, ['reboot']],
      [{ kind: 'trap', data: 42 }, ['sync']],
      [{ kind: 'trace', data: 7 }, ['uselib']],
    ]);
  });

  it('points rule and syscall ranges at the YAML nodes', () => {
    const policy = policyOf(yaml`
      version: 1
      linux:
        seccomp:
          rules:
            - allow: [read, write]
            - errno: EACCES
              syscalls:
                - openat
            - allow: close
    `);
    const [first, second, third] = policy.linux.seccomp!.rules;
    expect(first!.range).toMatchObject({
      start: { line: 5, column: 9 },
      end: { line: 5, column: 29 },
    });
    expect(first!.syscalls[1]!.range).toMatchObject({
      start: { line: 5, column: 23, offset: 62 },
      end: { line: 5, column: 28, offset: 67 },
    });
    expect(second!.range).toMatchObject({
      start: { line: 6, column: 9 },
      end: { line: 8, column: 19 },
    });
    expect(second!.syscalls[0]!.range).toMatchObject({
      start: { line: 8, column: 13 },
      end: { line: 8, column: 19 },
    });
    expect(third!.syscalls[0]!.range).toMatchObject({
      start: { line: 9, column: 16 },
      end: { line: 9, column: 21 },
    });
  });

  it('takes every action as the default', () => {
    for (const [text, action] of [
      ['trap', { kind: 'trap' }],
      ['trap 3', { kind: 'trap', data: 3 }],
      ['trace 1', { kind: 'trace', data: 1 }],
      ['log', { kind: 'log' }],
      ['notify', { kind: 'notify' }],
      ['kill-thread', { kind: 'kill-thread' }],
    ] as const) {
      const policy = policyOf(`version: 1\nlinux: {seccomp: {default: ${text}}}\n`);
      expect(policy.linux.seccomp!.defaultAction).toEqual(action);
    }
  });

  it('accepts errno aliases and numbers given as strings', () => {
    const policy = policyOf(yaml`
      version: 1
      linux:
        seccomp:
          default: errno EWOULDBLOCK
          rules:
            - errno: "13"
              syscalls: [open]
    `);
    expect(policy.linux.seccomp!.defaultAction).toEqual({
      kind: 'errno',
      errno: errnoByName('EAGAIN')!.value,
    });
    expect(policy.linux.seccomp!.rules[0]!.action).toEqual({ kind: 'errno', errno: EACCES });
  });

  it('follows YAML anchors and aliases', () => {
    const policy = policyOf(yaml`
      version: 1
      linux:
        seccomp:
          rules:
            - allow: &basic [read, write]
            - errno: EPERM
              syscalls: *basic
    `);
    expect(policy.linux.seccomp!.rules[1]!.syscalls.map((s) => s.name)).toEqual(['read', 'write']);
  });
});

describe('parsePolicy: warnings', () => {
  it('warns at a later occurrence of a syscall an earlier rule decides, as a conflict when the actions differ', () => {
    const result = parsePolicy(yaml`
      version: 1
      linux:
        seccomp:
          rules:
            - allow: [read, openat]
            - errno: EACCES
              syscalls: [open, openat]
    `);
    expect(result.policy).toBeDefined();
    expect(result.diagnostics.map(describeDiagnostic)).toEqual([
      '7:26-7:32 warning conflicting-rule: openat is already decided by the rule at line 5 (allow); this errno EACCES never applies',
    ]);
  });

  it('warns about a syscall listed twice in one rule, and about empty rules', () => {
    expect(
      diagnostics(yaml`
        version: 1
        linux:
          seccomp:
            rules:
              - allow: [read, write, read]
              - allow: []
              - allow: [read]
      `),
    ).toEqual([
      '5:30-5:34 warning duplicate-syscall: read is listed twice in this rule',
      '6:9-6:18 warning empty-rule: this rule lists no syscalls; it has no effect',
      '7:17-7:21 warning shadowed-syscall: read is already handled by the rule at line 5; this entry never applies',
    ]);
  });

  it('keeps the policy when there are only warnings', () => {
    const result = parsePolicy('version: 1\nlinux: {seccomp: {rules: [{allow: [read, read]}]}}\n');
    expect(hasErrors(result.diagnostics)).toBe(false);
    expect(result.policy).toBeDefined();
  });
});

describe('parsePolicy: errors with exact locations', () => {
  it('empty text', () => {
    expect(diagnostics('')).toEqual(['1:1-1:1 error empty-policy: empty policy']);
    expect(diagnostics('   \n\n')).toEqual(['1:1-1:1 error empty-policy: empty policy']);
    expect(diagnostics('# just a comment\n')).toEqual(['1:1-1:1 error empty-policy: empty policy']);
  });

  it('YAML syntax errors at their position', () => {
    const result = parsePolicy('version: 1\nlinux: [read\n');
    expect(result.policy).toBeUndefined();
    expect(result.diagnostics[0]).toMatchObject({
      severity: 'error',
      code: 'yaml-syntax',
      range: { start: { line: 3, column: 1 } },
    });
    expect(diagnostics('version: 1\nversion: 1\n')).toEqual([
      '2:1-2:8 error yaml-syntax: Map keys must be unique',
    ]);
    expect(diagnostics('version: 1\n  name: x\n')).toEqual([
      '1:10-1:11 error yaml-syntax: Nested mappings are not allowed in compact mappings',
      '1:10-2:7 error yaml-syntax: Implicit keys need to be on a single line',
    ]);
    expect(diagnostics('version: 1\n---\nversion: 1\n')[0]).toMatch(
      /^2:1-\d+:\d+ error yaml-syntax: Source contains multiple documents/,
    );
  });

  it('a document that is not a mapping', () => {
    expect(diagnostics('- version: 1\n')).toEqual([
      '1:1-1:13 error invalid-type: expected a mapping (version, name, include, intent, target, linux, windows, freebsd), got a list',
    ]);
  });

  it('missing or wrong version', () => {
    expect(diagnostics('name: x\n')).toEqual([
      '1:1-1:8 error missing-key: missing required key "version"',
    ]);
    expect(diagnostics('version: 2\n')).toEqual([
      '1:10-1:11 error invalid-value: unsupported policy version 2; this studio reads version 1',
    ]);
    expect(diagnostics('version: "1"\n')).toEqual([
      '1:10-1:13 error invalid-value: unsupported policy version "1"; this studio reads version 1',
    ]);
  });

  it('unknown keys at every level, underlining the key', () => {
    expect(
      diagnostics(yaml`
        version: 1
        nmae: x
        target:
          command: [/bin/true]
          args: []
        linux:
          seccomp:
            defualt: allow
            rules:
              - allow: [read]
                where: arg0 == 1
      `),
    ).toEqual([
      '2:1-2:5 error unknown-key: unknown key "nmae"; did you mean name? (allowed keys: version, name, include, intent, target, linux, windows, freebsd)',
      '5:3-5:7 error unknown-key: unknown key "args" (allowed keys: command, cwd, env)',
      '8:5-8:12 error unknown-key: unknown key "defualt"; did you mean default? (allowed keys: arch, bad_arch, default, rules)',
      '11:9-11:14 error unknown-key: unknown key "where" (allowed keys: allow, errno, action, syscalls, when)',
    ]);
  });

  it('wrong types', () => {
    expect(
      diagnostics(yaml`
        version: 1
        name: [a]
        target:
          command: /bin/ls /
          env: { N: 1 }
        linux:
          no_new_privs: yes
          seccomp:
            rules:
              - allow: 5
              - allow: [read, 7]
              - just a string
      `),
    ).toEqual([
      '2:7-2:10 error invalid-type: expected a string, got a list',
      '4:12-4:21 error invalid-type: expected an array of strings, got the string "/bin/ls /"; write it as a list: [/bin/ls, /]',
      '5:13-5:14 error invalid-type: expected a string, got the number 1; quote it: "1"',
      '7:17-7:20 error invalid-type: expected true or false, got the string "yes"',
      '10:16-10:17 error invalid-type: expected a syscall name or a list of syscall names, got the number 5',
      '11:23-11:24 error invalid-type: expected a syscall name, got the number 7; quote it: "7"',
      '12:9-12:22 error invalid-type: expected a rule (a mapping with allow, errno or action), got the string "just a string"',
    ]);
  });

  it('an empty rules value', () => {
    expect(diagnostics('version: 1\nlinux:\n  seccomp:\n    rules:\n')).toEqual([
      '4:11-4:11 error invalid-type: expected a list of rules, got an empty value; write [] for an empty list',
    ]);
  });

  it('missing or empty target.command', () => {
    expect(diagnostics('version: 1\ntarget:\n  cwd: /\n')).toEqual([
      '2:1-2:7 error missing-key: missing required key "command"',
    ]);
    expect(diagnostics('version: 1\ntarget: { command: [] }\n')).toEqual([
      '2:20-2:22 error invalid-value: the command must not be empty: give the program and its arguments',
    ]);
  });

  it('unknown syscalls, with a suggestion when one is close', () => {
    expect(
      diagnostics(yaml`
        version: 1
        linux:
          seccomp:
            rules:
              - allow: [opne, frobnicate]
              - errno: EPERM
                syscalls: mkdri
      `),
    ).toEqual([
      '5:17-5:21 error unknown-syscall: unknown syscall "opne"; did you mean open?',
      '5:23-5:33 error unknown-syscall: unknown syscall "frobnicate"',
      '7:19-7:24 error unknown-syscall: unknown syscall "mkdri"; did you mean mkdir?',
    ]);
  });

  it('unknown syscall groups, with a suggestion', () => {
    expect(
      diagnostics(
        'version: 1\nlinux: {seccomp: {rules: [{allow: [read, "@basic-oi", "@nope"]}]}}\n',
      ),
    ).toEqual([
      '2:42-2:53 error unknown-group: unknown syscall group "@basic-oi"; did you mean @basic-io?',
      '2:55-2:62 error unknown-group: unknown syscall group "@nope"',
    ]);
    expect(
      diagnostics('version: 1\nlinux: {seccomp: {rules: [{allow: [chown]}, {allow: [timer]}]}}\n'),
    ).toEqual([
      '2:54-2:59 error unknown-syscall: unknown syscall "timer"; did you mean time?; for the group write "@timer"',
    ]);
  });

  it('unknown or out-of-range errno values', () => {
    expect(
      diagnostics(yaml`
        version: 1
        linux:
          seccomp:
            rules:
              - errno: EACESS
                syscalls: [open]
              - errno: 0
                syscalls: [openat]
              - errno: 4096
                syscalls: [stat]
      `),
    ).toEqual([
      '5:16-5:22 error unknown-errno: unknown errno name "EACESS"; did you mean EACCES?',
      '7:16-7:17 error invalid-errno: errno 0 is out of range; use 1..4095',
      '9:16-9:20 error invalid-errno: errno 4096 is out of range; use 1..4095',
    ]);
  });

  it('bad action strings, listing the valid ones', () => {
    expect(
      diagnostics(yaml`
        version: 1
        linux:
          seccomp:
            default: kill_process
            rules:
              - action: errno EWHAT
                syscalls: [open]
              - action: errno
                syscalls: [stat]
      `),
    ).toEqual([
      '4:14-4:26 error invalid-action: unknown action "kill_process"; did you mean kill-process? (valid actions: kill-process, kill-thread, trap, trap N, errno NAME, errno N, trace N, log, allow, notify)',
      '6:17-6:28 error unknown-errno: unknown errno name "EWHAT"',
      '8:17-8:22 error invalid-action: "errno" needs a value, e.g. "errno EPERM" or "errno 13"',
    ]);
  });

  it('rule shape: one action key, syscalls exactly where needed', () => {
    expect(
      diagnostics(yaml`
        version: 1
        linux:
          seccomp:
            rules:
              - allow: [read]
                action: kill-process
              - errno: EPERM
              - allow: [write]
                syscalls: [close]
              - {}
      `),
    ).toEqual([
      '6:9-6:15 error invalid-rule: a rule takes only one of allow, errno, action; this one already has "allow"',
      '7:9-7:14 error invalid-rule: this rule needs "syscalls": the syscalls that errno applies to',
      '9:9-9:17 error invalid-rule: "syscalls" does not go with "allow": list the syscalls in allow itself',
      '10:9-10:11 error invalid-rule: a rule needs one of allow, errno or action',
    ]);
  });

  it('unknown or unsupported architectures', () => {
    const supported = '(supported: x86_64, i386, x32, aarch64, arm, riscv64)';
    expect(
      diagnostics(
        'version: 1\nlinux:\n  seccomp:\n    arch: [aarch64, x86-64, ppc64le, riscv46]\n',
      ),
    ).toEqual([
      `4:21-4:27 error unsupported-arch: unknown architecture "x86-64"; this is called x86_64 here ${supported}`,
      `4:29-4:36 error unsupported-arch: architecture ppc64le is not supported yet ${supported}`,
      `4:38-4:45 error unsupported-arch: unknown architecture "riscv46"; did you mean riscv64? ${supported}`,
    ]);
    expect(diagnostics('version: 1\nlinux:\n  seccomp:\n    arch: []\n')).toEqual([
      '4:11-4:13 error invalid-value: list at least one architecture',
    ]);
  });

  it('reports every problem at once, in text order, and no policy', () => {
    const result = parsePolicy(yaml`
      version: 1
      linux:
        seccomp:
          rules:
            - allow: [opne]
            - allow: [read]
              extra: 1
    `);
    expect(result.policy).toBeUndefined();
    expect(result.diagnostics.map((d) => d.code)).toEqual(['unknown-syscall', 'unknown-key']);
  });

  it('an alias bomb becomes a diagnostic', () => {
    const lines = ['version: 1', 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) {
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    }
    const result = parsePolicy(lines.join('\n'));
    expect(result.policy).toBeUndefined();
    expect(hasErrors(result.diagnostics)).toBe(true);
  });
});

describe('hasErrors', () => {
  it('is true only for error severity', () => {
    const range = {
      start: { line: 1, column: 1, offset: 0 },
      end: { line: 1, column: 1, offset: 0 },
    };
    expect(hasErrors([])).toBe(false);
    expect(hasErrors([{ severity: 'warning', message: '', code: 'x', range }])).toBe(false);
    expect(hasErrors([{ severity: 'error', message: '', code: 'x', range }])).toBe(true);
  });
});

describe('parsePolicy: YAML references', () => {
  it('an alias before its anchor is an error at the alias', () => {
    expect(diagnostics('version: 1\nname: *n\ntarget: {command: [&n x]}\n')).toEqual([
      '2:7-2:9 error yaml-syntax: unknown alias *n: its anchor &n must come before it',
    ]);
  });
});
