import { canonicalCapabilityName } from '../linux/capabilities';
import type { CapabilitySetName } from './layer-schema';
import type {
  CapabilitiesPolicy,
  CapabilityRef,
  ChrootPolicy,
  IdentityPolicy,
  IdRef,
  LandlockPolicy,
  LinuxPolicy,
  NamespaceKind,
  NamespacesPolicy,
  PathRef,
  PortRef,
  ProgramSetting,
  RlimitSetting,
  BestEffortLayer,
} from './model';
import { parseRlimitValue, type RlimitValueResult } from './rlimit-values';
import type { PolicyDocument } from './schema';
import { closestRange, nodeAt, type YamlPath, type YamlSource } from './yaml-source';

type LinuxDocument = PolicyDocument['linux'];
type LayerFields = Omit<LinuxPolicy, 'noNewPrivs' | 'seccomp'>;

const LINUX: YamlPath = ['linux'];

/**
 * The model of the Linux layers besides seccomp, from a document the schema accepted; every
 * entry keeps the range of its YAML node. Absent layers stay absent.
 */
export function buildLayers(linux: LinuxDocument, source: YamlSource): LayerFields {
  const at = (...path: PropertyKey[]) => closestRange(source, [...LINUX, ...path]);
  const capabilities = linux.capabilities && buildCapabilities(linux.capabilities, at);
  const identity = buildIdentity(linux, source, at);
  const landlock = linux.landlock && buildLandlock(linux.landlock, at);
  return {
    ...(linux.rlimits && { rlimits: buildRlimits(linux.rlimits, at) }),
    ...(capabilities && { capabilities }),
    ...(identity && { identity }),
    ...(linux.chroot !== undefined && { chroot: buildChroot(linux.chroot, at) }),
    ...(landlock && { landlock }),
    ...(linux.namespaces &&
      linux.namespaces.length > 0 && {
        namespaces: buildNamespaces(linux.namespaces, at),
      }),
    ...(linux.best_effort && {
      bestEffort: linux.best_effort.map((layer, index) => ({
        layer: layer as BestEffortLayer,
        range: at('best_effort', index),
      })),
    }),
    ...(linux.dumpable !== undefined && { dumpable: setting(linux.dumpable, at('dumpable')) }),
    ...(linux.seccomp_strict !== undefined && {
      seccompStrict: setting(linux.seccomp_strict, at('seccomp_strict')),
    }),
  };
}

type RangeAt = (...path: PropertyKey[]) => ReturnType<typeof closestRange>;

function setting(value: boolean, range: ProgramSetting['range']): ProgramSetting {
  return { value, range };
}

function buildRlimits(
  rlimits: NonNullable<LinuxDocument['rlimits']>,
  at: RangeAt,
): RlimitSetting[] {
  return Object.entries(rlimits)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => {
      const pair = typeof value === 'object' ? value : { soft: value, hard: value };
      return {
        name,
        soft: validAmount(parseRlimitValue(name, pair.soft)),
        hard: validAmount(parseRlimitValue(name, pair.hard)),
        range: at('rlimits', name),
      };
    })
    .sort((a, b) => a.range.start.offset - b.range.start.offset); // file order, not the schema's
}

/** The schema has checked the value already; a failure here is a bug, not bad input. */
function validAmount(result: RlimitValueResult) {
  if ('error' in result) throw new Error(`validated rlimit is invalid: ${result.error}`);
  return result.value;
}

function buildCapabilities(
  caps: NonNullable<LinuxDocument['capabilities']>,
  at: RangeAt,
): CapabilitiesPolicy {
  const refs = (set: 'keep' | CapabilitySetName): CapabilityRef[] => {
    const seen = new Set<string>();
    const out: CapabilityRef[] = [];
    (caps[set] ?? []).forEach((written, index) => {
      const name = canonicalCapabilityName(written);
      if (name === undefined) throw new Error(`validated capability ${written} is unknown`);
      if (seen.has(name)) return;
      seen.add(name);
      out.push({ name, range: at('capabilities', set, index) });
    });
    return out;
  };
  const range = at('capabilities');
  if (caps.keep !== undefined) {
    const keep = refs('keep');
    return {
      effective: keep,
      permitted: keep,
      inheritable: [],
      ambient: [],
      bounding: keep,
      shorthand: true,
      range,
    };
  }
  return {
    effective: refs('effective'),
    permitted: refs('permitted'),
    inheritable: refs('inheritable'),
    ambient: refs('ambient'),
    bounding: refs('bounding'),
    shorthand: false,
    range,
  };
}

/** `"65534"` is a uid, as chown reads it; Debian forbids all-digit names anyway. */
function idRef(value: string | number): IdRef {
  const text = String(value).trim();
  return /^\d+$/.test(text) ? Number(text) : text;
}

function buildIdentity(
  linux: LinuxDocument,
  source: YamlSource,
  at: RangeAt,
): IdentityPolicy | undefined {
  const { user, group, groups } = linux;
  if (user === undefined && group === undefined && groups === undefined) return undefined;
  const key = (['user', 'group', 'groups'] as const).find((k) => nodeAt(source, [...LINUX, k]));
  return {
    ...(user !== undefined && { user: idRef(user) }),
    ...(group !== undefined && { group: idRef(group) }),
    ...(groups !== undefined && { groups: groups.map(idRef) }),
    range: at(key ?? 'user'),
  };
}

function buildChroot(path: string, at: RangeAt): ChrootPolicy {
  return { path, range: at('chroot') };
}

function buildLandlock(
  landlock: NonNullable<LinuxDocument['landlock']>,
  at: RangeAt,
): LandlockPolicy {
  const paths = (key: 'read' | 'write' | 'execute'): PathRef[] | undefined =>
    landlock[key]?.map((path, index) => ({ path, range: at('landlock', key, index) }));
  const ports = (key: 'net_bind' | 'net_connect'): PortRef[] | undefined =>
    landlock[key]?.map((port, index) => ({ port, range: at('landlock', key, index) }));
  const [read, write, execute] = [paths('read'), paths('write'), paths('execute')];
  const [netBind, netConnect] = [ports('net_bind'), ports('net_connect')];
  return {
    ...(read && { read }),
    ...(write && { write }),
    ...(execute && { execute }),
    ...(netBind && { netBind }),
    ...(netConnect && { netConnect }),
    range: at('landlock'),
  };
}

function buildNamespaces(kinds: readonly string[], at: RangeAt): NamespacesPolicy {
  return { kinds: [...new Set(kinds as NamespaceKind[])], range: at('namespaces') };
}
