import { capabilityNumber } from '../linux/capabilities';
import { rlimitResource } from '../linux/rlimits';
import type {
  BestEffortLayer,
  CapabilitiesPolicy,
  CapabilityRef,
  LandlockPolicy,
  LinuxPolicy,
  PathRef,
  Policy,
  PortRef,
  RlimitAmount,
  RlimitSetting,
} from '../policy/model';
import {
  LANDLOCK_NET_ABI,
  landlockFsRights,
  landlockGrantRights,
  landlockNetRight,
  type LandlockFsGrant,
} from './landlock-rights';
import {
  LinuxLayerPlan,
  type CapabilitiesPlan,
  type LandlockPlan,
  type RlimitPlan,
} from './layer-plan';

/**
 * A valid policy's Linux layers → the launcher's plan (layer-plan.ts): names resolved to kernel
 * numbers from the generated tables, lists deduplicated, best-effort flags attached. Pure; the
 * launcher resolves user and group names (linux/passwd.ts) because they depend on the machine.
 */
export function planLinuxLayers(policy: Policy): LinuxLayerPlan {
  const linux = policy.linux;
  const bestEffort = (layer: BestEffortLayer) =>
    (linux.bestEffort ?? []).some((entry) => entry.layer === layer);
  const plan = {
    ...(linux.namespaces && {
      namespaces: { kinds: [...linux.namespaces.kinds], bestEffort: bestEffort('namespaces') },
    }),
    ...(linux.chroot && {
      chroot: {
        path: linux.chroot.path,
        ...(policy.target?.cwd !== undefined && { cwd: policy.target.cwd }),
        bestEffort: bestEffort('chroot'),
      },
    }),
    rlimits: (linux.rlimits ?? []).map((r) => planRlimit(r, bestEffort('rlimits'))),
    ...(linux.landlock && { landlock: planLandlock(linux.landlock, bestEffort('landlock')) }),
    ...(linux.identity && { identity: planIdentity(linux, bestEffort('identity')) }),
    ...(linux.capabilities && {
      capabilities: planCapabilities(linux.capabilities, bestEffort('capabilities')),
    }),
  };
  // The contract's own schema is the last check: a plan that breaks it is a bug here.
  return LinuxLayerPlan.parse(plan);
}

function amount(value: RlimitAmount): RlimitPlan['soft'] {
  return typeof value === 'bigint' ? value.toString() : value;
}

function planRlimit(setting: RlimitSetting, bestEffort: boolean): RlimitPlan {
  const resource = rlimitResource(setting.name);
  if (resource === undefined) throw new Error(`validated rlimit ${setting.name} has no number`);
  return {
    name: setting.name,
    resource,
    soft: amount(setting.soft),
    hard: amount(setting.hard),
    bestEffort,
  };
}

function capabilityNumbers(refs: readonly CapabilityRef[]): number[] {
  const numbers = refs.map((ref) => {
    const n = capabilityNumber(ref.name);
    if (n === undefined) throw new Error(`validated capability ${ref.name} has no number`);
    return n;
  });
  return [...new Set(numbers)].sort((a, b) => a - b);
}

function planCapabilities(caps: CapabilitiesPolicy, bestEffort: boolean): CapabilitiesPlan {
  return {
    effective: capabilityNumbers(caps.effective),
    permitted: capabilityNumbers(caps.permitted),
    inheritable: capabilityNumbers(caps.inheritable),
    ambient: capabilityNumbers(caps.ambient),
    bounding: capabilityNumbers(caps.bounding),
    bestEffort,
  };
}

function planIdentity(linux: LinuxPolicy, bestEffort: boolean) {
  const { user, group, groups } = linux.identity ?? {};
  return {
    ...(user !== undefined && { user }),
    ...(group !== undefined && { group }),
    ...(groups !== undefined && { groups: [...new Set(groups)] }),
    bestEffort,
  };
}

/** `/tmp/` and `/tmp` are one directory to Landlock; keep one rule for it. */
function normalizePath(path: string): string {
  const collapsed = path.replace(/\/{2,}/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/+$/, '') : collapsed;
}

function pathRules(landlock: LandlockPolicy): LandlockPlan['paths'] {
  const access = new Map<string, bigint>();
  const grant = (refs: readonly PathRef[] | undefined, kind: LandlockFsGrant) => {
    for (const ref of refs ?? []) {
      const path = normalizePath(ref.path);
      access.set(path, (access.get(path) ?? 0n) | landlockGrantRights(kind));
    }
  };
  grant(landlock.read, 'read');
  grant(landlock.write, 'write');
  grant(landlock.execute, 'execute');
  return [...access].map(([path, bits]) => ({ path, access: bits.toString() }));
}

function ports(refs: readonly PortRef[] | undefined): number[] {
  return [...new Set((refs ?? []).map((r) => r.port))].sort((a, b) => a - b);
}

/**
 * File system rights are handled (denied unless granted) when the policy writes any of
 * read/write/execute: all rights the tables know, the launcher keeping those its kernel has.
 * A network right is handled when its list is written. minAbi: 1 for files, 4 for the network.
 */
function planLandlock(landlock: LandlockPolicy, bestEffort: boolean): LandlockPlan {
  const handlesFs = [landlock.read, landlock.write, landlock.execute].some((l) => l !== undefined);
  const handledNet =
    (landlock.netBind ? landlockNetRight('bind') : 0n) |
    (landlock.netConnect ? landlockNetRight('connect') : 0n);
  return {
    minAbi: handledNet !== 0n ? LANDLOCK_NET_ABI : 1,
    handledFs: (handlesFs ? landlockFsRights() : 0n).toString(),
    handledNet: handledNet.toString(),
    paths: pathRules(landlock),
    netBind: ports(landlock.netBind),
    netConnect: ports(landlock.netConnect),
    bestEffort,
  };
}
