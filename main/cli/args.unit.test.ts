import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './args';
import { UsageError } from './cli-error';

function usageError(argv: string[]): UsageError {
  try {
    parseCliArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
}

describe('parseCliArgs', () => {
  it('parses help and version', () => {
    expect(parseCliArgs([])).toEqual({ kind: 'help' });
    expect(parseCliArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseCliArgs(['help', 'learn'])).toEqual({ kind: 'help', topic: 'learn' });
    expect(parseCliArgs(['check', '-h'])).toEqual({ kind: 'help', topic: 'check' });
    expect(parseCliArgs(['serve', '--help'])).toEqual({ kind: 'help', topic: 'serve' });
    expect(parseCliArgs(['--version'])).toEqual({ kind: 'version' });
  });

  it('parses learn with its flags and the program after --', () => {
    expect(parseCliArgs(['learn', 'p.sandbox.yaml'])).toEqual({
      kind: 'learn',
      policy: 'p.sandbox.yaml',
      json: false,
      update: false,
    });
    expect(
      parseCliArgs(['learn', '--json', 'p.sandbox.yaml', '--update', '--', 'ls', '-la', '--', '/']),
    ).toEqual({
      kind: 'learn',
      policy: 'p.sandbox.yaml',
      json: true,
      update: true,
      command: ['ls', '-la', '--', '/'],
    });
  });

  it('parses check and compile', () => {
    expect(parseCliArgs(['check', 'p.yaml', '--', '/bin/true'])).toEqual({
      kind: 'check',
      policy: 'p.yaml',
      json: false,
      command: ['/bin/true'],
    });
    expect(parseCliArgs(['compile', 'p.yaml'])).toEqual({
      kind: 'compile',
      policy: 'p.yaml',
      format: 'disasm',
    });
    expect(parseCliArgs(['compile', 'p.yaml', '--format', 'hex'])).toEqual({
      kind: 'compile',
      policy: 'p.yaml',
      format: 'hex',
    });
    expect(parseCliArgs(['compile', '--format=json', 'p.yaml'])).toMatchObject({ format: 'json' });
  });

  it('parses serve', () => {
    expect(parseCliArgs(['serve'])).toEqual({
      kind: 'serve',
      port: 0,
      host: '127.0.0.1',
      open: false,
    });
    expect(
      parseCliArgs(['serve', '--port', '8080', '--host', '::1', '--workspace', 'ex', '--open']),
    ).toEqual({
      kind: 'serve',
      port: 8080,
      host: '::1',
      workspace: 'ex',
      open: true,
    });
  });

  it('refuses what it does not understand, naming the problem and the command', () => {
    expect(usageError(['frobnicate']).message).toBe('unknown command frobnicate');
    expect(usageError(['--frob']).message).toBe('unknown option --frob');
    expect(usageError(['learn', 'p.yaml', '--frob'])).toMatchObject({
      message: 'unknown option --frob',
      command: 'learn',
      exitCode: 2,
    });
    expect(usageError(['learn']).message).toBe('learn needs a POLICY file');
    expect(usageError(['learn', 'p.yaml', 'ls']).message).toBe(
      'unexpected argument ls (put the program after --)',
    );
    expect(usageError(['learn', 'p.yaml', '--']).message).toBe(
      'nothing after --: give the program to run',
    );
    expect(usageError(['compile', 'p.yaml', '--', 'ls']).message).toMatch(
      /compile does not run a program/,
    );
    expect(usageError(['compile', 'p.yaml', '--format', 'elf']).message).toBe(
      '--format must be one of disasm, hex, json (got elf)',
    );
    expect(usageError(['serve', '--port', '70000']).message).toMatch(/--port must be a number/);
    expect(usageError(['serve', '--port', '-1']).message).toMatch(/--port/);
    expect(usageError(['serve', 'extra']).message).toBe('serve takes no arguments (got extra)');
    expect(usageError(['check', 'p.yaml', '--json=yes']).message).toMatch(/json/);
    expect(usageError(['help', 'nope']).message).toBe('unknown command nope');
  });
});
