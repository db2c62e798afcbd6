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
      all: false,
      update: false,
    });
    expect(
      parseCliArgs(['learn', '--json', 'p.sandbox.yaml', '--update', '--', 'ls', '-la', '--', '/']),
    ).toEqual({
      kind: 'learn',
      policy: 'p.sandbox.yaml',
      json: true,
      all: false,
      update: true,
      command: ['ls', '-la', '--', '/'],
    });
  });

  it('parses check and compile', () => {
    expect(parseCliArgs(['check', 'p.yaml', '--', '/bin/true'])).toEqual({
      kind: 'check',
      policy: 'p.yaml',
      json: false,
      all: false,
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

  it('parses compile options and the BPF tools', () => {
    expect(parseCliArgs(['compile', 'p.yaml', '--arch', 'i386', '-f', 'c-array'])).toEqual({
      kind: 'compile',
      policy: 'p.yaml',
      format: 'c-array',
      arch: 'i386',
    });
    expect(parseCliArgs(['disasm', 'f.bpf'])).toEqual({ kind: 'disasm', file: 'f.bpf' });
    expect(parseCliArgs(['disasm', '-', '-a', 'aarch64'])).toEqual({
      kind: 'disasm',
      file: '-',
      arch: 'aarch64',
    });
    expect(parseCliArgs(['asm', 'f.asm'])).toEqual({ kind: 'asm', file: 'f.asm', format: 'hex' });
    expect(parseCliArgs(['asm', 'f.asm', '--format', 'binary'])).toMatchObject({
      format: 'binary',
    });
    expect(parseCliArgs(['decompile', 'f.bpf', '--arch', 'x32'])).toEqual({
      kind: 'decompile',
      file: 'f.bpf',
      arch: 'x32',
    });
    expect(parseCliArgs(['help', 'decompile'])).toEqual({ kind: 'help', topic: 'decompile' });
  });

  it('parses simulate with its syscall, arguments and arch', () => {
    expect(parseCliArgs(['simulate', 'p.yaml', '--nr', 'openat'])).toEqual({
      kind: 'simulate',
      policy: 'p.yaml',
      nr: 'openat',
      args: [],
      trace: false,
    });
    expect(
      parseCliArgs(['simulate', 'p.yaml', '-n', '257', '--args=-100,0x10,7', '-a', 'i386', '-t']),
    ).toEqual({
      kind: 'simulate',
      policy: 'p.yaml',
      nr: '257',
      args: [0xffffffffffffff9cn, 16n, 7n],
      arch: 'i386',
      trace: true,
    });
    expect(usageError(['simulate', 'p.yaml']).message).toBe(
      'simulate needs --nr N or --nr NAME (the syscall to try)',
    );
    expect(usageError(['simulate', 'p.yaml', '--nr', '1', '--args', '1,2,3,4,5,6,7']).message).toBe(
      '--args takes at most 6 values (got 7)',
    );
    expect(usageError(['simulate', 'p.yaml', '--nr', '1', '--args', 'x']).message).toMatch(
      /--args: "x" is not a 64-bit number/,
    );
    expect(
      usageError(['simulate', 'p.yaml', '--nr', '1', '--args', '0x10000000000000000']).message,
    ).toMatch(/not a 64-bit number/);
  });

  it('refuses bad arches, formats and missing files for the BPF tools', () => {
    expect(usageError(['disasm']).message).toBe(
      'disasm needs a FILE (a BPF program; - reads standard input)',
    );
    expect(usageError(['disasm', 'a', 'b']).message).toBe('unexpected argument b');
    expect(usageError(['decompile', 'f', '--arch', 'sparc'])).toMatchObject({
      message: expect.stringMatching(/^--arch must be one of x86_64, .* \(got sparc\)$/),
      command: 'decompile',
    });
    expect(usageError(['asm', 'f', '--format', 'elf']).message).toBe(
      '--format must be one of hex, binary (got elf)',
    );
    expect(usageError(['asm', 'f', '--', 'x']).message).toMatch(/asm does not run a program/);
  });

  it('parses import, export (formats and code) and audit, and refuses bad input', () => {
    expect(
      parseCliArgs(['import', 'oci', 'p.json', '--caps', 'CAP_KILL,NET_RAW', '--arch', 'i386']),
    ).toEqual({
      kind: 'import',
      format: 'oci',
      file: 'p.json',
      caps: ['CAP_KILL', 'NET_RAW'],
      arch: 'i386',
    });
    expect(parseCliArgs(['export', 'systemd', 'p.yaml', '--conditional', 'allow'])).toEqual({
      kind: 'export',
      format: 'systemd',
      policy: 'p.yaml',
      conditional: 'allow',
    });
    expect(parseCliArgs(['export', 'c', 'p.yaml', '--no-tsync'])).toEqual({
      kind: 'export-code',
      language: 'c',
      policy: 'p.yaml',
      tsync: false,
    });
    expect(parseCliArgs(['audit', '42', '--json'])).toEqual({ kind: 'audit', pid: 42, json: true });
    expect(usageError(['import', 'docx', 'f']).message).toMatch(/import needs a FORMAT: oci, k8s/);
    expect(usageError(['import', 'oci']).message).toMatch(/needs a FILE/);
    expect(usageError(['export', 'strace', 'p.yaml']).message).toMatch(/export FORMAT is one of/);
    expect(usageError(['export', 'oci']).message).toMatch(/needs FORMAT and POLICY/);
    expect(usageError(['export', 'systemd', 'p.yaml', '--conditional', 'maybe']).message).toBe(
      '--conditional is allow or deny',
    );
    expect(usageError(['audit', 'self']).message).toMatch(/id of a running process/);
    expect(usageError(['audit', '0']).message).toMatch(/id of a running process/);
    expect(usageError(['audit', '1', '2']).message).toMatch(/unexpected argument 2/);
  });

  it('parses serve', () => {
    expect(parseCliArgs(['serve'])).toEqual({
      kind: 'serve',
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
      '--format must be one of disasm, hex, c-array, json (got elf)',
    );
    expect(usageError(['serve', '--port', '70000']).message).toMatch(/--port must be a number/);
    expect(usageError(['serve', '--port', '-1']).message).toMatch(/--port/);
    expect(usageError(['serve', 'extra']).message).toBe('serve takes no arguments (got extra)');
    expect(usageError(['check', 'p.yaml', '--json=yes']).message).toMatch(/json/);
    expect(usageError(['help', 'nope']).message).toBe('unknown command nope');
  });
});
