import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOciProfile } from '../../app/formats/oci-export';
import { importOciProfile } from '../../app/formats/oci-import';
import { ociToLibseccomp } from '../../app/formats/oci-seccomp';
import { parseOciSeccomp } from '../../app/formats/oci-seccomp-schema';
import { parseStraceLog } from '../../app/formats/strace-log';
import { hasErrors, parsePolicy } from '../../app/policy/parse';
import { resolvePolicy } from '../../app/policy/resolve';
import { checkPrograms, describeFinding } from '../differential/differential-check';
import { exportWithLibseccomp, libseccompUnavailable } from '../differential/libseccomp';
import { inputsFor } from '../differential/seccomp-inputs';
import type { CliIo } from './cli-io';
import { exportCommand, type ExportOptions } from './export-command';
import { importCommand } from './import-command';

/*
 * The formats against their real consumers and producers on this machine: logs written by strace
 * itself, drop-ins checked by `systemd-analyze verify` (offline, --man=no), and OCI profiles read
 * the way runc reads them and compiled by libseccomp 2.5.4, runc's compiler.
 */

const EXAMPLES = new URL('../../examples/', import.meta.url).pathname;
const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const HAS_STRACE = has('strace');
const HAS_SYSTEMD_ANALYZE = has('systemd-analyze');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'studio-formats-int-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function io(): { io: CliIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { stdout: (t) => void (out += t), stderr: (t) => void (err += t) },
    out: () => out,
    err: () => err,
  };
}

/** Runs `strace ARGS -o LOG -- COMMAND` and returns the log. */
async function straceLog(name: string, flags: string[], command: string[]): Promise<string> {
  const log = join(dir, `${name}.log`);
  spawnSync('strace', [...flags, '-o', log, '--', ...command], { stdio: 'ignore' });
  return readFile(log, 'utf8');
}

/** The syscall names in the summary `strace -C` appends to its log: an independent list. */
function summaryNames(log: string): string[] {
  const table = log.slice(log.indexOf('% time'));
  return table
    .split('\n')
    .map((line) => line.trim().split(/\s+/).at(-1) ?? '')
    .filter((name) => /^[a-z_][a-z0-9_]*$/.test(name) && name !== 'total' && name !== 'syscall');
}

describe.skipIf(!HAS_STRACE)('import strace: real logs', () => {
  const SHELL = ['sh', '-c', 'echo hi > /dev/null; ls / > /dev/null; exit 3'];

  for (const [label, flags] of [
    ['-f', ['-f']],
    ['-f -tt -T', ['-f', '-tt', '-T']],
    ['-f -ttt -i', ['-f', '-ttt', '-i']],
  ] as const) {
    it(`reads a log of strace ${label}: execs, exits and every syscall`, async () => {
      const text = await straceLog(`sh${label.replace(/\W/g, '')}`, [...flags], SHELL);
      const { events } = parseStraceLog(text);
      const execs = events.filter((e) => e.type === 'exec');
      expect(execs.map((e) => (e.type === 'exec' ? e.argv[0] : ''))).toEqual(['sh', 'ls']);
      const exits = events.filter((e) => e.type === 'exit');
      expect(exits.at(-1)).toMatchObject({ code: 3, signal: null });
      expect(exits).toHaveLength(2);
      if (label !== '-f') expect(events.at(-1)?.t).toBeGreaterThan(0);
    });
  }

  it('learns a policy that allows every syscall the summary of strace -C counts', async () => {
    const log = join(dir, 'learn.log');
    spawnSync('strace', ['-f', '-C', '-o', log, '--', ...SHELL], { stdio: 'ignore' });
    const run = io();
    expect(await importCommand({ format: 'strace', file: log }, run.io)).toBe(0);
    const { policy, diagnostics } = parsePolicy(run.out());
    expect(hasErrors(diagnostics)).toBe(false);
    expect(policy?.target?.command[0]).toBe('/usr/bin/sh');
    const allowed = new Set(policy?.linux.seccomp?.rules[0]?.syscalls.map((s) => s.name));
    const counted = summaryNames(await readFile(log, 'utf8'));
    expect(counted.length).toBeGreaterThan(10);
    expect(counted.filter((name) => !allowed.has(name))).toEqual([]);
    // strace counts calls that return; these never do.
    const uncounted = [...allowed].filter((name) => !counted.includes(name));
    expect(uncounted.filter((name) => name !== 'exit' && name !== 'exit_group')).toEqual([]);
  });

  it('follows threads, signals and deaths by signal', async () => {
    const threads = await straceLog(
      'threads',
      ['-f'],
      [
        'python3',
        '-c',
        'import threading; t = threading.Thread(target=print); t.start(); t.join()',
      ],
    );
    const parsed = parseStraceLog(threads);
    const thread = parsed.events.find((e) => e.type === 'thread');
    expect(thread).toBeDefined();
    const exec = parsed.events.find((e) => e.type === 'exec');
    const threadCalls = parsed.events.filter(
      (e) => e.type === 'syscall' && thread?.type === 'thread' && e.tid === thread.tid,
    );
    expect(threadCalls.length).toBeGreaterThan(0);
    expect(
      threadCalls.every((e) => e.type === 'syscall' && exec?.type === 'exec' && e.pid === exec.pid),
    ).toBe(true);
    const killed = parseStraceLog(await straceLog('killed', ['-f'], ['sh', '-c', 'kill -TERM $$']));
    expect(
      killed.events.filter((e) => e.type === 'signal').map((e) => e.type === 'signal' && e.signal),
    ).toContain('SIGTERM');
    expect(killed.events.at(-1)).toMatchObject({ type: 'exit', code: null, signal: 'SIGTERM' });
  });

  it('takes raw argument values from strace -X raw', async () => {
    const text = await straceLog('raw', ['-f', '-X', 'raw'], ['true']);
    const mmap = parseStraceLog(text).events.find((e) => e.type === 'syscall' && e.name === 'mmap');
    expect(mmap?.type === 'syscall' && mmap.args[2]).toMatch(/^0x[0-7]$/);
  });
});

