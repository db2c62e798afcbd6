import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../app/policy/parse';
import { addAllowedSyscalls } from '../../app/policy/edit';
import type { RunMode } from '../../app/api/contract';
import type { ExecEvent, ExitEvent, ProcessEvent, TraceEvent } from '../../app/trace/events';
import { builtEntry } from '../paths';
import { startSupervisorSession } from './session';
import type { RunOutcome, SupervisorSession } from './types';

const linux = process.platform === 'linux' && process.arch === 'x64';
const built = (() => {
  try {
    builtEntry('launcher.mjs');
    builtEntry('notify-worker.mjs');
    return true;
  } catch {
    return false;
  }
})();
if (!linux) console.warn('skipping supervisor integration tests: they need Linux on x86_64');
if (linux && !built)
  throw new Error('dist/main is not built: run `npm run build` before the integration tests');

function policyFrom(text: string) {
  const { policy, diagnostics } = parsePolicy(text);
  if (!policy) throw new Error(`test policy does not parse: ${JSON.stringify(diagnostics)}`);
  return policy;
}

async function run(
  mode: RunMode,
  text: string,
  command?: string[],
  onStart?: (session: SupervisorSession, events: TraceEvent[]) => void,
): Promise<{ events: TraceEvent[]; outcome: RunOutcome }> {
  const events: TraceEvent[] = [];
  const session = startSupervisorSession({
    mode,
    policy: policyFrom(text),
    ...(command ? { command } : {}),
    onEvents: (batch) => events.push(...batch),
  });
  onStart?.(session, events);
  const outcome = await session.done;
  return { events, outcome };
}

