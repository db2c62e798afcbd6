import { describe, expect, it } from 'vitest';
import layersExample from '../../examples/layers.sandbox.yaml?raw';
import { CAPABILITY, RLIMIT } from '../linux/layer-constants';
import { parsePolicy } from '../policy/parse';
import { yaml } from '../policy/test-helpers';
import { landlockFsRights, landlockGrantRights, landlockNetRight } from './landlock-rights';
import { LinuxLayerPlan } from './layer-plan';
import { planLinuxLayers } from './plan';

function planOf(text: string): LinuxLayerPlan {
  const { policy, diagnostics } = parsePolicy(text);
  if (!policy) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return planLinuxLayers(policy);
}

const cap = (name: string) => CAPABILITY.get(`CAP_${name}`)!;
const rlimit = (name: string) => RLIMIT.get(`RLIMIT_${name}`)!;
const grant = (...kinds: ('read' | 'write' | 'execute')[]) =>
  kinds.reduce((mask, k) => mask | landlockGrantRights(k), 0n).toString();

describe('planLinuxLayers', () => {
  it('plans nothing for a policy without layers', () => {
    expect(planOf('version: 1\n')).toEqual({ rlimits: [] });
  });

  it("plans OpenSSH's rlimit sandbox exactly: nofile, nproc and fsize 0/0", () => {
    expect(planOf('version: 1\nlinux:\n  rlimits: { nofile: 0, nproc: 0, fsize: 0 }\n')).toEqual({
      rlimits: [
        { name: 'nofile', resource: rlimit('NOFILE'), soft: '0', hard: '0', bestEffort: false },
        { name: 'nproc', resource: rlimit('NPROC'), soft: '0', hard: '0', bestEffort: false },
        { name: 'fsize', resource: rlimit('FSIZE'), soft: '0', hard: '0', bestEffort: false },
      ],
    });
  });

  it('writes 64-bit limits as decimal strings and unlimited as such', () => {
    const plan = planOf(yaml`
      version: 1
      linux:
        best_effort: [rlimits]
        rlimits:
          as: 16T
          stack: { soft: 8M, hard: unlimited }
          rttime: "18446744073709551615"
    `);
    expect(plan.rlimits).toEqual([
      {
        name: 'as',
        resource: rlimit('AS'),
        soft: '17592186044416',
        hard: '17592186044416',
        bestEffort: true,
      },
      {
        name: 'stack',
        resource: rlimit('STACK'),
        soft: '8388608',
        hard: 'unlimited',
        bestEffort: true,
      },
      {
        name: 'rttime',
        resource: rlimit('RTTIME'),
        soft: '18446744073709551615',
        hard: '18446744073709551615',
        bestEffort: true,
      },
    ]);
  });

  it('turns capability names into sorted numbers; keep empties inheritable and ambient', () => {
    const plan = planOf(
      'version: 1\nlinux:\n  capabilities: { keep: [SYS_CHROOT, net_bind_service] }\n',
    );
    const kept = [cap('NET_BIND_SERVICE'), cap('SYS_CHROOT')].sort((a, b) => a - b);
    expect(plan.capabilities).toEqual({
      effective: kept,
      permitted: kept,
      inheritable: [],
      ambient: [],
      bounding: kept,
      bestEffort: false,
    });
    expect(planOf('version: 1\nlinux:\n  capabilities: { keep: [] }\n').capabilities).toEqual({
      effective: [],
      permitted: [],
      inheritable: [],
      ambient: [],
      bounding: [],
      bestEffort: false,
    });
  });

  it('plans the long capability form set by set', () => {
    const plan = planOf(yaml`
      version: 1
      linux:
        user: nobody
        best_effort: [capabilities]
        capabilities:
          permitted: [net_raw, net_admin]
          effective: [net_raw]
          inheritable: [net_raw, net_admin]
          ambient: [net_raw, net_admin]
          bounding: [net_raw, net_admin]
    `);
    const both = [cap('NET_ADMIN'), cap('NET_RAW')].sort((a, b) => a - b);
    expect(plan.capabilities).toEqual({
      effective: [cap('NET_RAW')],
      permitted: both,
      inheritable: both,
      ambient: both,
      bounding: both,
      bestEffort: true,
    });
  });

  it('passes user and group names through for the launcher to resolve', () => {
    expect(
      planOf('version: 1\nlinux:\n  user: nobody\n  group: 65534\n  groups: [audio, 27, audio]\n')
        .identity,
    ).toEqual({ user: 'nobody', group: 65534, groups: ['audio', 27], bestEffort: false });
    expect(planOf('version: 1\nlinux:\n  user: "1000"\n').identity).toEqual({
      user: 1000,
      bestEffort: false,
    });
  });

  it('takes target.cwd as the directory inside the chroot', () => {
    expect(
      planOf(yaml`
        version: 1
        target: { command: [/bin/sh], cwd: /home }
        linux:
          user: nobody
          chroot: /srv/jail
      `).chroot,
    ).toEqual({ path: '/srv/jail', cwd: '/home', bestEffort: false });
    expect(planOf('version: 1\nlinux:\n  user: nobody\n  chroot: /var/empty\n').chroot).toEqual({
      path: '/var/empty',
      bestEffort: false,
    });
  });

  it('plans namespaces in the order written', () => {
    expect(
      planOf('version: 1\nlinux:\n  namespaces: [user, mount, pid]\n  best_effort: [namespaces]\n')
        .namespaces,
    ).toEqual({ kinds: ['user', 'mount', 'pid'], bestEffort: true });
  });
});

