import { spawnSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NamespaceKind } from '../../../app/sandbox/layer-plan';
import {
  errnoFromMessage,
  findLauncherPid,
  launcherInvocation,
  NAMESPACE_STAGE_ARG,
  readNamespaceStage,
  unshareFlags,
} from '../../namespace-stage';
import {
  appliedLayers,
  builtLauncher,
  errors,
  launch,
  linuxX64,
  plan,
  requireBuiltLauncher,
  warnings,
} from './test-support';

const ALL: NamespaceKind[] = ['user', 'pid', 'net', 'mount', 'ipc', 'uts'];

/** Whether this machine lets us make every kind (user namespaces may be disabled by sysctl). */
const canUnshare =
  linuxX64 &&
  spawnSync('unshare', ['--user', '--map-root-user', '--pid', '--fork', '--net', 'true']).status ===
    0;

function isAlive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

describe('namespace stage: command lines and reports', () => {
  it('maps each kind to unshare flags; a pid namespace forks and gets its own /proc with a mount namespace', () => {
    expect(unshareFlags(['net'])).toEqual(['--net']);
    expect(unshareFlags(['user', 'pid'])).toEqual([
      '--user',
      '--map-root-user',
      '--pid',
      '--fork',
      '--kill-child',
    ]);
    expect(unshareFlags(['pid', 'mount', 'pid'])).toEqual([
      '--pid',
      '--fork',
      '--kill-child',
      '--mount',
      '--mount-proc',
    ]);
  });

  it("reads the errno from unshare's message by the errno table's descriptions", () => {
    expect(errnoFromMessage('unshare: unshare failed: Operation not permitted\n')).toBe(1);
    expect(errnoFromMessage('unshare: unshare failed: No space left on device')).toBe(28);
    expect(errnoFromMessage('unshare: something odd')).toBeUndefined();
  });

  it('without namespaces the launcher is started directly', () => {
    expect(launcherInvocation('/node', '/launcher.mjs')).toEqual({
      file: '/node',
      args: ['/launcher.mjs'],
      forks: false,
    });
    expect(launcherInvocation('/node', '/launcher.mjs', plan({ rlimits: [] }))).toMatchObject({
      file: '/node',
      forks: false,
    });
  });

  it('the report round-trips through the argument', () => {
    const report = { stage: 'unavailable', message: 'no', errno: 1 } as const;
    expect(readNamespaceStage(['x', `${NAMESPACE_STAGE_ARG}${JSON.stringify(report)}`])).toEqual(
      report,
    );
    expect(readNamespaceStage(['x'])).toBeUndefined();
    expect(() => readNamespaceStage([`${NAMESPACE_STAGE_ARG}{"stage":"odd"}`])).toThrow(/unknown/);
  });
});

if (linuxX64 && !canUnshare) console.warn('skipping namespace runs: this machine cannot unshare');

