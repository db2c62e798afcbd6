import { spawnSync, type ChildProcess } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { canRunLinuxIntegration } from '../../native-bridge/linux/c-test-program';
import {
  compileSandboxedProgram,
  startSandboxedProgram,
} from '../../native-bridge/linux/sandboxed-test-program';
import { builtEntry } from '../paths';

const startSandboxed = (binary: string) => startSandboxedProgram(binary);

function audit(...args: string[]) {
  return spawnSync(process.execPath, [builtEntry('cli.mjs'), 'audit', ...args], {
    encoding: 'utf8',
  });
}

describe.runIf(canRunLinuxIntegration)('sandbox-studio audit PID', () => {
  let binary = '';
  let child: ChildProcess | undefined;
  beforeAll(() => {
    binary = compileSandboxedProgram();
  });
  afterEach(() => child?.kill('SIGKILL'));

  it('shows the posture from /proc and decompiles the filter read with ptrace', async () => {
    child = await startSandboxed(binary);
    const result = audit(String(child.pid));
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('seccomp filter with 1 filter(s), no_new_privs on');
    expect(result.stdout).toContain('Max open files 32/32');
    expect(result.stdout).toContain('seccomp filter 0 (7 instructions');
    expect(result.stdout).toMatch(/errno: EPERM\s+syscalls: \[uname\]|uname/);
    expect(result.stdout).toMatch(/^Landlock: /m);
  });

  it('prints one JSON document with --json', async () => {
    child = await startSandboxed(binary);
    const result = audit(String(child.pid), '--json');
    const parsed = JSON.parse(result.stdout) as {
      posture: { pid: number; threads: { noNewPrivs: boolean }[] };
      filters: { length: number; policy?: string }[];
    };
    expect(parsed.posture.pid).toBe(child.pid);
    expect(parsed.posture.threads[0]?.noNewPrivs).toBe(true);
    expect(parsed.filters).toHaveLength(1);
    expect(parsed.filters[0]?.policy).toContain('uname');
  });

  it('names the missing privilege when the filters cannot be read', async () => {
    child = await startSandboxed(binary);
    // setpriv drops CAP_SYS_ADMIN (and everything else) for the auditing process.
    const result = spawnSync(
      'setpriv',
      [
        '--inh-caps=-all',
        '--bounding-set=-all',
        process.execPath,
        builtEntry('cli.mjs'),
        'audit',
        String(child.pid),
      ],
      { encoding: 'utf8' },
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/seccomp filters: reading the filters needs CAP_SYS_ADMIN/);
  });

  it('refuses a pid that is not a running process', () => {
    const result = audit('999999999');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('no process 999999999');
  });
});
