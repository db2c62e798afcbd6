import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assemble } from '../../app/bpf/asm';
import { decodeProgram, encodeProgram } from '../../app/bpf/encode';
import { runCli } from './run-cli';

const POLICY = `version: 1
linux:
  seccomp:
    arch: [x86_64, i386]
    default: errno EPERM
    rules:
      - allow: [read, write, exit_group]
      - errno: EACCES
        syscalls: [openat]
      - allow: [mmap]
        when: "arg2 & 4 == 0"
`;

const ASM = `A = arch
if (A != ARCH_X86_64) goto dead
A = sys_number
if (A >= 0x40000000) goto dead
if (A == write) goto ok
return ERRNO(5)
ok: return ALLOW
dead: return KILL
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'studio-bpf-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function cli(argv: string[], stdin?: Uint8Array) {
  const io = { out: '', err: '', bytes: [] as Uint8Array[] };
  const code = await runCli(argv, {
    io: {
      stdout: (t) => void (io.out += t),
      stderr: (t) => void (io.err += t),
      stdoutBytes: (b) => void io.bytes.push(b),
      readStdin: () => Promise.resolve(stdin ?? new Uint8Array()),
    },
  });
  return { code, ...io };
}

describe('compile', () => {
  it('prints C, hex, JSON and one arch only', async () => {
    const policy = await file('p.sandbox.yaml', POLICY);
    const c = await cli(['compile', policy, '--format', 'c-array']);
    expect(c.code).toBe(0);
    expect(c.out).toMatch(/^\/\* Needs <linux\/filter.h>/);
    expect(c.out).toContain('struct sock_fprog filter_prog = {');
    expect(c.err).toMatch(/^x86_64, i386: \d+ instructions, verified\n$/);
    const i386 = await cli(['compile', policy, '--arch', 'i386']);
    expect(i386.out).toContain('ARCH_I386');
    expect(i386.err).toMatch(/^i386: \d+ instructions, verified\n$/);
    const refused = await cli(['compile', policy, '--arch', 'aarch64']);
    expect(refused.code).toBe(2);
    expect(refused.err).toBe(
      `${policy}: error: the policy does not list aarch64 (it lists x86_64, i386)\n`,
    );
  });
});

describe('asm and disasm', () => {
  it('assembles to hex and binary, and lists both', async () => {
    const source = await file('f.asm', ASM);
    const hex = await cli(['asm', source]);
    expect(hex.code).toBe(0);
    expect(hex.out.split('\n')[0]).toBe('0x20 0x00 0x00 0x00000004');
    expect(hex.err).toBe('8 instructions, verified\n');
    const binary = await cli(['asm', source, '--format', 'binary']);
    expect(binary.out).toBe('');
    const bytes = binary.bytes[0] ?? new Uint8Array();
    expect(bytes).toHaveLength(64);

    const fromBinary = await cli(['disasm', await file('f.bpf', bytes)]);
    const fromHex = await cli(['disasm', await file('f.hex', hex.out)]);
    expect(fromBinary.code).toBe(0);
    expect(fromBinary.out).toBe(fromHex.out);
    expect(fromBinary.out).toContain(' 0004: 0x15 0x01 0x00 0x00000001  if (A == write) goto 0006');
    expect(fromBinary.err).toBe('');
    const fromStdin = await cli(['disasm', '-'], bytes);
    expect(fromStdin.out).toBe(fromBinary.out);
  });

  it('reports assembly errors as FILE:LINE:COL and lists a refused filter with the reasons', async () => {
    const bad = await file(
      'bad.asm',
      'A = sys_number\nif (A == nosuch) goto 0003\nreturn KILL\nreturn ALLOW\n',
    );
    const r = await cli(['asm', bad]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`${bad}:2:10: error: unknown syscall or constant "nosuch" on x86_64\n`);

    const refused = await cli(['disasm', await file('r.hex', '0x20 0x00 0x00 0x00000003\n')]);
    expect(refused.code).toBe(0);
    expect(refused.out).toContain('A = data[3]');
    expect(refused.err).toMatch(
      /warning: the kernel would refuse this filter:\n {2}instruction 0:/,
    );

    const odd = await cli(['disasm', await file('odd.bpf', new Uint8Array([0x20, 0, 0]))]);
    expect(odd.code).toBe(2);
    expect(odd.err).toMatch(/whole number of 8-byte instructions; got 3 bytes/);
    const missing = await cli(['disasm', join(dir, 'none.bpf')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot open .*none\.bpf: no such file or directory \(ENOENT\)/);
    const binary = await cli([
      'asm',
      await file('x.bpf', new Uint8Array([0x06, 0, 0, 0, 0, 0, 0xff, 0x7f])),
    ]);
    expect(binary.err).toMatch(/is not text/);
  });
});

describe('decompile', () => {
  it('turns a compiled policy back into one with the same rules', async () => {
    const policy = await file('p.sandbox.yaml', POLICY);
    const hex = await cli(['compile', policy, '--format', 'hex']);
    const r = await cli(['decompile', await file('p.hex', hex.out)]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain('arch: [x86_64, i386]');
    expect(r.out).toContain('default: errno EPERM');
    expect(r.out).toContain('- allow: [mmap]\n        when: "arg2 & 4 == 0"');
    expect(r.out).toContain('- errno: EACCES\n        syscalls: [openat]');
    // It compiles again to a filter with the same verdicts (checked in depth in app/bpf).
    const again = await cli(['compile', await file('again.sandbox.yaml', r.out)]);
    expect(again.code).toBe(0);
  });

  it('prints warnings on stderr and refuses what it cannot decompile', async () => {
    const unchecked = await file(
      'u.asm',
      'A = sys_number\nif (A == execve) goto 0003\nreturn ALLOW\nreturn KILL\n',
    );
    const assembled = assemble(await readFile(unchecked, 'utf8'));
    const bpf = await file('u.bpf', encodeProgram(assembled.program ?? []));
    const r = await cli(['decompile', bpf]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/u\.bpf: warning: the filter does not check seccomp_data\.arch/);
    expect(decodeProgram(await readFile(bpf))).toHaveLength(4);
    const refused = await cli(['decompile', await file('r.hex', '0x20 0x00 0x00 0x00000000\n')]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(
      /r\.hex: error: the kernel would refuse this filter: .*last instruction must be a RET/,
    );
  });
});

describe('simulate', () => {
  it('prints the verdict and the path length, and the executed lines with --trace', async () => {
    const policy = await file('p.sandbox.yaml', POLICY);
    const openat = await cli(['simulate', policy, '--nr', 'openat']);
    expect(openat.code).toBe(0);
    expect(openat.out).toMatch(
      /^x86_64 openat\(0x0, 0x0, 0x0, 0x0, 0x0, 0x0\): errno EACCES \(return value 0x0005000d\)\n\d+ instructions executed\n$/,
    );
    const mmap = await cli(['simulate', policy, '--nr', '9', '--args', '0,4096,4', '--trace']);
    const lines = mmap.out.trimEnd().split('\n');
    expect(lines.at(-2)).toBe(
      'x86_64 mmap(0x0, 0x1000, 0x4, 0x0, 0x0, 0x0): errno EPERM (return value 0x00050001)',
    );
    const executed = Number(/^(\d+) instructions executed$/.exec(lines.at(-1) ?? '')?.[1]);
    expect(lines.slice(0, -2)).toHaveLength(executed);
    expect(lines[0]).toBe(' 0000: 0x20 0x00 0x00 0x00000004  A = arch');
    const allowed = await cli(['simulate', policy, '--nr', 'mmap', '--args', '0,4096,3']);
    expect(allowed.out).toContain(': allow (return value 0x7fff0000)');
    const i386 = await cli(['simulate', policy, '--nr', 'read', '--arch', 'i386']);
    expect(i386.out).toMatch(/^i386 read\(.*\): allow/);
    const foreign = await cli(['simulate', policy, '--nr', 'read', '--arch', 'aarch64']);
    expect(foreign.out).toContain(': kill-process (return value 0x80000000)');
  });

  it('refuses a syscall the arch does not have', async () => {
    const policy = await file('p.sandbox.yaml', POLICY);
    const r = await cli(['simulate', policy, '--nr', 'fork', '--arch', 'aarch64']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('aarch64 has no syscall named fork\n');
  });
});