describe.runIf(canUnshare)('namespaces layer on the real kernel', () => {
  beforeAll(requireBuiltLauncher);

  it('runs the target as pid 1 of new user, pid, net, mount, ipc and uts namespaces; fd 3 survives the stage', async () => {
    const layers = plan({ namespaces: { kinds: ALL } });
    const invocation = launcherInvocation(process.execPath, builtLauncher, layers);
    expect(invocation).toMatchObject({ file: expect.stringMatching(/setpriv$/), forks: true });
    let launcherPid: number | undefined;
    let nspid = '';
    const outcome = await launch({
      argv: [
        '/bin/sh',
        '-c',
        'echo $$; cat /proc/self/uid_map; hostname inside; hostname; wc -l < /proc/net/dev; for n in user pid net mnt ipc uts; do readlink /proc/self/ns/$n; done',
      ],
      layers,
      invocation,
      onMessage: (message, spawnedPid) => {
        if (message.kind !== 'applied' || message.layer !== 'namespaces') return;
        launcherPid = findLauncherPid(spawnedPid, invocation);
        nspid =
          /^NSpid:\s+(.*)$/m.exec(readFileSync(`/proc/${launcherPid}/status`, 'utf8'))?.[1] ?? '';
      },
    });
    expect(errors(outcome)).toEqual([]);
    expect(outcome.messages[0]).toEqual({
      kind: 'applied',
      layer: 'namespaces',
      detail: ALL.join(', '),
    });
    const lines = outcome.stdout.trim().split('\n');
    expect(lines[0]).toBe('1');
    expect(lines[1]?.trim().split(/\s+/)).toEqual(['0', '0', '1']);
    expect(lines[2]).toBe('inside');
    expect(lines[3]?.trim()).toBe('3'); // two header lines and lo: a fresh network namespace
    const outside = ['user', 'pid', 'net', 'mnt', 'ipc', 'uts'].map((n) =>
      readlinkSync(`/proc/self/ns/${n}`),
    );
    for (const [i, link] of lines.slice(4).entries()) expect(link).not.toBe(outside[i]);
    expect(readFileSync('/proc/sys/kernel/hostname', 'utf8').trim()).not.toBe('inside');
    // The launcher found from outside is the namespace's pid 1, a child of the stage.
    expect(launcherPid).not.toBe(outcome.spawnedPid);
    expect(nspid.split(/\s+/)).toEqual([String(launcherPid), '1']);
    expect(outcome.code).toBe(0);
  });

  it('the exit status comes back through the stage', async () => {
    const outcome = await launch({
      argv: ['/bin/sh', '-c', 'exit 3'],
      layers: { namespaces: { kinds: ['pid', 'net'] } },
    });
    expect(errors(outcome)).toEqual([]);
    expect(outcome.code).toBe(3);
  });

  it('without a pid namespace the stage execs the launcher: same pid', () => {
    const invocation = launcherInvocation(
      process.execPath,
      builtLauncher,
      plan({ namespaces: { kinds: ['net'] } }),
    );
    expect(invocation.forks).toBe(false);
    expect(findLauncherPid(1234, invocation)).toBe(1234);
  });

  it('when the stage dies, the launcher and the target die with it', async () => {
    let stagePid = 0;
    let targetPid: number | undefined;
    const layers = plan({ namespaces: { kinds: ['user', 'pid'] } });
    const invocation = launcherInvocation(process.execPath, builtLauncher, layers);
    const outcome = await launch({
      argv: ['/bin/sleep', '30'],
      layers,
      invocation,
      onMessage: (message, spawnedPid) => {
        if (message.kind !== 'applied' || message.layer !== 'no_new_privs') return;
        stagePid = spawnedPid;
        targetPid = findLauncherPid(spawnedPid, invocation);
        setTimeout(() => process.kill(stagePid, 'SIGKILL'), 200);
      },
    });
    expect(outcome.signal).toBe('SIGKILL');
    expect(targetPid).toBeDefined();
    for (let i = 0; i < 100 && isAlive(targetPid ?? 0); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(isAlive(targetPid ?? 0)).toBe(false);
  });

  it('a launcher started without the stage refuses a plan with namespaces', async () => {
    const outcome = await launch({
      argv: ['/bin/echo', 'ran'],
      layers: { namespaces: { kinds: ['net'] } },
      invocation: { file: process.execPath, args: [builtLauncher], forks: false },
    });
    expect(errors(outcome)).toEqual([
      {
        kind: 'error',
        layer: 'namespaces',
        message: 'the launcher was not started through the namespace stage (launcherInvocation)',
      },
    ]);
    expect(outcome.stdout).toBe('');
    expect(outcome.code).toBe(126);
  });

  it('a stage that could not unshare is reported with its errno; best effort runs without namespaces', async () => {
    const report = {
      stage: 'unavailable',
      message: 'unshare --net failed: unshare: unshare failed: Operation not permitted',
      errno: 1,
    };
    const invocation = {
      file: process.execPath,
      args: [builtLauncher, `${NAMESPACE_STAGE_ARG}${JSON.stringify(report)}`],
      forks: false,
    };
    const strict = await launch({
      argv: ['/bin/echo', 'ran'],
      layers: { namespaces: { kinds: ['net'] } },
      invocation,
    });
    expect(errors(strict)).toEqual([
      { kind: 'error', layer: 'namespaces', message: report.message, errno: 1, errnoName: 'EPERM' },
    ]);
    expect(strict.code).toBe(126);
    const lenient = await launch({
      argv: ['/bin/echo', 'ran'],
      layers: { namespaces: { kinds: ['net'], bestEffort: true } },
      invocation,
    });
    expect(warnings(lenient)).toEqual([
      {
        kind: 'warning',
        layer: 'namespaces',
        message: report.message,
        errno: 1,
        errnoName: 'EPERM',
      },
    ]);
    expect(appliedLayers(lenient)).toEqual(['no_new_privs']);
    expect(lenient.stdout).toBe('ran\n');
  });
});
