import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceEvent } from '../../app/trace/events';
import { projectRoot } from '../paths';
import { USUAL_WEB_PORT } from './serve-command';

// The bundled CLI as users run it: bin/sandbox-studio.mjs → dist/main/cli.mjs (`npm run build`).
const root = projectRoot();
const bin = join(root, 'bin', 'sandbox-studio.mjs');
const cliBuilt = existsSync(join(root, 'dist/main/cli.mjs'));
const supervisorBuilt =
  cliBuilt &&
  existsSync(join(root, 'dist/main/launcher.mjs')) &&
  existsSync(join(root, 'dist/main/notify-worker.mjs'));

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], until?: (stdout: string) => boolean): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: dir, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (until?.(stdout)) child.kill('SIGTERM');
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'studio-cli-it-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function policy(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe.skipIf(!cliBuilt)('bundled CLI (needs `npm run build`)', () => {
  it('prints help, the version and usage errors', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: sandbox-studio COMMAND');
    expect((await run(['--version'])).stdout).toMatch(/^sandbox-studio \d+\.\d+\.\d+\n$/);
    const bad = await run(['check', 'x.sandbox.yaml', '--nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown option --nope');
    expect(bad.stderr).not.toContain('    at ');
  });

  it('compiles a policy and reports policy errors with their location', async () => {
    const good = await policy(
      'compile.sandbox.yaml',
      'version: 1\nlinux:\n  seccomp:\n    default: errno EPERM\n    rules:\n      - allow: [read]\n',
    );
    const compiled = await run(['compile', good]);
    expect(compiled.code).toBe(0);
    expect(compiled.stdout).toContain('return ALLOW');
    const bad = await policy(
      'bad.sandbox.yaml',
      'version: 1\nlinux:\n  seccomp:\n    default: nope\n',
    );
    const refused = await run(['compile', bad]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`^${bad.replaceAll('.', '\\.')}:4:14: error: `));
  });

  const toolPolicy =
    'version: 1\nlinux:\n  seccomp:\n    default: errno EPERM\n    rules:\n      - allow: [read, write]\n      - allow: [mmap]\n        when: "arg2 & 4 == 0"\n';

  it('compiles to C and to hex for one arch', async () => {
    const file = await policy('tools.sandbox.yaml', toolPolicy);
    const c = await run(['compile', file, '--format', 'c-array', '--arch', 'x86_64']);
    expect(c.code).toBe(0);
    expect(c.stdout).toContain('struct sock_filter filter[] = {');
    expect(c.stdout).toContain('BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0x4), // 0000: A = arch');
    const hex = await run(['compile', file, '--format', 'hex']);
    expect(hex.stdout).toMatch(/^(0x[0-9a-f]{2} 0x[0-9a-f]{2} 0x[0-9a-f]{2} 0x[0-9a-f]{8}\n)+$/);
  });

  it('assembles to binary and disassembles it again', async () => {
    const source = join(dir, 'tools.asm');
    await writeFile(
      source,
      'A = sys_number\nif (A == write) goto ok\nreturn ERRNO(EPERM)\nok: return ALLOW\n',
    );
    const binary = join(dir, 'tools.bpf');
    const assembled = spawnSync(process.execPath, [bin, 'asm', source, '--format', 'binary']);
    expect(assembled.status).toBe(0);
    expect(assembled.stdout).toHaveLength(32);
    await writeFile(binary, assembled.stdout);
    const listed = await run(['disasm', binary]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(' 0001: 0x15 0x01 0x00 0x00000001  if (A == write) goto 0003');
    expect(listed.stdout).toContain(' 0002: 0x06 0x00 0x00 0x00050001  return ERRNO(1)');
    expect(listed.stdout).toContain(' 0003: 0x06 0x00 0x00 0x7fff0000  return ALLOW');
  });

  it('decompiles a compiled policy into one that compiles again', async () => {
    const file = await policy('decompile.sandbox.yaml', toolPolicy);
    const hex = await run(['compile', file, '--format', 'hex']);
    const filter = join(dir, 'decompile.hex');
    await writeFile(filter, hex.stdout);
    const decompiled = await run(['decompile', filter]);
    expect(decompiled.code).toBe(0);
    expect(decompiled.stdout).toContain('- allow: [mmap]\n        when: "arg2 & 4 == 0"');
    const again = await policy('again.sandbox.yaml', decompiled.stdout);
    expect((await run(['compile', again, '--format', 'hex'])).stdout).toBe(hex.stdout);
  });

  it('simulates a syscall with a trace', async () => {
    const file = await policy('simulate.sandbox.yaml', toolPolicy);
    const r = await run(['simulate', file, '--nr', 'mmap', '--args', '0,4096,7', '--trace']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(' 0000: 0x20 0x00 0x00 0x00000004  A = arch');
    expect(r.stdout).toMatch(
      /x86_64 mmap\(0x0, 0x1000, 0x7, 0x0, 0x0, 0x0\): errno EPERM \(return value 0x00050001\)\n\d+ instructions executed\n$/,
    );
  });

  it('serves web mode, prints the URL and stops on SIGTERM', async () => {
    const served = await run(['serve', '--workspace', dir], (out) => out.includes('?token='));
    expect(served.stdout).toMatch(
      /^Sandbox Studio \(web mode\) listening: http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}\n$/,
    );
    expect(served.code).toBe(0);
  });

  it('serves on the usual port, and on another one when that is taken', async () => {
    // Hold the usual port (or find it held already) so the fallback must happen.
    const holder = createServer();
    await new Promise<void>((resolve) => {
      holder.once('error', () => resolve());
      holder.listen(USUAL_WEB_PORT, '127.0.0.1', () => resolve());
    });
    try {
      const served = await run(['serve', '--workspace', dir], (out) => out.includes('?token='));
      expect(served.code).toBe(0);
      expect(served.stderr).toContain(`port ${USUAL_WEB_PORT} is taken: using another one`);
      expect(served.stdout).not.toContain(`:${USUAL_WEB_PORT}/`);
      const fixed = await run(['serve', '--port', String(USUAL_WEB_PORT), '--workspace', dir]);
      expect(fixed.code).toBe(2);
      expect(fixed.stderr).toContain(`port ${USUAL_WEB_PORT} on 127.0.0.1 is already in use`);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('refuses to serve on a non-loopback address', async () => {
    const refused = await run(['serve', '--host', '0.0.0.0']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('only listens on a loopback address');
  });
});

describe.skipIf(!supervisorBuilt)(
  'bundled CLI runs (needs `npm run build` with the supervisor)',
  () => {
    const permissive =
      'version: 1\nlinux:\n  seccomp:\n    default: allow\n    rules:\n      - errno: EACCES\n        syscalls: [mkdir, mkdirat]\n';

    it('learn --json prints only JSON events on stdout', async () => {
      const file = await policy(
        'learn.sandbox.yaml',
        'version: 1\nlinux:\n  seccomp:\n    default: kill-process\n    rules:\n      - allow: [write]\n',
      );
      const learned = await run(['learn', '--json', file, '--', '/bin/echo', 'hello']);
      expect(learned.code).toBe(0);
      const events = learned.stdout
        .trimEnd()
        .split('\n')
        .map((line) => TraceEvent.parse(JSON.parse(line)));
      expect(events.some((e) => e.type === 'exec')).toBe(true);
      expect(events.some((e) => e.type === 'stdout' && e.data.includes('hello'))).toBe(true);
      expect(events.some((e) => e.type === 'syscall' && e.name === 'exit_group')).toBe(true);
      expect(events.some((e) => e.type === 'exit' && e.code === 0)).toBe(true);
      expect(learned.stderr).toMatch(/learned \d+ syscalls? not yet allowed/);
    });

    it('learn --update writes the observed syscalls into the policy', async () => {
      const file = await policy(
        'update.sandbox.yaml',
        'version: 1\ntarget: { command: [/bin/true] }\nlinux:\n  seccomp:\n    default: kill-process\n    rules: []\n',
      );
      const learned = await run(['learn', '--update', file]);
      expect(learned.code).toBe(0);
      expect(learned.stdout).toContain(`updated ${file}: now allows`);
      expect(await readFile(file, 'utf8')).toContain('exit_group');
      const checked = await run(['check', file]);
      expect(checked.stdout).toContain('check passed: ran cleanly');
      expect(checked.code).toBe(0);
    });

    it('learn on /bin/ls / with an empty policy, --update, then check exits 0', async () => {
      const file = await policy(
        'ls.sandbox.yaml',
        'version: 1\ntarget: { command: [/bin/ls, /] }\nlinux:\n  seccomp:\n    default: kill-process\n    rules: []\n',
      );
      const learned = await run(['learn', '--json', '--update', file]);
      expect(learned.code).toBe(0);
      const names = new Set(
        learned.stdout
          .trimEnd()
          .split('\n')
          .map((line) => TraceEvent.parse(JSON.parse(line)))
          .flatMap((e) => (e.type === 'syscall' ? [e.name] : [])),
      );
      for (const name of ['execve', 'openat', 'mmap', 'write']) expect(names).toContain(name);
      const checked = await run(['check', file]);
      expect(checked.stdout).toContain('ran cleanly');
      expect(checked.code).toBe(0);
    });

    it('check exits 0 for a clean run and 1 with the denial otherwise', async () => {
      const file = await policy('check.sandbox.yaml', permissive);
      const clean = await run(['check', file, '--', '/bin/true']);
      expect(clean.stdout).toContain('check passed: ran cleanly');
      expect(clean.code).toBe(0);
      const denied = await run(['check', file, '--', '/bin/mkdir', join(dir, 'made-by-test')]);
      expect(denied.code).toBe(1);
      expect(denied.stdout).toMatch(
        /check failed: denied mkdir\w* \(errno EACCES\); the process exited with status 1/,
      );
      expect(existsSync(join(dir, 'made-by-test'))).toBe(false);
    });
  },
);
