import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { CAPABILITY, LANDLOCK, RLIMIT } from '../../../app/linux/layer-constants';
import type { LaunchSpec } from '../../launch-spec';
import { findLauncherPid, launcherInvocation } from '../../namespace-stage';
import { landlockAbi } from './landlock';
import {
  appliedLayers,
  builtLauncher,
  errors,
  isRoot,
  launch,
  linuxX64,
  plan,
  requireBuiltLauncher,
} from './test-support';

const landlock = linuxX64 && typeof landlockAbi() === 'number';
const canUnshare = linuxX64 && spawnSync('unshare', ['--pid', '--fork', 'true']).status === 0;
const runAll = linuxX64 && isRoot && landlock && canUnshare;

const num = (map: ReadonlyMap<string, number>, name: string) => {
  const value = map.get(name);
  if (value === undefined) throw new Error(`${name} is not in the tables`);
  return value;
};
const right = (name: string) => {
  const value = LANDLOCK.get(name);
  if (value === undefined) throw new Error(`${name} is not in the tables`);
  return value;
};
const READ = right('LANDLOCK_ACCESS_FS_READ_FILE') | right('LANDLOCK_ACCESS_FS_READ_DIR');
const RUN = READ | right('LANDLOCK_ACCESS_FS_EXECUTE');

/** /bin/sh with its libraries, a readable /work and a /secret Landlock will hide. */
function makeRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'layers-all-'));
  chmodSync(root, 0o755);
  const shell = realpathSync('/bin/sh');
  const libraries = execFileSync('ldd', [shell], { encoding: 'utf8' })
    .split('\n')
    .flatMap((line) => /(\/\S+)/.exec(line)?.[1] ?? []);
  for (const file of [...libraries, '/bin/sh']) {
    const target = join(root, file);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(realpathSync(file), target);
    chmodSync(target, 0o755);
  }
  mkdirSync(join(root, 'work'));
  writeFileSync(join(root, 'work', 'note'), 'note\n');
  writeFileSync(join(root, 'secret'), 'secret\n');
  chmodSync(join(root, 'secret'), 0o644);
  return root;
}

function everyLayer(root: string, extra: Record<string, unknown> = {}) {
  const netBind = num(CAPABILITY, 'CAP_NET_BIND_SERVICE');
  const allFs = [...LANDLOCK]
    .filter(([name]) => name.startsWith('LANDLOCK_ACCESS_FS_'))
    .reduce((mask, [, value]) => mask | value, 0n);
  return {
    namespaces: { kinds: ['pid', 'net', 'mount', 'ipc', 'uts'] },
    landlock: {
      minAbi: 1,
      handledFs: String(allFs),
      handledNet: '0',
      // Host paths: the rules are made before chroot.
      paths: [
        { path: join(root, 'bin'), access: String(RUN) },
        { path: join(root, 'lib'), access: String(RUN) },
        { path: join(root, 'lib64'), access: String(RUN) },
        { path: join(root, 'work'), access: String(READ) },
      ],
      netBind: [],
      netConnect: [],
    },
    chroot: { path: root, cwd: '/work' },
    rlimits: [
      { name: 'nofile', resource: num(RLIMIT, 'RLIMIT_NOFILE'), soft: '32', hard: '32' },
      { name: 'nproc', resource: num(RLIMIT, 'RLIMIT_NPROC'), soft: '0', hard: '0' },
    ],
    identity: { user: 'nobody' },
    capabilities: {
      effective: [netBind],
      permitted: [netBind],
      inheritable: [netBind],
      ambient: [netBind],
      bounding: [netBind],
    },
    ...extra,
  };
}

if (linuxX64 && !runAll) {
  console.warn('skipping the all-layers runs: they need root, Landlock and unshare');
}

