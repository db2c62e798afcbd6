import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addAllowedSyscalls } from './edit';
import { parsePolicy } from './parse';
import { yaml } from './test-helpers';

/** The action of the first rule that lists `name`, as the filter will decide it. */
function verdict(text: string, name: string): string | undefined {
  const rules = parsePolicy(text).policy?.linux.seccomp?.rules ?? [];
  return rules.find((rule) => rule.syscalls.some((s) => s.name === name))?.action.kind;
}

function expectEdit(before: string, names: readonly string[], after: string): void {
  const updated = addAllowedSyscalls(before, names);
  expect(updated).toBe(after);
  const result = parsePolicy(updated);
  expect(result.diagnostics).toEqual([]);
  for (const name of names) expect(verdict(updated, name), name).toBeDefined();
}

describe('addAllowedSyscalls: appending to an existing allow rule', () => {
  it('keeps comments above, inline and below rules in a block list', () => {
    expectEdit(
      yaml`
        version: 1 # format
        linux:
          seccomp:
            # Deny first: the first rule that lists a syscall wins.
            rules:
              - errno: EACCES   # no files
                syscalls: [openat]
              # what ls needs
              - allow:
                  - read    # stdin
                  - write
                # end of the allow list
              - allow: [close]
        # end of file
      `,
      ['mmap', 'brk', 'write', 'openat', 'close'],
      yaml`
        version: 1 # format
        linux:
          seccomp:
            # Deny first: the first rule that lists a syscall wins.
            rules:
              - errno: EACCES   # no files
                syscalls: [openat]
              # what ls needs
              - allow:
                  - read    # stdin
                  - write
                  - brk
                  - mmap
                # end of the allow list
              - allow: [close]
        # end of file
      `,
    );
  });

  it('appends to a flow list on its line, wrapping long lines aligned', () => {
    expectEdit(
      'version: 1\nlinux:\n  seccomp:\n    rules:\n      - allow: [read, write] # basics\n',
      ['exit_group'],
      'version: 1\nlinux:\n  seccomp:\n    rules:\n      - allow: [read, write, exit_group] # basics\n',
    );
    const many = [
      'access',
      'arch_prctl',
      'brk',
      'close',
      'execve',
      'exit_group',
      'fstat',
      'getdents64',
    ];
    expectEdit(
      'version: 1\nlinux:\n  seccomp:\n    rules:\n      - allow: [read, write, lseek, mmap, mprotect, munmap]\n',
      many,
      'version: 1\nlinux:\n  seccomp:\n    rules:\n' +
        '      - allow: [read, write, lseek, mmap, mprotect, munmap, access, arch_prctl, brk, close, execve,\n' +
        '                exit_group, fstat, getdents64]\n',
    );
  });

  it('keeps a one-per-line flow list one per line', () => {
    expectEdit(
      yaml`
        version: 1
        linux:
          seccomp:
            rules:
              - allow: [
                  read,
                  write,
                ]
      `,
      ['close'],
      yaml`
        version: 1
        linux:
          seccomp:
            rules:
              - allow: [
                  read,
                  write,
                  close,
                ]
      `,
    );
  });

  it('fills an empty allow list', () => {
    expectEdit(
      'version: 1\nlinux: {seccomp: {rules: [{allow: []}]}}\n',
      ['write', 'read'],
      'version: 1\nlinux: {seccomp: {rules: [{allow: [read, write]}]}}\n',
    );
  });

  it('turns a single name into a list, keeping its quotes', () => {
    expectEdit(
      'version: 1\nlinux:\n  seccomp:\n    rules:\n      - allow: "read"  # just one\n',
      ['write'],
      'version: 1\nlinux:\n  seccomp:\n    rules:\n      - allow: ["read", write]  # just one\n',
    );
  });

  it('skips a later allow rule in favour of the first pure one', () => {
    const updated = addAllowedSyscalls(
      'version: 1\nlinux:\n  seccomp:\n    rules:\n      - action: allow\n        syscalls: [read]\n      - allow: [write]\n',
      ['close'],
    );
    expect(updated).toContain('- allow: [write, close]');
  });
});

