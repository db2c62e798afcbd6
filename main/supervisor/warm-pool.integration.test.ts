/**
 * The warm pool on the real kernel: a run takes the launcher and worker started ahead of it and
 * behaves exactly as a cold run (output, exit status, every process of the run in its cgroup and
 * killed on stop); runs behind the namespace stage take a cold launcher; disposing ends what waits,
 * and many runs through the pool leak nothing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunMode } from '../../app/api/contract';
import type { TraceEvent } from '../../app/trace/events';
import { canRunLinuxIntegration } from '../../native-bridge/linux/c-test-program';
import { startSupervisorSession } from './session';
import type { RunOutcome, SupervisorSession } from './types';
import { WarmPool } from './warm-pool';
import { ALLOW_NOTHING, policyFrom } from './test-policies';

async function run(
  pool: WarmPool,
  command: string[],
  { mode = 'learn', text = ALLOW_NOTHING }: { mode?: RunMode; text?: string } = {},
  onStart?: (session: SupervisorSession, events: TraceEvent[]) => void,
): Promise<{ events: TraceEvent[]; outcome: RunOutcome }> {
  const events: TraceEvent[] = [];
  const session = startSupervisorSession(
    { mode, policy: policyFrom(text), command, onEvents: (batch) => events.push(...batch) },
    pool,
  );
  onStart?.(session, events);
  return { events, outcome: await session.done };
}

const stdout = (events: TraceEvent[]) =>
  events.flatMap((e) => (e.type === 'stdout' ? [e.data] : [])).join('');
const openFds = () => readdirSync('/proc/self/fd').length;
function isRunning(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** Waits until the pool's launcher has loaded far enough to block on fd 3 (a few hundred ms). */
async function settled(pool: WarmPool): Promise<number> {
  const pid = pool.launcherPid;
  if (pid === undefined) throw new Error('the pool has no launcher');
  for (let i = 0; i < 200; i++) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('S')) break;
    await sleep(10);
  }
  await sleep(100);
  return pid;
}

