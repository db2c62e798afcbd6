import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasErrors, parsePolicy } from '../../app/policy/parse';
import { CliError } from './cli-error';
import type { CliIo } from './cli-io';
import { exportCommand, type ExportOptions } from './export-command';
import { importCommand, type ImportOptions } from './import-command';

const DOCKER = new URL('../../bench/profiles/docker-default.json', import.meta.url).pathname;
const OPENSSH = new URL('../../examples/openssh-preauth.sandbox.yaml', import.meta.url).pathname;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'studio-formats-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Captured {
  code: number;
  out: string;
  err: string;
  bytes: Uint8Array[];
}

function capture(): { io: CliIo; result: Omit<Captured, 'code'> } {
  const result = { out: '', err: '', bytes: [] as Uint8Array[] };
  const io: CliIo = {
    stdout: (t) => void (result.out += t),
    stderr: (t) => void (result.err += t),
    stdoutBytes: (b) => void result.bytes.push(b),
  };
  return { io, result };
}

async function runImport(options: ImportOptions): Promise<Captured> {
  const { io, result } = capture();
  return { code: await importCommand(options, io), ...result };
}

async function runExport(options: ExportOptions): Promise<Captured> {
  const { io, result } = capture();
  return { code: await exportCommand(options, io), ...result };
}

async function failure(run: Promise<unknown>): Promise<CliError> {
  try {
    await run;
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error('expected a CliError');
}

function expectParses(text: string): void {
  const { policy, diagnostics } = parsePolicy(text);
  expect(hasErrors(diagnostics)).toBe(false);
  expect(policy).toBeDefined();
}

describe('import', () => {
  it("imports Docker's profile with the chosen capabilities and host", async () => {
    const r = await runImport({
      format: 'oci',
      file: DOCKER,
      caps: ['SYS_ADMIN'],
      arch: 'x86_64',
      kernel: '6.1',
    });
    expect(r.code).toBe(0);
    expectParses(r.out);
    expect(r.out).toContain('Container capabilities: CAP_SYS_ADMIN.');
    expect(r.err).toMatch(/docker-default\.json: warning: on x32/);
  });

  it('prints malformed input as FILE:LINE:COL: error and exits 2', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(
      file,
      '{\n  "defaultAction": "SCMP_ACT_ALLOW",\n  "syscalls": [ { "names": ["read"], "action": "SCMP_ACT_NOPE" } ]\n}\n',
    );
    const error = await failure(runImport({ format: 'oci', file }));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(new RegExp(`^${file}:3:\\d+: error: `));
    const unit = join(dir, 'bad.service');
    await writeFile(unit, '[Service]\nSystemCallErrorNumber=EWHAT\n');
    expect((await failure(runImport({ format: 'systemd', file: unit }))).message).toMatch(
      /bad\.service:2:23: error:/,
    );
    expect(
      (await failure(runImport({ format: 'oci', file: join(dir, 'missing.json') }))).message,
    ).toMatch(/cannot open/);
  });

  it('follows minijail @include relative to the current directory', async () => {
    const base = join(dir, 'base.policy');
    await writeFile(base, 'read: 1\nwrite: 1\n');
    const main = join(dir, 'main.policy');
    await writeFile(main, `@include ${base}\nexit_group: 1\n`);
    const r = await runImport({ format: 'minijail', file: main });
    expect(r.out).toMatch(/allow: \[read, write, exit_group\]/);
  });

  it('reads standard input for -', async () => {
    const { io, result } = capture();
    const text = '[Service]\nSystemCallFilter=@basic-io\n';
    const code = await importCommand(
      { format: 'systemd', file: '-' },
      { ...io, readStdin: async () => new TextEncoder().encode(text) },
    );
    expect(code).toBe(0);
    expect(result.out).toContain('"@basic-io"');
  });
});

describe('export', () => {
  it('writes each format on stdout, warnings with policy lines on stderr', async () => {
    const oci = await runExport({ format: 'oci', policy: OPENSSH });
    expect(JSON.parse(oci.out)).toMatchObject({ defaultAction: 'SCMP_ACT_KILL_PROCESS' });
    const k8s = await runExport({
      format: 'k8s',
      policy: OPENSSH,
      name: 'sshd',
      namespace: 'infra',
    });
    expect(k8s.out).toContain('kind: SeccompProfile');
    expect(k8s.out).toContain('name: sshd');
    const systemd = await runExport({ format: 'systemd', policy: OPENSSH });
    expect(systemd.out).toContain('[Service]');
    expect(systemd.err).toMatch(
      /openssh-preauth\.sandbox\.yaml:78:\d+: warning: ioctl: systemd cannot filter arguments/,
    );
    const minijail = await runExport({ format: 'minijail', policy: OPENSSH });
    expect(minijail.out).toContain('ioctl: arg1 == 0x5401 || arg1 == 0x541b');
  });

  it('round-trips through files: export oci → import oci', async () => {
    const exported = await runExport({ format: 'oci', policy: OPENSSH });
    const file = join(dir, 'profile.json');
    await writeFile(file, exported.out);
    const back = await runImport({ format: 'oci', file });
    expectParses(back.out);
    expect(back.out).toContain('errno: EACCES');
  });

  it('writes raw sock_filter bytes for bpf, which import bpf reads back', async () => {
    const exported = await runExport({ format: 'bpf', policy: OPENSSH });
    const bytes = exported.bytes[0];
    expect(bytes?.length).toBeGreaterThan(0);
    expect((bytes?.length ?? 1) % 8).toBe(0);
    const file = join(dir, 'filter.bpf');
    await writeFile(file, bytes ?? new Uint8Array());
    const back = await runImport({ format: 'bpf', file });
    expectParses(back.out);
    expect(await readFile(file)).toHaveLength(bytes?.length ?? 0);
  });

  it('refuses strace as an export format and reports policy errors with their location', async () => {
    const strace = await failure(runExport({ format: 'strace', policy: OPENSSH }));
    expect(strace.exitCode).toBe(2);
    const policy = join(dir, 'x32.sandbox.yaml');
    await writeFile(
      policy,
      'version: 1\nlinux:\n  seccomp:\n    arch: [x86_64, x32]\n    rules:\n      - allow: [lseek]\n        when: "arg1 == 0x100000000"\n',
    );
    const error = await failure(runExport({ format: 'oci', policy }));
    expect(error.message).toMatch(/x32\.sandbox\.yaml:6:\d+: error: .*x32/);
  });
});