describe('addAllowedSyscalls: creating the allow rule', () => {
  it('inserts it first, above the comments of the first rule', () => {
    expectEdit(
      yaml`
        version: 1
        linux:
          seccomp:
            rules:

              # Files stay closed.
              - errno: EACCES
                syscalls: [openat]
      `,
      ['openat', 'fstat', 'close'],
      yaml`
        version: 1
        linux:
          seccomp:
            rules:

              - allow: [close, fstat]
              # Files stay closed.
              - errno: EACCES
                syscalls: [openat]
      `,
    );
    expect(
      verdict(
        addAllowedSyscalls(
          'version: 1\nlinux: {seccomp: {rules: [{errno: EPERM, syscalls: [openat]}]}}\n',
          ['openat'],
        ),
        'openat',
      ),
    ).toBe('errno');
  });

  it('turns `rules: []` into a block list, keeping its comment', () => {
    expectEdit(
      yaml`
        version: 1
        linux:
          seccomp:
            default: kill-process   # kill the rest
            rules: []  # nothing yet
        # trailing comment
      `,
      ['write', 'read', 'read'],
      yaml`
        version: 1
        linux:
          seccomp:
            default: kill-process   # kill the rest
            rules: # nothing yet
              - allow: [read, write]
        # trailing comment
      `,
    );
  });

  it('adds to a flow rules list inside flow mappings', () => {
    expectEdit(
      '{version: 1, linux: {seccomp: {rules: []}}}',
      ['write'],
      '{version: 1, linux: {seccomp: {rules: [{allow: [write]}]}}}',
    );
    expectEdit(
      'version: 1\nlinux:\n  seccomp:\n    rules: [{errno: EPERM, syscalls: [open]}]\n',
      ['write'],
      'version: 1\nlinux:\n  seccomp:\n    rules: [{allow: [write]}, {errno: EPERM, syscalls: [open]}]\n',
    );
  });

  it('creates rules in an existing seccomp mapping', () => {
    expectEdit(
      'version: 1\nlinux:\n  seccomp:\n    default: errno EPERM # polite\n',
      ['read'],
      'version: 1\nlinux:\n  seccomp:\n    default: errno EPERM # polite\n    rules:\n      - allow: [read]\n',
    );
  });

  it('creates seccomp (with default: kill-process) in an existing linux mapping', () => {
    expectEdit(
      'version: 1\ntarget:\n    command: [/bin/true]\nlinux:\n    no_new_privs: true\n',
      ['exit_group'],
      'version: 1\ntarget:\n    command: [/bin/true]\nlinux:\n    no_new_privs: true\n' +
        '    seccomp:\n        default: kill-process\n        rules:\n            - allow: [exit_group]\n',
    );
    expectEdit(
      'version: 1\nlinux: {}  # empty\n',
      ['write'],
      'version: 1\nlinux: # empty\n  seccomp:\n    default: kill-process\n    rules:\n      - allow: [write]\n',
    );
  });

  it('creates linux when the policy has none, without a final newline too', () => {
    expectEdit(
      'version: 1\nname: none',
      ['write', 'read'],
      'version: 1\nname: none\nlinux:\n  seccomp:\n    default: kill-process\n    rules:\n      - allow: [read, write]',
    );
  });

  it('keeps CRLF line breaks', () => {
    expectEdit(
      'version: 1\r\nlinux:\r\n  seccomp:\r\n    rules:\r\n      - allow:\r\n        - read\r\n',
      ['close'],
      'version: 1\r\nlinux:\r\n  seccomp:\r\n    rules:\r\n      - allow:\r\n        - read\r\n        - close\r\n',
    );
  });
});

describe('addAllowedSyscalls: what it refuses or leaves alone', () => {
  const denying = yaml`
    version: 1
    linux:
      seccomp:
        rules:
          - errno: EACCES
            syscalls: [openat]
          - allow: [read]
  `;

  it('never overrides an explicit deny and returns the text unchanged when nothing is new', () => {
    expect(addAllowedSyscalls(denying, ['openat', 'read', 'read'])).toBe(denying);
    expect(addAllowedSyscalls(denying, [])).toBe(denying);
  });

  it('throws a clear error for a policy with errors', () => {
    expect(() => addAllowedSyscalls('version: 2\n', ['read'])).toThrow(
      /policy has errors.*policy:1:10: error: unsupported policy version 2/,
    );
    expect(() => addAllowedSyscalls('version: [\n', ['read'])).toThrow(/policy has errors/);
    expect(() => addAllowedSyscalls('', ['read'])).toThrow(/empty policy/);
  });

  it('throws for names that are not syscalls', () => {
    expect(() => addAllowedSyscalls(denying, ['read', 'nr_999', '@basic-io'])).toThrow(
      'cannot allow unknown syscalls (not in the x86_64 table): nr_999, @basic-io',
    );
  });
});

