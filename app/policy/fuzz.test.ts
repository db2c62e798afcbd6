import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasErrors, parsePolicy } from './parse';
import { yaml } from './test-helpers';

const VALID = yaml`
  version: 1
  name: fuzz
  target:
    command: [/bin/ls, /]
    env: { LANG: C }
  linux:
    no_new_privs: true
    seccomp:
      arch: [x86_64]
      default: kill-process
      rules:
        - allow: [read, write, exit_group]
        - errno: EACCES
          syscalls: [open, openat]
        - action: errno 13
          syscalls: stat
        - allow: ["@basic-io", mmap]
          when: "(arg2 & ~(PROT_READ|PROT_WRITE)) == 0 && arg1 in {1, 0x10}"
        - action: trap 7
          syscalls: [ioctl]
          when: 'allof((int)arg1, TCGETS) || !(arg0 < -1)'
`;

/** Every result is well formed: policy exactly when there is no error, ranges inside the text. */
function checkResult(text: string): void {
  const result = parsePolicy(text);
  expect(result.policy !== undefined).toBe(!hasErrors(result.diagnostics));
  for (const d of result.diagnostics) {
    expect(d.range.start.line).toBeGreaterThanOrEqual(1);
    expect(d.range.start.column).toBeGreaterThanOrEqual(1);
    expect(d.range.start.offset).toBeLessThanOrEqual(d.range.end.offset);
    expect(d.range.end.offset).toBeLessThanOrEqual(text.length);
    expect(d.code).not.toBe('internal-error');
  }
}

const yamlish = fc.oneof(
  fc.constantFrom(
    ':',
    '- ',
    '[',
    ']',
    '{',
    '}',
    ',',
    '#',
    '&a ',
    '*a',
    '!!str ',
    '"',
    "'",
    '\n',
    '  ',
    '\t',
    '@',
    '---\n',
    'allow',
    'errno',
    'syscalls',
    'rules',
    'null',
    '~',
    '0',
    '-1',
    '1e9',
    'when: ',
    'arg0',
    '==',
    '&',
    '~',
    '(int)',
    ' in {',
    'MAP_PRIVATE',
    '@basic-io',
    'include: ',
    '\\x41',
  ),
  fc.string({ maxLength: 4 }),
);

describe('parsePolicy never throws', { timeout: 30_000 }, () => {
  it('starts from a valid policy', () => {
    expect(hasErrors(parsePolicy(VALID).diagnostics)).toBe(false);
  });

  it('on random strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), checkResult), { numRuns: 500 });
  });

  it('on random YAML-like token soup', () => {
    fc.assert(
      fc.property(fc.array(yamlish, { maxLength: 60 }), (parts) => checkResult(parts.join(''))),
      { numRuns: 500 },
    );
  });

  it('on mutations of a valid policy', () => {
    const mutation = fc.record({
      at: fc.nat({ max: VALID.length }),
      remove: fc.nat({ max: 8 }),
      insert: yamlish,
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        let text = VALID;
        for (const m of mutations) {
          const at = Math.min(m.at, text.length);
          text = text.slice(0, at) + m.insert + text.slice(at + m.remove);
        }
        checkResult(text);
      }),
      { numRuns: 1000 },
    );
  });

  it('on random JSON values as documents', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => checkResult(JSON.stringify(value))),
      { numRuns: 300 },
    );
  });

  it('on structurally plausible random policies', () => {
    const name = fc.constantFrom('read', 'write', 'opne', '@io', 'openat', '', 'close');
    const list = fc.oneof(name, fc.array(name, { maxLength: 4 }), fc.integer(), fc.constant(null));
    const rule = fc.record(
      {
        allow: list,
        errno: fc.oneof(fc.constantFrom('EPERM', 'EWHAT'), fc.integer({ min: -2, max: 5000 })),
        action: fc.constantFrom('kill-process', 'errno EPERM', 'trap', 'bogus', 'errno'),
        syscalls: list,
        when: fc.oneof(
          fc.constantFrom(
            'arg0 == 1',
            'arg1 in {TCGETS, FIONREAD}',
            '(int)arg0 == AT_FDCWD',
            'arg2 == 0x100000000',
            'arg0 == NOPE',
            'arg9 == 1',
            '((',
          ),
          fc.string({ maxLength: 12 }),
          fc.integer(),
        ),
        other: fc.boolean(),
      },
      { requiredKeys: [] },
    );
    const policy = fc.record(
      {
        version: fc.constantFrom(1, 2, '1'),
        include: fc.oneof(
          fc.array(fc.constantFrom('a.yaml', 'b.yaml', 'self.yaml', 'missing')),
          fc.string(),
        ),
        intent: fc.array(fc.constantFrom('no-new-programs', 'nope')),
        linux: fc.record(
          {
            no_new_privs: fc.oneof(fc.boolean(), fc.string()),
            seccomp: fc.record(
              {
                arch: fc.array(fc.constantFrom('x86_64', 'aarch64', 'i386', 'arm', 'foo'), {
                  maxLength: 3,
                }),
                bad_arch: fc.constantFrom('kill-process', 'trace 1', 'trap 99999'),
                default: fc.constantFrom('kill-process', 'errno 13', 'nope'),
                rules: fc.oneof(fc.array(rule, { maxLength: 4 }), fc.string()),
              },
              { requiredKeys: [] },
            ),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(policy, (value) => checkResult(JSON.stringify(value))),
      { numRuns: 1000 },
    );
  });

  it('with includes of random files, cycles included', () => {
    const fragment = fc.oneof(
      fc.constant('version: 1\nlinux: {seccomp: {rules: [{allow: [read]}]}}\n'),
      fc.constant('version: 1\ninclude: [self.yaml]\n'),
      fc.constant('version: 1\ninclude: [a.yaml, b.yaml]\n'),
      fc.string({ maxLength: 40 }),
    );
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('a.yaml', 'b.yaml', 'self.yaml'), fragment),
        (fs) => {
          const readInclude = (path: string) => fs[path] ?? { error: 'no such file' };
          for (const text of Object.values(fs)) {
            const result = parsePolicy(text, { readInclude, path: 'self.yaml' });
            expect(result.policy !== undefined).toBe(!hasErrors(result.diagnostics));
            for (const d of result.diagnostics) expect(d.code).not.toBe('internal-error');
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