describe('planLinuxLayers: Landlock', () => {
  it('handles every file right and merges the grants of one path', () => {
    const plan = planOf(yaml`
      version: 1
      linux:
        landlock:
          read: [/usr, /tmp/out/, /etc]
          write: [/tmp/out]
          execute: [/usr]
    `);
    expect(plan.landlock).toEqual({
      minAbi: 1,
      handledFs: landlockFsRights().toString(),
      handledNet: '0',
      paths: [
        { path: '/usr', access: grant('read', 'execute') },
        { path: '/tmp/out', access: grant('read', 'write') },
        { path: '/etc', access: grant('read') },
      ],
      netBind: [],
      netConnect: [],
      bestEffort: false,
    });
  });

  it('handles a network right when its list is written, and then needs ABI 4', () => {
    const plan = planOf(yaml`
      version: 1
      linux:
        best_effort: [landlock]
        landlock: { net_connect: [443, 80, 443], net_bind: [] }
    `);
    expect(plan.landlock).toEqual({
      minAbi: 4,
      handledFs: '0',
      handledNet: (landlockNetRight('bind') | landlockNetRight('connect')).toString(),
      paths: [],
      netBind: [],
      netConnect: [80, 443],
      bestEffort: true,
    });
    const connectOnly = planOf('version: 1\nlinux:\n  landlock: { read: [], net_connect: [] }\n');
    expect(connectOnly.landlock).toMatchObject({
      minAbi: 4,
      handledFs: landlockFsRights().toString(),
      handledNet: landlockNetRight('connect').toString(),
      paths: [],
    });
  });

  it('keeps / as a path and collapses doubled slashes', () => {
    expect(
      planOf('version: 1\nlinux:\n  landlock: { read: [/, //usr//lib/] }\n').landlock?.paths,
    ).toEqual([
      { path: '/', access: grant('read') },
      { path: '/usr/lib', access: grant('read') },
    ]);
  });
});

describe('examples/layers.sandbox.yaml', () => {
  const { policy, diagnostics } = parsePolicy(layersExample);

  it('parses without any diagnostic', () => {
    expect(diagnostics).toEqual([]);
  });

  it('plans every layer, and the plan satisfies the launcher contract', () => {
    const plan = planLinuxLayers(policy!);
    expect(LinuxLayerPlan.parse(JSON.parse(JSON.stringify(plan)))).toEqual(plan);
    expect(plan.namespaces).toEqual({ kinds: ['ipc', 'uts'], bestEffort: true });
    expect(plan.rlimits.map((r) => [r.name, r.soft, r.hard])).toEqual([
      ['nofile', '64', '64'],
      ['fsize', '0', '0'],
      ['core', '0', '0'],
      ['as', '1073741824', '1073741824'],
      ['cpu', '10', '10'],
      ['stack', '8388608', '16777216'],
    ]);
    expect(plan.identity).toEqual({
      user: 'nobody',
      group: 'nogroup',
      groups: [],
      bestEffort: false,
    });
    expect(plan.capabilities?.bounding).toEqual([]);
    expect(plan.landlock).toMatchObject({ minAbi: 4, netConnect: [], bestEffort: true });
    expect(plan.landlock?.paths.map((p) => p.path)).toEqual([
      '/usr',
      '/etc',
      '/tmp',
      '/usr/bin',
      '/usr/lib',
      '/usr/lib64',
    ]);
    expect(plan.chroot).toBeUndefined();
  });
});
