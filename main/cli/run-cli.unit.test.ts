import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../app/trace/events';
import { scriptedSupervisor, type ScriptedRun } from '../backend/testing/scripted-session';
import { runCli } from './run-cli';

const POLICY = `version: 1
target: { command: [/bin/echo, hi] }
linux:
  seccomp:
    default: errno EPERM
    rules:
      - allow: [read, write, exit_group]
`;
const ARGS = ['0x1', '0x0', '0x0', '0x0', '0x0', '0x0'];
const exec: TraceEvent = {
  type: 'exec',
  t: 0,
  pid: 7,
  tid: 7,
  path: '/bin/echo',
  argv: ['echo', 'hi'],
};
const sys = (name: string, nr: number): TraceEvent => ({
  type: 'syscall',
  t: 1,
  pid: 7,
  tid: 7,
  name,
  nr,
  arch: 'x86_64',
  args: ARGS,
});
const denied: TraceEvent = {
  ...sys('openat', 257),
  type: 'denied',
  action: 'errno EPERM',
} as TraceEvent;
const out: TraceEvent = { type: 'stdout', t: 2, data: 'hi\n' };
const err: TraceEvent = { type: 'stderr', t: 2, data: 'warn\n' };
const exitWith = (code: number) => ({ type: 'exit', t: 3, pid: 7, code, signal: null }) as const;

let dir: string;
let policyPath: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'studio-cli-'));
  policyPath = join(dir, 'p.sandbox.yaml');
  await writeFile(policyPath, POLICY);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cli(argv: string[], script?: ScriptedRun) {
  const io = { out: '', err: '' };
  const supervisor = scriptedSupervisor(
    script ?? { batches: [], outcome: { exit: undefined, denials: 0 } },
  );
  const code = await runCli(argv, {
    io: { stdout: (t) => void (io.out += t), stderr: (t) => void (io.err += t) },
    loadSupervisor: () => Promise.resolve(supervisor.start),
  });
  return { code, ...io, supervisor };
}

