import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { yaml } from '../policy/test-helpers';
import { instantiatePolicy, yamlDoubleQuoted } from './instantiate';

const POLICY = yaml`
  # the program: {{target}} (comments stay as they are)
  version: 1
  target:
    command: ['{{target}}', --flag]
    cwd: "/tmp"
  linux:
    landlock:
      read: [/etc/os-release, '{{target}}']
      execute:
        - "{{target}}"
`;

describe('instantiatePolicy', () => {
  it('puts the path in every string that holds the placeholder, and leaves the rest alone', () => {
    const text = instantiatePolicy(POLICY, '/home/me/.cache/lessons/ab12/landlock');
    expect(text).toBe(yaml`
      # the program: {{target}} (comments stay as they are)
      version: 1
      target:
        command: ["/home/me/.cache/lessons/ab12/landlock", --flag]
        cwd: "/tmp"
      linux:
        landlock:
          read: [/etc/os-release, "/home/me/.cache/lessons/ab12/landlock"]
          execute:
            - "/home/me/.cache/lessons/ab12/landlock"
    `);
  });

  it('keeps a path with quotes, colons, #, spaces, backslashes and line breaks one string', () => {
    const path = '/tmp/a b/c"d\'e#f: g\\h\ni\tj\u007f\u0085\u2028k\ufeff😀';
    const parsed = parse(instantiatePolicy(POLICY, path)) as {
      target: { command: string[] };
      linux: { landlock: { read: string[]; execute: string[] } };
    };
    expect(parsed.target.command).toEqual([path, '--flag']);
    expect(parsed.linux.landlock.read).toEqual(['/etc/os-release', path]);
    expect(parsed.linux.landlock.execute).toEqual([path]);
  });

  it('replaces the placeholder inside a longer string', () => {
    const text = instantiatePolicy("env: { PROGRAM: 'run {{target}} twice: {{target}}' }\n", '/p');
    expect(parse(text)).toEqual({ env: { PROGRAM: 'run /p twice: /p' } });
  });

  it('keeps the placeholder, quoted, when there is no program yet', () => {
    const text = instantiatePolicy(POLICY, null);
    expect(text).toContain('command: ["{{target}}", --flag]');
    expect((parse(text) as { target: { command: string[] } }).target.command[0]).toBe('{{target}}');
  });

  it('leaves a bare {{target}} (a YAML flow mapping, not a string) for the policy check to flag', () => {
    const text = 'target:\n  command: [{{target}}]\n';
    expect(instantiatePolicy(text, '/p')).toBe(text);
  });

  it('leaves text without the placeholder, broken YAML included, byte for byte', () => {
    for (const text of ['version: 1\n', 'a: [unclosed\n  b: "x', '', '# only a comment']) {
      expect(instantiatePolicy(text, '/p')).toBe(text);
    }
  });

  it('round-trips any path through YAML', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (path) => {
        const text = instantiatePolicy("command: ['{{target}}', x]\n", path);
        expect(parse(text)).toEqual({ command: [path, 'x'] });
      }),
    );
  });
});

describe('yamlDoubleQuoted', () => {
  it('escapes what YAML does not take as it is', () => {
    expect(yamlDoubleQuoted('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(yamlDoubleQuoted('\n\t\u0000\u007f\u0085\ufeff')).toBe(
      '"\\x0a\\x09\\x00\\x7f\\x85\\ufeff"',
    );
    expect(yamlDoubleQuoted('é😀')).toBe('"é😀"');
  });

  it('parses back to the same string, for any string of code points', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (text) => {
        expect(parse(yamlDoubleQuoted(text))).toBe(text);
      }),
    );
  });
});