/** Alive and not a zombie (an orphan's zombie waits for init to reap it; it runs no code). */
function isRunning(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

const syscallNames = (events: TraceEvent[], type: 'syscall' | 'denied') =>
  new Set(events.flatMap((e) => (e.type === type ? [e.name] : [])));
const output = (events: TraceEvent[], stream: 'stdout' | 'stderr') =>
  events.flatMap((e) => (e.type === stream ? [e.data] : [])).join('');

const EMPTY = `version: 1
linux:
  seccomp:
    default: kill-process
    rules: []
`;

describe.runIf(linux)('SupervisorSession on the real kernel', () => {
  it('learn on /bin/ls / with an empty policy reports every syscall it makes, and the program runs', async () => {
    const { events, outcome } = await run('learn', EMPTY, ['/bin/ls', '/']);
    const names = syscallNames(events, 'syscall');
    for (const name of ['execve', 'openat', 'mmap', 'write', 'exit_group'])
      expect(names).toContain(name);
    expect(output(events, 'stdout')).toMatch(/\betc\b/);
    expect(events.find((e) => e.type === 'exec')).toMatchObject({
      path: '/bin/ls',
      argv: ['/bin/ls', '/'],
    });
    expect(outcome.exit).toMatchObject({ code: 0, signal: null });
    const syscall = events.find((e) => e.type === 'syscall');
    expect(syscall).toMatchObject({
      pid: expect.any(Number),
      tid: expect.any(Number),
      arch: 'x86_64',
    });
    if (syscall?.type === 'syscall') expect(syscall.args).toHaveLength(6);
  });

  it('after allowing what learn observed, check runs cleanly', async () => {
    const learned = await run('learn', EMPTY, ['/bin/ls', '/']);
    const updated = addAllowedSyscalls(EMPTY, [...syscallNames(learned.events, 'syscall')]);
    const { events, outcome } = await run('check', updated, ['/bin/ls', '/']);
    expect(events.filter((e) => e.type === 'denied')).toEqual([]);
    expect(outcome).toMatchObject({ denials: 0, exit: { code: 0 } });
    expect(output(events, 'stdout')).toMatch(/\betc\b/);
  });

  it('check: errno EACCES on openat makes cat fail with "Permission denied" and reports the denial', async () => {
    const policy = `version: 1
linux:
  seccomp:
    default: allow
    rules:
      - errno: EACCES
        syscalls: [openat]
`;
    const { events, outcome } = await run('check', policy, ['/bin/cat', '/etc/hostname']);
    expect(output(events, 'stderr')).toContain('Permission denied');
    const denied = events.filter((e) => e.type === 'denied');
    expect(denied.length).toBeGreaterThan(0);
    expect(denied[0]).toMatchObject({ name: 'openat', action: 'errno EACCES' });
    expect(outcome.exit?.code).not.toBe(0);
  });

  it('check: kill-process on write ends the target with SIGSYS and says so', async () => {
    const policy = `version: 1
linux:
  seccomp:
    default: allow
    rules:
      - action: kill-process
        syscalls: [write]
`;
    const { events, outcome } = await run('check', policy, ['/bin/echo', 'hello']);
    expect(
      events.some((e) => e.type === 'denied' && e.name === 'write' && e.action === 'kill-process'),
    ).toBe(true);
    expect(events.some((e) => e.type === 'signal' && e.signal === 'SIGSYS')).toBe(true);
    expect(outcome.exit).toMatchObject({ code: null, signal: 'SIGSYS' });
    expect(output(events, 'stdout')).toBe('');
  });

  it('a shell that forks shows syscalls from more than one process', async () => {
    const { events, outcome } = await run('learn', EMPTY, [
      '/bin/sh',
      '-c',
      '/bin/ls / | /usr/bin/wc -l',
    ]);
    const pids = new Set(events.flatMap((e) => (e.type === 'syscall' ? [e.pid] : [])));
    expect(pids.size).toBeGreaterThanOrEqual(2);
    expect(
      events.filter((e) => e.type === 'exec').map((e) => (e.type === 'exec' ? e.path : '')),
    ).toEqual(expect.arrayContaining(['/bin/sh', '/bin/ls', '/usr/bin/wc']));
    expect(Number(output(events, 'stdout').trim())).toBeGreaterThan(5);
    expect(outcome.exit?.code).toBe(0);
  });

  it('reads the paths a syscall points at, and what its descriptors refer to, while it waits', async () => {
    const { events } = await run('learn', EMPTY, ['/bin/cat', '/etc/hostname']);
    const opens = events.filter((e) => e.type === 'syscall' && e.name === 'openat');
    expect(opens.map((e) => (e.type === 'syscall' ? e.strings?.['1'] : undefined))).toContain(
      '/etc/hostname',
    );
    // ...and what a descriptor refers to, the first time a process passes it to a syscall.
    const reads = events.filter((e) => e.type === 'syscall' && e.name === 'read');
    expect(reads[0]?.type === 'syscall' && reads[0].fds?.['0']).toMatch(/libc/);
  });

  it('keeps a process tree: processes with their parents, threads, execs and exits', async () => {
    const allowAll = `version: 1
linux:
  seccomp:
    default: allow
    rules: []
`;
    const { events, outcome } = await run('learn', allowAll, [
      '/bin/sh',
      '-c',
      '(exit 3) & /usr/bin/python3 -c "import threading; t = threading.Thread(target=print); t.start(); t.join()"; wait',
    ]);
    expect(outcome.exit?.code).toBe(0);
    const processes = events.filter((e): e is ProcessEvent => e.type === 'process');
    const execs = events.filter((e): e is ExecEvent => e.type === 'exec');
    const shell = execs.find((e) => e.path === '/bin/sh');
    expect(processes.map((p) => p.pid)).toContain(shell?.pid);
    const children = processes.filter((p) => p.ppid === shell?.pid);
    expect(children.length).toBeGreaterThanOrEqual(2);
    // The subshell exits 3 through exit_group, seen although the policy allows everything.
    const exits = events.filter((e): e is ExitEvent => e.type === 'exit');
    expect(exits.some((e) => e.code === 3 && children.some((c) => c.pid === e.pid))).toBe(true);
    const python = execs.find((e) => e.path === '/usr/bin/python3');
    const threads = events.filter((e) => e.type === 'thread' && e.pid === python?.pid);
    expect(threads.length).toBeGreaterThanOrEqual(1);
    expect(syscallNames(events, 'syscall').size).toBe(0);
  });

  it('enforce: the kernel denies alone and its audit records become denial events', async () => {
    const policy = `version: 1
linux:
  seccomp:
    default: allow
    rules:
      - errno: EACCES
        syscalls: [openat]
`;
    // The kernel prints at most a burst of audit records per interval, machine-wide (other tests
    // make records too): try again after the interval when none of ours came through.
    let events: TraceEvent[] = [];
    let denials: TraceEvent[] = [];
    for (let attempt = 0; attempt < 3 && denials.length === 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 5500));
      const result = await run('enforce', policy, ['/bin/cat', '/etc/hostname']);
      events = result.events;
      expect(events.find((e) => e.type === 'exec')).toMatchObject({ path: '/bin/cat' });
      expect(result.outcome.exit?.code).not.toBe(0); // cat cannot even open its libraries
      denials = events.filter((e) => e.type === 'denied');
      if (denials.length === 0) {
        // Without a record the run must say why none may have come.
        expect(
          events.some((e) => e.type === 'error' && e.severity === 'warning' && e.layer === 'audit'),
        ).toBe(true);
      }
    }
    expect(denials[0]).toMatchObject({
      name: 'openat',
      action: 'errno EACCES',
      source: 'audit',
      args: [],
    });
    expect(syscallNames(events, 'syscall').size).toBe(0);
  });

  it('applies the Linux layers before the target starts, in every mode', async () => {
    const policy = `version: 1
linux:
  no_new_privs: true
  rlimits: { nofile: 64, core: 0 }
  user: nobody
  seccomp:
    default: allow
    rules: []
`;
    for (const mode of ['learn', 'check', 'enforce'] as const) {
      const { events, outcome } = await run(mode, policy, [
        '/bin/sh',
        '-c',
        'ulimit -Sn; ulimit -Hn; id -u; grep NoNewPrivs /proc/self/status',
      ]);
      expect({ mode, stdout: output(events, 'stdout') }).toEqual({
        mode,
        stdout: '64\n64\n65534\nNoNewPrivs:\t1\n',
      });
      expect(outcome.exit?.code).toBe(0);
    }
  });

  it('stop ends every process of the run, including a daemon in its own session', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-stop-'));
    const pidFile = join(dir, 'pids');
    const script = `setsid sh -c 'echo $$ >> ${pidFile}; exec sleep 300' & sleep 300 & echo $! >> ${pidFile}; echo started; wait`;
    const policy = `version: 1
linux:
  seccomp:
    default: allow
`;
    const started = Date.now();
    const { outcome } = await run('learn', policy, ['/bin/sh', '-c', script], (session, events) => {
      const poll = setInterval(() => {
        const ready =
          existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim().split('\n').length >= 2;
        if (ready && output(events, 'stdout').includes('started')) {
          clearInterval(poll);
          void session.stop();
        }
      }, 20);
    });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(outcome.exit?.signal).toBe('SIGKILL');
    const pids = readFileSync(pidFile, 'utf8').trim().split('\n').map(Number);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(isRunning(pid), `process ${pid} outlived the run`).toBe(false);
  });

  it('fails closed when a layer cannot be applied: the target never starts', async () => {
    const policy = `version: 1
target:
  command: [/bin/ls]
  cwd: /nonexistent/directory
`;
    const { events, outcome } = await run('check', policy);
    expect(events.some((e) => e.type === 'exec')).toBe(false);
    const error = events.find((e) => e.type === 'error');
    expect(error).toMatchObject({ layer: 'cwd', errnoName: 'ENOENT' });
    expect(outcome.failure).toContain('chdir');
  });

  it('reports a missing program before installing anything', async () => {
    const { events, outcome } = await run('learn', EMPTY, ['/no/such/program']);
    expect(events.find((e) => e.type === 'error')).toMatchObject({
      layer: 'exec',
      errnoName: 'ENOENT',
    });
    expect(outcome.exit?.code).toBe(127);
  });
});