describe('addAllowedSyscalls: properties', { timeout: 30_000 }, () => {
  const bases = [
    'version: 1\n',
    'version: 1\nlinux: {}\n',
    'version: 1\nlinux:\n  seccomp: {}\n',
    'version: 1\nlinux:\n  seccomp:\n    rules: []\n',
    'version: 1\nlinux:\n  seccomp:\n    rules:\n      - errno: EPERM\n        syscalls: [mount, open]\n',
    'version: 1\nlinux:\n  seccomp:\n    rules:\n      - allow: read\n      - action: trap\n        syscalls: write\n',
    'version: 1\nlinux:\n  seccomp:\n    rules:\n      - allow:\n          - read\n',
    '{version: 1, linux: {seccomp: {default: allow}}}',
    'version: 1\nlinux: {seccomp: {rules: [{allow: [close]}]}}\n',
  ];
  const names = fc.array(
    fc.constantFrom(
      'read',
      'write',
      'open',
      'openat',
      'mount',
      'close',
      'brk',
      'mmap',
      'exit_group',
    ),
    { maxLength: 8 },
  );

  it('allows every new name, keeps every earlier verdict, and is idempotent', () => {
    fc.assert(
      fc.property(fc.constantFrom(...bases), names, (base, added) => {
        const updated = addAllowedSyscalls(base, added);
        expect(parsePolicy(updated).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        for (const name of added) {
          expect(verdict(updated, name)).toBe(verdict(base, name) ?? 'allow');
        }
        expect(addAllowedSyscalls(updated, added)).toBe(updated);
      }),
      { numRuns: 300 },
    );
  });
});

describe('addAllowedSyscalls: on random edits of valid policies', { timeout: 30_000 }, () => {
  const base = yaml`
    version: 1
    target:
      command: [/bin/ls, /]
    linux:
      seccomp:
        default: kill-process
        rules:
          - errno: EACCES
            syscalls: [openat]
          - allow: [read, write]
  `;
  const piece = fc.constantFrom(
    ' ',
    '\n',
    '# c\n',
    '  ',
    '- ',
    '[]',
    '{}',
    ',',
    'close',
    ':',
    '"',
    '\n      ',
  );

  it('either refuses (policy has errors) or allows the names, never anything else', () => {
    const mutation = fc.record({
      at: fc.nat({ max: base.length }),
      remove: fc.nat({ max: 6 }),
      insert: piece,
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        let text = base;
        for (const m of mutations) {
          const at = Math.min(m.at, text.length);
          text = text.slice(0, at) + m.insert + text.slice(at + m.remove);
        }
        if (!parsePolicy(text).policy) {
          expect(() => addAllowedSyscalls(text, ['brk'])).toThrow(/policy has errors/);
          return;
        }
        const updated = addAllowedSyscalls(text, ['brk', 'mmap']);
        expect(verdict(updated, 'brk')).toBe('allow');
        expect(verdict(updated, 'mmap')).toBe('allow');
      }),
      { numRuns: 1500 },
    );
  });
});

describe('addAllowedSyscalls: YAML aliases', () => {
  it('does not extend a list reused through an alias', () => {
    const text = yaml`
      version: 1
      linux:
        seccomp:
          rules:
            - errno: EPERM
              syscalls: &denied [mount]
            - errno: EPERM
              syscalls: [&m umount2]
            - allow: *denied
            - allow: [read, *m]
    `;
    const updated = addAllowedSyscalls(text, ['brk']);
    expect(updated).toContain('syscalls: &denied [mount]');
    expect(updated).toContain('- allow: [read, *m, brk]');
    expect(verdict(updated, 'brk')).toBe('allow');
  });
});

describe('addAllowedSyscalls: groups, conditions, arches and includes', () => {
  it('counts group members as handled and appends after a quoted group', () => {
    expect(
      addAllowedSyscalls(
        'version: 1\nlinux:\n  seccomp:\n    rules:\n      - allow: "@basic-io"\n',
        ['openat', 'read'],
      ),
    ).toBe('version: 1\nlinux:\n  seccomp:\n    rules:\n      - allow: ["@basic-io", openat]\n');
  });

  it('leaves a conditional rule alone: it is not a pure allow list, and its syscall is handled', () => {
    expect(
      addAllowedSyscalls(
        'version: 1\nlinux:\n  seccomp:\n    rules:\n      - allow: mmap\n        when: "arg0 == 0"\n',
        ['openat', 'mmap'],
      ),
    ).toBe(
      'version: 1\nlinux:\n  seccomp:\n    rules:\n      - allow: [openat]\n      - allow: mmap\n        when: "arg0 == 0"\n',
    );
  });

  it("checks names against the policy's arches", () => {
    expect(() =>
      addAllowedSyscalls('version: 1\nlinux:\n  seccomp:\n    arch: [aarch64]\n', ['open']),
    ).toThrow('cannot allow unknown syscalls (not in the aarch64 table): open');
  });

  it('reads includes with the reader it is given; included rules count as handled', () => {
    const text = 'version: 1\ninclude: [base.yaml]\nlinux:\n  seccomp:\n    rules: []\n';
    const options = {
      path: '/p/main.yaml',
      readInclude: () => 'version: 1\nlinux: {seccomp: {rules: [{allow: [read]}]}}\n',
    };
    expect(addAllowedSyscalls(text, ['read', 'close'], options)).toBe(
      text.replace('rules: []', 'rules:\n      - allow: [close]'),
    );
    expect(() => addAllowedSyscalls(text, ['close'])).toThrow(/include-unavailable|cannot include/);
  });
});