describe.runIf(runAll)('every layer together, in order', () => {
  beforeAll(requireBuiltLauncher);

  it('applies namespaces, chroot, identity, rlimits, capabilities, no_new_privs, landlock in that order', async () => {
    const root = makeRoot();
    const outcome = await launch({
      argv: [
        'sh',
        '-c',
        'echo $$; pwd; ulimit -n; ulimit -p; read l < note; echo $l; read s < /secret; echo $s',
      ],
      env: { PATH: '/bin' },
      layers: everyLayer(root),
    });
    expect(errors(outcome)).toEqual([]);
    expect(appliedLayers(outcome)).toEqual([
      'namespaces',
      'chroot',
      'identity',
      'rlimits',
      'rlimits',
      'capabilities',
      'no_new_privs',
      'landlock',
    ]);
    expect(outcome.stdout).toBe('1\n/work\n32\n0\nnote\n\n');
    expect(outcome.stderr).toMatch(/\/secret: Permission denied/);
    expect(outcome.code).toBe(0);
  });

  it('the first failing layer stops everything after it, and the target never runs', async () => {
    const root = makeRoot();
    const outcome = await launch({
      argv: ['sh', '-c', 'echo ran'],
      env: { PATH: '/bin' },
      layers: everyLayer(root, { chroot: { path: join(root, 'missing') } }),
    });
    expect(errors(outcome)).toMatchObject([{ layer: 'chroot', errnoName: 'ENOENT' }]);
    expect(appliedLayers(outcome)).toEqual(['namespaces']);
    expect(outcome.stdout).toBe('');
    expect(outcome.code).toBe(126);
  });

  it('in a user namespace (only root mapped, setgroups denied) an identity switch fails closed', async () => {
    const groups = await launch({
      argv: ['/bin/echo', 'ran'],
      layers: { namespaces: { kinds: ['user'] }, identity: { user: 'nobody' } },
    });
    expect(errors(groups)).toMatchObject([
      { layer: 'identity', message: expect.stringMatching(/^setgroups/), errnoName: 'EPERM' },
    ]);
    expect(groups.code).toBe(126);
    const unmapped = await launch({
      argv: ['/bin/echo', 'ran'],
      layers: { namespaces: { kinds: ['user'] }, identity: { user: 'nobody', groups: [] } },
    });
    expect(errors(unmapped)).toMatchObject([{ layer: 'identity', errnoName: 'EPERM' }]);
  });

  it('when the studio dies, the stage (pid namespace), the launcher and the target go with it', async () => {
    const { stagePid, targetPid } = await killStudioDuringRun({ namespaces: { kinds: ['pid'] } });
    expect(stagePid).not.toBe(targetPid);
    expect(await vanishes(stagePid)).toBe(true);
    expect(await vanishes(targetPid)).toBe(true);
  });

  it('a target that switched identity still dies with the studio (PDEATHSIG is re-armed after the switch)', async () => {
    const { targetPid } = await killStudioDuringRun({ identity: { user: 'nobody' } });
    expect(await vanishes(targetPid)).toBe(true);
  });
});

/**
 * A shell plays the studio: it starts the launcher (through the stage when the plan says so) in
 * the background, the launcher execs `sleep 30`, then the shell is killed.
 */
async function killStudioDuringRun(
  layers: Record<string, unknown>,
): Promise<{ stagePid: number; targetPid: number }> {
  const parsed = plan(layers);
  const invocation = launcherInvocation(process.execPath, builtLauncher, parsed);
  const studio = spawn(
    '/bin/sh',
    ['-c', '"$@" & echo $!; wait', 'studio', invocation.file, ...invocation.args],
    { stdio: ['ignore', 'pipe', 'ignore', 'pipe'] },
  );
  const spec: LaunchSpec = {
    path: '/bin/sleep',
    argv: ['/bin/sleep', '30'],
    env: {},
    noNewPrivs: true,
    listener: false,
    layers: parsed,
  };
  const control = studio.stdio[3] as Duplex;
  control.on('error', () => undefined);
  const applied = new Promise<void>((resolve) => {
    control.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('no_new_privs')) resolve();
    });
  });
  control.write(`${JSON.stringify(spec)}\n`);
  const stagePid = await new Promise<number>((resolve) =>
    studio.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
  );
  await applied;
  const targetPid = findLauncherPid(stagePid, invocation) ?? -1;
  const cmdline = () => readFileSync(`/proc/${targetPid}/cmdline`, 'utf8');
  for (let i = 0; i < 100 && !cmdline().includes('sleep'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20)); // the launcher is about to exec
  }
  if (!cmdline().includes('sleep')) throw new Error('the target did not start');
  studio.kill('SIGKILL');
  return { stagePid, targetPid };
}

/** Whether `pid` is gone (or a zombie: it runs no code) within two seconds. */
async function vanishes(pid: number): Promise<boolean> {
  const gone = () => {
    try {
      return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
    } catch {
      return true;
    }
  };
  for (let i = 0; i < 100 && !gone(); i++) await new Promise((r) => setTimeout(r, 20));
  return gone();
}
