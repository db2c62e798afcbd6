import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from './cli-error';
import { compileCommand } from './compile-command';

const POLICY = `version: 1
linux:
  seccomp:
    default: errno EPERM
    rules:
      - allow: [read, write, exit_group]
`;

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'studio-compile-'));
  file = join(dir, 'p.sandbox.yaml');
  await writeFile(file, POLICY);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function compile(format: 'disasm' | 'hex' | 'json') {
  const io = { out: '', err: '' };
  const code = await compileCommand(
    { policy: file, format },
    { stdout: (t) => void (io.out += t), stderr: (t) => void (io.err += t) },
  );
  return { code, ...io };
}

describe('compile', () => {
  it('prints the disassembly on stdout and the size on stderr', async () => {
    const r = await compile('disasm');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ALLOW/i);
    expect(r.out.endsWith('\n')).toBe(true);
    expect(r.err).toMatch(/^x86_64: \d+ instructions, verified\n$/);
  });

  it('prints hex and JSON', async () => {
    const hex = await compile('hex');
    expect(hex.out).toMatch(/^[0-9a-fx,\s{}]+$/i);
    const json = await compile('json');
    expect(() => JSON.parse(json.out) as unknown).not.toThrow();
  });

  it('refuses a policy with errors with exit code 2', async () => {
    await writeFile(file, 'version: 2\n');
    await expect(compile('disasm')).rejects.toMatchObject({ exitCode: 2 });
    await expect(compile('disasm')).rejects.toBeInstanceOf(CliError);
    await expect(compile('disasm')).rejects.toThrow(`${file}:1:10: error: `);
  });
});
