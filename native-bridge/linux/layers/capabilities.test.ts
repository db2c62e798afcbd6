import { beforeAll, describe, expect, it } from 'vitest';
import { CAPABILITY } from '../../../app/linux/layer-constants';
import { parseProcStatus } from '../../../app/linux/proc-status';
import {
  appliedLayers,
  errors,
  isRoot,
  launch,
  linuxX64,
  requireBuiltLauncher,
  warnings,
  type LaunchOutcome,
} from './test-support';

const cap = (name: string) => {
  const value = CAPABILITY.get(name);
  if (value === undefined) throw new Error(`${name} is not in the tables`);
  return value;
};
const NET_BIND = cap('CAP_NET_BIND_SERVICE');
const KILL = cap('CAP_KILL');
const bit = (...caps: number[]) => caps.reduce((mask, c) => mask | (1n << BigInt(c)), 0n);

/** The target's own view of its capabilities, after execve. */
function targetCaps(outcome: LaunchOutcome) {
  const parsed = parseProcStatus(outcome.stdout);
  if (!parsed.ok) throw new Error(`cannot parse the target's status: ${outcome.stdout}`);
  return parsed.status.capabilities;
}

const STATUS = ['/bin/cat', '/proc/self/status'];

if (!linuxX64) console.warn('skipping capability layer tests: they need Linux on x86_64');
if (linuxX64 && !isRoot) console.warn('skipping capability layer tests: they need root');

describe.runIf(linuxX64 && isRoot)('capabilities layer on the real kernel', () => {
  beforeAll(requireBuiltLauncher);

  it('keep-list for a root target: bounding, permitted and effective are exactly the list', async () => {
    const outcome = await launch({
      argv: STATUS,
      layers: {
        capabilities: {
          effective: [NET_BIND],
          permitted: [NET_BIND],
          inheritable: [],
          ambient: [],
          bounding: [NET_BIND],
        },
      },
    });
    expect(errors(outcome)).toEqual([]);
    // A root target's execve gives it permitted = bounding | inheritable: the bounding drop is
    // what holds for root.
    expect(targetCaps(outcome)).toEqual({
      inheritable: 0n,
      permitted: bit(NET_BIND),
      effective: bit(NET_BIND),
      bounding: bit(NET_BIND),
      ambient: 0n,
    });
    expect(appliedLayers(outcome)).toEqual(['capabilities', 'no_new_privs']);
  });

  it('a non-root target keeps capabilities through execve only as ambient ones', async () => {
    const outcome = await launch({
      argv: STATUS,
      layers: {
        identity: { user: 'nobody' },
        capabilities: {
          effective: [NET_BIND, KILL],
          permitted: [NET_BIND, KILL],
          inheritable: [NET_BIND, KILL],
          ambient: [NET_BIND],
          bounding: [NET_BIND, KILL],
        },
      },
    });
    expect(errors(outcome)).toEqual([]);
    expect(targetCaps(outcome)).toEqual({
      inheritable: bit(NET_BIND, KILL),
      permitted: bit(NET_BIND),
      effective: bit(NET_BIND),
      bounding: bit(NET_BIND, KILL),
      ambient: bit(NET_BIND),
    });
    expect(outcome.stdout).toMatch(/^Uid:\s+65534\s+65534\s+65534\s+65534$/m);
  });

  it('an identity switch without a capabilities layer drops permitted and effective like setuid', async () => {
    const outcome = await launch({ argv: STATUS, layers: { identity: { user: 'nobody' } } });
    expect(errors(outcome)).toEqual([]);
    const caps = targetCaps(outcome);
    expect(caps).toMatchObject({ permitted: 0n, effective: 0n, inheritable: 0n, ambient: 0n });
    expect(caps.bounding).not.toBe(0n);
  });

  it('an impossible set (ambient outside inheritable) stops the launch with EPERM before execve', async () => {
    const outcome = await launch({
      argv: STATUS,
      layers: {
        capabilities: {
          effective: [NET_BIND],
          permitted: [NET_BIND],
          inheritable: [],
          ambient: [NET_BIND],
          bounding: [NET_BIND],
        },
      },
    });
    expect(errors(outcome)).toEqual([
      {
        kind: 'error',
        layer: 'capabilities',
        message: 'prctl(PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE) failed: EPERM',
        errno: 1,
        errnoName: 'EPERM',
      },
    ]);
    expect(outcome.stdout).toBe('');
    expect(outcome.code).toBe(126);
  });

  it('best effort: the same failure is a warning, the rest of the layer still applies', async () => {
    const outcome = await launch({
      argv: STATUS,
      layers: {
        capabilities: {
          effective: [NET_BIND],
          permitted: [NET_BIND],
          inheritable: [],
          ambient: [NET_BIND],
          bounding: [NET_BIND],
          bestEffort: true,
        },
      },
    });
    expect(errors(outcome)).toEqual([]);
    expect(warnings(outcome)).toMatchObject([{ layer: 'capabilities', errnoName: 'EPERM' }]);
    expect(appliedLayers(outcome)).not.toContain('capabilities');
    expect(targetCaps(outcome)).toMatchObject({ bounding: bit(NET_BIND), ambient: 0n });
    expect(outcome.code).toBe(0);
  });

  it('an empty keep-list leaves a root target without any capability', async () => {
    const outcome = await launch({
      argv: STATUS,
      layers: {
        capabilities: { effective: [], permitted: [], inheritable: [], ambient: [], bounding: [] },
      },
    });
    expect(errors(outcome)).toEqual([]);
    expect(targetCaps(outcome)).toEqual({
      inheritable: 0n,
      permitted: 0n,
      effective: 0n,
      bounding: 0n,
      ambient: 0n,
    });
  });
});
