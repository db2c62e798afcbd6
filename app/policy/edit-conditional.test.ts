import { describe, expect, it } from 'vitest';
import { insertRule, RuleEditError, ruleText } from './edit-conditional';
import { parsePolicy } from './parse';
import { yaml } from './test-helpers';

const IOCTL = ruleText({ action: 'allow', syscalls: ['ioctl'], when: 'arg1 in {TCGETS}' });

/** The inserted rule's text must be the rule, and the result a policy without errors. */
function expectInsert(
  before: string,
  rule: string,
  placement: Parameters<typeof insertRule>[2],
  after: string,
): void {
  const result = insertRule(before, rule, placement);
  expect(result.text).toBe(after);
  expect(parsePolicy(result.text).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const inserted = parsePolicy(result.text).policy?.linux.seccomp?.rules.find(
    (r) => r.range.start.offset >= result.start && r.range.start.offset < result.end,
  );
  expect(inserted).toBeDefined();
}

describe('ruleText', () => {
  it('writes allow rules with their condition, and other actions with syscalls', () => {
    expect(IOCTL).toBe('allow: ioctl\nwhen: "arg1 in {TCGETS}"');
    expect(ruleText({ action: 'allow', syscalls: ['read', 'write'] })).toBe('allow: [read, write]');
    expect(ruleText({ action: 'errno ENOSYS', syscalls: ['clone3'] })).toBe(
      'errno: ENOSYS\nsyscalls: clone3',
    );
    expect(ruleText({ action: 'kill-thread', syscalls: ['ptrace'] })).toBe(
      'action: kill-thread\nsyscalls: ptrace',
    );
  });

  it('quotes what YAML would read as something else', () => {
    expect(ruleText({ action: 'allow', syscalls: ['@basic-io', 'null'] })).toBe(
      'allow: ["@basic-io", "null"]',
    );
  });
});

describe('insertRule into a block list', () => {
  const policy = yaml`
    version: 1 # format
    linux:
      seccomp:
        default: kill-process
        rules:
          - allow: [read, write] # basics
          # files are off limits
          - errno: EACCES
            syscalls: [openat, ioctl]
          - allow: [close]
    # end of file
  `;

  it('appends at the end when no rule lists the syscall, keeping every comment', () => {
    expectInsert(
      policy,
      IOCTL,
      { beforeRuleListing: ['fcntl'] },
      yaml`
        version: 1 # format
        linux:
          seccomp:
            default: kill-process
            rules:
              - allow: [read, write] # basics
              # files are off limits
              - errno: EACCES
                syscalls: [openat, ioctl]
              - allow: [close]
              - allow: ioctl
                when: "arg1 in {TCGETS}"
        # end of file
      `,
    );
  });

  it("goes before the first rule listing the syscall, above that rule's comments", () => {
    expectInsert(
      policy,
      IOCTL,
      { beforeRuleListing: ['ioctl'] },
      yaml`
        version: 1 # format
        linux:
          seccomp:
            default: kill-process
            rules:
              - allow: [read, write] # basics
              - allow: ioctl
                when: "arg1 in {TCGETS}"
              # files are off limits
              - errno: EACCES
                syscalls: [openat, ioctl]
              - allow: [close]
        # end of file
      `,
    );
    const updated = insertRule(policy, IOCTL, { beforeRuleListing: ['ioctl'] }).text;
    const rules = parsePolicy(updated).policy?.linux.seccomp?.rules ?? [];
    expect(rules.map((r) => r.action.kind)).toEqual(['allow', 'allow', 'errno', 'allow']);
    expect(rules[1]?.condition?.text).toBe('arg1 in {TCGETS}');
  });

  it('takes a rule written as a list item, re-indented to the list', () => {
    const rule = '  - allow: fcntl\n    when: "arg1 == F_GETFD"   # as seen\n';
    const updated = insertRule(policy, rule).text;
    expect(updated).toContain(
      '      - allow: [close]\n      - allow: fcntl\n        when: "arg1 == F_GETFD"   # as seen\n',
    );
  });

  it('keeps CRLF line ends', () => {
    const crlf = policy.replace(/\n/g, '\r\n');
    const updated = insertRule(crlf, IOCTL).text;
    expect(updated).toContain('\r\n      - allow: ioctl\r\n        when: "arg1 in {TCGETS}"\r\n');
    expect(updated.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it("follows a list whose dashes sit at the key's column", () => {
    const flat = yaml`
      linux:
        seccomp:
          rules:
          - allow: [read]
      version: 1
    `;
    expectInsert(
      flat,
      IOCTL,
      {},
      yaml`
        linux:
          seccomp:
            rules:
            - allow: [read]
            - allow: ioctl
              when: "arg1 in {TCGETS}"
        version: 1
      `,
    );
  });
});

describe('insertRule into flow lists and missing lists', () => {
  it('adds to a flow list, before a rule or at its end', () => {
    const flow =
      'version: 1\nlinux: {seccomp: {default: kill-process, rules: [{allow: [read]}, {errno: EPERM, syscalls: [ioctl]}]}}\n';
    expect(insertRule(flow, IOCTL, { beforeRuleListing: ['ioctl'] }).text).toBe(
      'version: 1\nlinux: {seccomp: {default: kill-process, rules: [{allow: [read]}, {allow: ioctl, when: "arg1 in {TCGETS}"}, {errno: EPERM, syscalls: [ioctl]}]}}\n',
    );
    expect(insertRule(flow, 'allow: fcntl').text).toBe(
      'version: 1\nlinux: {seccomp: {default: kill-process, rules: [{allow: [read]}, {errno: EPERM, syscalls: [ioctl]}, {allow: fcntl}]}}\n',
    );
  });

  it('fills an empty list', () => {
    const empty = yaml`
      version: 1
      linux:
        seccomp:
          default: kill-process
          rules: [] # nothing yet
    `;
    const result = insertRule(empty, IOCTL);
    expect(result.text).toContain(
      'rules: [{allow: ioctl, when: "arg1 in {TCGETS}"}] # nothing yet',
    );
    expect(parsePolicy(result.text).policy?.linux.seccomp?.rules).toHaveLength(1);
  });

  it('creates the rules list of a seccomp section that has none', () => {
    expectInsert(
      yaml`
        version: 1
        linux:
          seccomp:
            default: errno EPERM # everything fails
        name: x
      `,
      IOCTL,
      {},
      yaml`
        version: 1
        linux:
          seccomp:
            default: errno EPERM # everything fails
            rules:
              - allow: ioctl
                when: "arg1 in {TCGETS}"
        name: x
      `,
    );
    const flow = 'version: 1\nlinux: {seccomp: {default: kill-process}}\n';
    expect(insertRule(flow, IOCTL).text).toBe(
      'version: 1\nlinux: {seccomp: {default: kill-process, rules: [{allow: ioctl, when: "arg1 in {TCGETS}"}]}}\n',
    );
  });
});

describe('insertRule refuses what would not be a valid policy', () => {
  const policy =
    'version: 1\nlinux:\n  seccomp:\n    default: kill-process\n    rules:\n      - allow: [read]\n';

  function failure(before: string, rule: string): RuleEditError {
    try {
      insertRule(before, rule);
    } catch (error) {
      if (error instanceof RuleEditError) return error;
      throw error;
    }
    throw new Error('expected a RuleEditError');
  }

  it('points at the line of the rule that is wrong', () => {
    const error = failure(policy, 'allow: ioctl\nwhen: "arg1 in {TCGETZ}"');
    expect(error.message).toMatch(/^rule line 2: .*TCGETZ/);
    expect(error.diagnostic?.severity).toBe('error');
  });

  it('says when the rule is not YAML, or not one mapping', () => {
    expect(failure(policy, 'allow: [').message).toMatch(/not valid YAML/);
    expect(failure(policy, '- allow: read\n- allow: write').message).toMatch(/not valid YAML/);
    expect(failure(policy, 'ioctl').message).toMatch(/one mapping/);
    expect(failure(policy, '   ').message).toBe('the rule is empty');
  });

  it('rejects a rule the schema does not accept', () => {
    expect(failure(policy, 'allow: ioctl\nerrno: EPERM').message).toMatch(
      /rule line 2|only one of/,
    );
  });

  it('refuses to edit a policy that has errors, or has no seccomp section', () => {
    expect(failure(policy.replace('[read]', '[reed]'), IOCTL).message).toMatch(/has errors/);
    expect(failure('version: 1\n', IOCTL).message).toMatch(/no linux.seccomp section/);
  });

  it('leaves the rest of the text byte for byte', () => {
    const result = insertRule(policy, IOCTL);
    expect(result.text.slice(0, policy.length)).toBe(policy);
  });
});