async function exportedDropIn(
  options: Omit<ExportOptions, 'format'>,
): Promise<{ text: string; warnings: string }> {
  const run = io();
  expect(await exportCommand({ ...options, format: 'systemd' }, run.io)).toBe(0);
  return { text: run.out(), warnings: run.err() };
}

/** `systemd-analyze verify` of a unit with `dropIn`; its complaints about the drop-in. */
async function verify(name: string, dropIn: string): Promise<string[]> {
  const unitDir = join(dir, name);
  await mkdir(join(unitDir, `${name}.service.d`), { recursive: true });
  const unit = join(unitDir, `${name}.service`);
  await writeFile(unit, '[Unit]\nDescription=export test\n\n[Service]\nExecStart=/usr/bin/true\n');
  await writeFile(join(unitDir, `${name}.service.d`, 'sandbox.conf'), dropIn);
  const result = spawnSync('systemd-analyze', ['verify', '--man=no', unit], { encoding: 'utf8' });
  return `${result.stdout}${result.stderr}`
    .split('\n')
    .filter((line) => line.includes('sandbox.conf'));
}

describe.skipIf(!HAS_SYSTEMD_ANALYZE)('export systemd: systemd-analyze verify', () => {
  it('finds nothing wrong in the drop-ins of the examples', async () => {
    for (const example of ['openssh-preauth', 'layers', 'ls', 'cat-denied']) {
      const { text } = await exportedDropIn({ policy: join(EXAMPLES, `${example}.sandbox.yaml`) });
      // systemd's advice against User=nobody (layers.sandbox.yaml) is not a parse problem; the
      // export says the same as a warning.
      const problems = (await verify(example, text)).filter((l) => !/Special user nobody/.test(l));
      expect(problems).toEqual([]);
    }
  });

  it("finds nothing wrong in the drop-in of Docker's imported profile (a deny list too)", async () => {
    const run = io();
    const docker = new URL('../../bench/profiles/docker-default.json', import.meta.url).pathname;
    await importCommand({ format: 'oci', file: docker }, run.io);
    const policy = join(dir, 'docker.sandbox.yaml');
    await writeFile(policy, run.out());
    const allowList = await exportedDropIn({ policy, conditional: 'allow' });
    expect(allowList.text).toContain('SystemCallErrorNumber=EPERM');
    expect(await verify('docker', allowList.text)).toEqual([]);
    const denying = join(dir, 'deny.sandbox.yaml');
    await writeFile(
      denying,
      'version: 1\nlinux:\n  seccomp:\n    default: allow\n    rules:\n      - errno: EACCES\n        syscalls: [open, "@mount"]\n      - action: kill-process\n        syscalls: [ptrace]\n',
    );
    const denyList = await exportedDropIn({ policy: denying });
    expect(denyList.text).toContain('SystemCallFilter=~');
    expect(await verify('deny', denyList.text)).toEqual([]);
  });

  it('is a real check: a bad setting is reported', async () => {
    expect(
      await verify('broken', '[Service]\nSystemCallFilter=@no-such-group\nLimitNOFILE=lots\n'),
    ).toHaveLength(2);
    expect(execFileSync('systemd-analyze', ['--version'], { encoding: 'utf8' })).toMatch(
      /systemd \d+/,
    );
  });
});

describe.skipIf(libseccompUnavailable() !== undefined)(
  'export oci: compiled by libseccomp as runc would',
  () => {
    const DOCKER = new URL('../../bench/profiles/docker-default.json', import.meta.url).pathname;

    async function expectSameMeaning(policyText: string, seed: number): Promise<number> {
      const parsed = parsePolicy(policyText);
      if (!parsed.policy) throw new Error(parsed.diagnostics.map((d) => d.message).join('\n'));
      const profile = parseOciSeccomp(exportOciProfile(parsed.policy).text).profile;
      if (!profile) throw new Error('the exported profile does not parse');
      const filter = ociToLibseccomp(profile);
      const [compiled] = exportWithLibseccomp([filter]);
      const policy = resolvePolicy(parsed.policy);
      const summary = checkPrograms(
        filter,
        policy,
        compiled?.program ?? [],
        undefined,
        inputsFor(policy, seed, 100),
      );
      // On x32 libseccomp compares the low 32 bits of arguments only; the export warns about it.
      const x32HighHalf = (f: (typeof summary.findings)[number]) =>
        f.data.nr >>> 0 >= 0x40000000 && f.data.args.some((a) => a > 0xffff_ffffn);
      const findings = summary.findings.filter((f) => !x32HighHalf(f));
      expect(findings.slice(0, 5).map(describeFinding).join('\n')).toBe('');
      return summary.inputs;
    }

    it('the OpenSSH example', async () => {
      const text = await readFile(join(EXAMPLES, 'openssh-preauth.sandbox.yaml'), 'utf8');
      expect(await expectSameMeaning(text, 1)).toBeGreaterThan(500);
    });

    it("Docker's default profile, imported", async () => {
      const imported = importOciProfile(await readFile(DOCKER, 'utf8')).policyText;
      expect(await expectSameMeaning(imported, 2)).toBeGreaterThan(500);
    });
  },
);