describe.runIf(canRunLinuxIntegration)('the warm pool on the real kernel', () => {
  let pool: WarmPool | undefined;
  afterEach(async () => {
    await pool?.dispose();
    pool = undefined;
  });

  it('a run takes the warm launcher and worker and behaves as a cold run', async () => {
    pool = new WarmPool();
    pool.fill();
    const launcherPid = await settled(pool);
    const { events, outcome } = await run(pool, [
      '/bin/sh',
      '-c',
      'echo out; echo err >&2; exit 3',
    ]);
    expect(pool.launcherPid).toBeUndefined();
    // The worker ended its run cleanly: it is back, ready for the next run.
    expect(pool.hasWorker).toBe(true);
    expect(outcome.failure).toBeUndefined();
    expect(outcome.exit).toMatchObject({ pid: launcherPid, code: 3, signal: null });
    expect(stdout(events)).toBe('out\n');
    expect(events.flatMap((e) => (e.type === 'stderr' ? [e.data] : [])).join('')).toBe('err\n');
    const exec = events.find((e) => e.type === 'exec');
    expect(exec).toMatchObject({ pid: launcherPid, path: '/bin/sh' });
    expect(events.filter((e) => e.type === 'syscall').length).toBeGreaterThan(10);
  });

  it('every mode and the policy’s layers work from a warm launcher', async () => {
    const text = `version: 1
target: { command: [/bin/true], cwd: /tmp, env: { WARM: yes } }
linux:
  no_new_privs: true
  rlimits: { nofile: 64 }
  seccomp:
    default: allow
    rules:
      - errno: EACCES
        syscalls: [mkdir, mkdirat]
`;
    const dir = join(mkdtempSync(join(tmpdir(), 'warm-layers-')), 'made');
    const script = `pwd; echo $WARM; ulimit -Sn; mkdir ${dir} 2>/dev/null && rmdir ${dir} || echo denied`;
    for (const mode of ['learn', 'check', 'enforce'] as const) {
      pool ??= new WarmPool();
      pool.fill();
      await settled(pool);
      const { events, outcome } = await run(pool, ['/bin/sh', '-c', script], { mode, text });
      const expected = mode === 'learn' ? '/tmp\nyes\n64\n' : '/tmp\nyes\n64\ndenied\n';
      expect({ mode, out: stdout(events) }).toEqual({ mode, out: expected });
      expect(outcome.exit?.code).toBe(0);
    }
  });

  it('stop ends every process of a run from the pool, a daemon in its own session too', async () => {
    pool = new WarmPool();
    pool.fill();
    await settled(pool);
    const dir = mkdtempSync(join(tmpdir(), 'warm-stop-'));
    const pidFile = join(dir, 'pids');
    const script = `setsid sh -c 'echo $$ >> ${pidFile}; exec sleep 300' & sleep 300 & echo $! >> ${pidFile}; echo started; wait`;
    const { outcome } = await run(
      pool,
      ['/bin/sh', '-c', script],
      { text: 'version: 1\nlinux:\n  seccomp:\n    default: allow\n' },
      (session, events) => {
        const poll = setInterval(() => {
          const ready =
            existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim().split('\n').length >= 2;
          if (ready && stdout(events).includes('started')) {
            clearInterval(poll);
            void session.stop();
          }
        }, 20);
      },
    );
    expect(outcome.exit?.signal).toBe('SIGKILL');
    for (const pid of readFileSync(pidFile, 'utf8').trim().split('\n').map(Number)) {
      expect(isRunning(pid), `process ${pid} outlived the run`).toBe(false);
    }
  });

  it('a run behind the namespace stage takes a cold launcher and leaves the warm one idle', async () => {
    pool = new WarmPool();
    pool.fill();
    const idle = await settled(pool);
    const text = `version: 1
linux:
  namespaces: [uts]
  seccomp:
    default: allow
`;
    const { events, outcome } = await run(pool, ['/bin/sh', '-c', 'echo ok'], { text });
    expect(outcome.exit?.code).toBe(0);
    expect(stdout(events)).toBe('ok\n');
    expect(pool.launcherPid).toBe(idle);
    expect(isRunning(idle)).toBe(true);
  });

  it('a warm launcher that died while idle is not used', async () => {
    pool = new WarmPool();
    pool.fill();
    const idle = await settled(pool);
    process.kill(idle, 'SIGKILL');
    await sleep(200);
    const { events, outcome } = await run(pool, ['/bin/echo', 'fresh']);
    expect(outcome.exit?.code).toBe(0);
    expect(outcome.exit?.pid).not.toBe(idle);
    expect(stdout(events)).toBe('fresh\n');
  });

  it('a launcher still on its way into its cgroup is not handed out: the run goes cold', async () => {
    pool = new WarmPool();
    pool.fill();
    const pending = pool.launcherPid;
    const { outcome } = await run(pool, ['/bin/true']);
    expect(outcome.exit?.code).toBe(0);
    expect(outcome.exit?.pid).not.toBe(pending);
    expect(pool.launcherPid).toBe(pending);
  });

  it('dispose ends the idle launcher and worker', async () => {
    const before = openFds();
    pool = new WarmPool();
    pool.fill();
    const idle = await settled(pool);
    expect(isRunning(idle)).toBe(true);
    await pool.dispose();
    expect(isRunning(idle)).toBe(false);
    expect(openFds()).toBe(before);
    pool.fill(); // a disposed pool starts nothing
    expect(pool.launcherPid).toBeUndefined();
    expect(pool.hasWorker).toBe(false);
  });

  it('30 runs through the pool, refilled after each, leak no descriptor and leave no process', async () => {
    const warmUp = new WarmPool();
    warmUp.fill();
    await run(warmUp, ['/bin/true']); // the worker and koffi open what they keep
    await warmUp.dispose();
    const before = openFds();
    pool = new WarmPool();
    const launchers = new Set<number>();
    for (let i = 0; i < 30; i++) {
      pool.fill();
      launchers.add(await settled(pool));
      const { outcome } = await run(pool, ['/bin/sh', '-c', '/bin/true & setsid /bin/sleep 30 &']);
      expect(outcome.exit?.code).toBe(0);
      expect(outcome.exit?.pid).toBe([...launchers].at(-1));
    }
    pool.fill();
    await pool.dispose();
    expect(launchers.size).toBe(30);
    expect(openFds()).toBe(before);
    for (const pid of launchers) expect(isRunning(pid)).toBe(false);
    const sleepers = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.trim() === '/bin/sleep 30');
    expect(sleepers).toEqual([]);
    pool.fill(); // a disposed pool starts nothing
    expect(pool.launcherPid).toBeUndefined();
    expect(pool.hasWorker).toBe(false);
  }, 120_000);
});