describe('runCli basics', () => {
  it('prints help and the version', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: sandbox-studio COMMAND');
    const learnHelp = await cli(['learn', '--help']);
    expect(learnHelp.out).toContain('Usage: sandbox-studio learn POLICY');
    expect(learnHelp.out).toContain('Exit codes');
    const version = await cli(['--version']);
    expect(version.out).toMatch(/^sandbox-studio \d+\.\d+\.\d+\n$/);
  });

  it('reports usage errors with exit 2 and a pointer to --help, no stack', async () => {
    const r = await cli(['learn', 'p.yaml', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'sandbox-studio: unknown option --bogus\nRun `sandbox-studio learn --help` for usage.\n',
    );
    expect(r.out).toBe('');
  });

  it('prints policy errors as FILE:LINE:COL: error: message with exit 2', async () => {
    await writeFile(policyPath, 'version: 1\nlinux:\n  seccomp:\n    default: explode\n');
    const r = await cli(['check', policyPath]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^${policyPath.replaceAll('.', '\\.')}:4:14: error: `));
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.supervisor.started).toEqual([]);
  });

  it('reports a missing policy file with exit 2', async () => {
    const r = await cli(['learn', join(dir, 'none.sandbox.yaml')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('none.sandbox.yaml: no such file or directory (ENOENT)');
  });

  it('needs a target command from the policy or after --', async () => {
    await writeFile(policyPath, 'version: 1\n');
    const r = await cli(['learn', policyPath]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('has no target.command');
  });
});

describe('learn', () => {
  const script: ScriptedRun = {
    batches: [
      [exec, sys('openat', 257)],
      [out, err, sys('close', 3), sys('openat', 257)],
      [exitWith(3)],
    ],
    outcome: { exit: exitWith(3), denials: 0 },
  };

  it('prints events live, passes the program output through and summarizes', async () => {
    const r = await cli(['learn', policyPath], script);
    expect(r.code).toBe(0); // the run completed, whatever the program's status
    expect(r.out).toBe(
      [
        '    0.0ms  7  exec /bin/echo hi',
        '    1.0ms  7/7  openat(0x1, 0x0, 0x0, 0x0, 0x0, 0x0)',
        'hi',
        '    1.0ms  7/7  close(0x1, 0x0, 0x0, 0x0, 0x0, 0x0)',
        '    3.0ms  7  exited with status 3',
        'learned 2 syscalls not yet allowed: close, openat',
        '  close   1',
        '  openat  2',
        '',
      ].join('\n'),
    );
    expect(r.err).toBe('warn\n');
    expect(r.supervisor.started[0]).toMatchObject({ mode: 'learn' });
    expect(r.supervisor.started[0]?.command).toBeUndefined();
  });

  it('prints every syscall event with --all, the first of each otherwise', async () => {
    const r = await cli(['learn', '--all', policyPath], script);
    expect(r.out.match(/openat\(/g)).toHaveLength(2);
  });

  it('prints exactly one JSON event per line on stdout with --json', async () => {
    const r = await cli(['learn', '--json', policyPath, '--', '/bin/ls', '-l'], script);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toHaveLength(7);
    expect(lines.map((l) => (JSON.parse(l) as TraceEvent).type)).toEqual([
      'exec',
      'syscall',
      'stdout',
      'stderr',
      'syscall',
      'syscall',
      'exit',
    ]);
    expect(r.err).toContain('learned 2 syscalls not yet allowed: close, openat');
    expect(r.supervisor.started[0]?.command).toEqual(['/bin/ls', '-l']);
  });

  it('exits 1 when the run failed', async () => {
    const failed = await cli(['learn', policyPath], {
      batches: [[{ type: 'error', t: 0, message: 'launcher is missing' }]],
      outcome: { exit: undefined, denials: 0, failure: 'launcher is missing' },
    });
    expect(failed.code).toBe(1);
    expect(failed.out).toContain('error: launcher is missing');
    expect(failed.out).toContain('the run failed: launcher is missing');
  });

  it('adds the learned syscalls to the policy with --update', async () => {
    const r = await cli(['learn', '--update', policyPath], script);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`updated ${policyPath}: now allows close, openat`);
    const updated = await readFile(policyPath, 'utf8');
    expect(updated).toContain('close');
    expect(updated).toContain('openat');
    const again = await cli(['learn', '--update', policyPath], {
      batches: [[exec]],
      outcome: { exit: exitWith(0), denials: 0 },
    });
    expect(again.out).toContain(`${policyPath}: nothing to add`);
  });
});

describe('check', () => {
  it('exits 0 when nothing was denied and the program exited 0', async () => {
    const r = await cli(['check', policyPath], {
      batches: [[exec, out, exitWith(0)]],
      outcome: { exit: exitWith(0), denials: 0 },
    });
    expect(r.code).toBe(0);
    expect(r.out).toContain('check passed: ran cleanly');
    expect(r.supervisor.started[0]).toMatchObject({ mode: 'check' });
  });

  it('exits 1 and lists the denials otherwise', async () => {
    const r = await cli(['check', policyPath], {
      batches: [[exec, denied, denied, exitWith(1)]],
      outcome: { exit: exitWith(1), denials: 2 },
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain('  openat (errno EPERM): 2 times, pid 7\n');
    expect(r.out).toContain(
      'check failed: denied openat (errno EPERM); the process exited with status 1\n',
    );
  });

  it('exits 1 on a non-zero exit without denials', async () => {
    const r = await cli(['check', '--json', policyPath], {
      batches: [[exec, exitWith(4)]],
      outcome: { exit: exitWith(4), denials: 0 },
    });
    expect(r.code).toBe(1);
    expect(r.out.trimEnd().split('\n')).toHaveLength(2);
    expect(r.err).toContain(
      'check failed: nothing was denied, but the process exited with status 4',
    );
  });
});
