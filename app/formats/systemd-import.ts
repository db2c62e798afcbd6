import { CAPABILITY_NAMES, canonicalCapabilityName } from '../linux/capabilities';
import { RLIMIT_NAMES, rlimitUnit } from '../linux/rlimits';
import type { Arch } from '../linux/syscalls';
import { formatAction } from '../policy/actions';
import type { NamespaceKind, RlimitAmount, SeccompAction } from '../policy/model';
import { FormatError, type FormatWarning, type PolicyImport } from './format-result';
import {
  checkedPolicyText,
  type DraftRlimit,
  type DraftRule,
  type PolicyDraft,
} from './policy-draft';
import {
  readSystemdSeccomp,
  systemdDefault,
  systemdVerdict,
  type SystemdSeccomp,
} from './systemd-filter';
import { parseUnitBoolean, parseUnitFile, type UnitAssignment } from './systemd-ini';
import {
  archFromSystemd,
  localArches,
  PRIVATE_NAMESPACE_SETTINGS,
  rlimitFromKey,
  SYSTEMD_NAMESPACES,
  withGroups,
  type SystemdNamespace,
} from './systemd-names';
import { policyNames, sameAction } from './syscall-verdicts';

/*
 * A systemd unit (or drop-in) as a policy: the [Service] sandboxing settings systemd-export.ts
 * writes — SystemCallFilter=, SystemCallErrorNumber=, SystemCallLog=, SystemCallArchitectures=,
 * RestrictNamespaces=, NoNewPrivileges=, CapabilityBoundingSet=, AmbientCapabilities=, Limit*=,
 * the private-namespace settings, User=, Group=, SupplementaryGroups=, RootDirectory=. Other
 * sandboxing settings are listed as not imported.
 */

export interface SystemdImportOptions {
  /** The host's arch, for `native` and for the ABIs filtered when none are listed. */
  readonly arch?: Arch;
  readonly source?: string;
}

type Service = readonly UnitAssignment[];

const HANDLED = new Set([
  'SystemCallFilter',
  'SystemCallErrorNumber',
  'SystemCallLog',
  'SystemCallArchitectures',
  'RestrictNamespaces',
  'NoNewPrivileges',
  'CapabilityBoundingSet',
  'AmbientCapabilities',
  'User',
  'Group',
  'SupplementaryGroups',
  'RootDirectory',
  ...Object.values(PRIVATE_NAMESPACE_SETTINGS),
  ...RLIMIT_NAMES.map((n) => `Limit${n.toUpperCase()}`),
]);

const SANDBOXING = /^(SystemCall|Restrict|Protect|Private|Capability|Limit|Lock|Memory|NoNew)/;

function bool(line: UnitAssignment): boolean {
  const value = parseUnitBoolean(line.value);
  if (value === undefined) throw new FormatError(`${line.key}= takes yes or no`, line.valueRange);
  return value;
}

function last(service: Service, key: string): UnitAssignment | undefined {
  return service.filter((a) => a.key === key).at(-1);
}

function arches(service: Service, native: Arch, warnings: FormatWarning[]): Arch[] | undefined {
  let listed: Set<Arch> | undefined;
  for (const line of service.filter((a) => a.key === 'SystemCallArchitectures')) {
    if (line.value === '') {
      listed = undefined;
      continue;
    }
    listed ??= new Set();
    for (const word of line.value.split(/\s+/)) {
      const arch = word === 'native' ? native : archFromSystemd(word);
      if (arch) listed.add(arch);
      else
        warnings.push({
          message: `architecture ${word} is not supported here; left out`,
          range: line.valueRange,
        });
    }
  }
  if (listed?.size === 0) {
    throw new FormatError('no supported architecture is left in SystemCallArchitectures=');
  }
  return listed && [...listed];
}

// ---------------------------------------------------------------------------------------------
// RestrictNamespaces=

function retainedNamespaces(service: Service): Set<SystemdNamespace> | undefined {
  const all = () => new Set(SYSTEMD_NAMESPACES.map((n) => n.id));
  let retained: Set<SystemdNamespace> | undefined;
  for (const line of service.filter((a) => a.key === 'RestrictNamespaces')) {
    const flag = parseUnitBoolean(line.value);
    if (line.value === '' || flag === false) {
      retained = undefined;
      continue;
    }
    if (flag === true) {
      retained = new Set();
      continue;
    }
    const invert = line.value.startsWith('~');
    const ids = (invert ? line.value.slice(1) : line.value).split(/\s+/).filter((w) => w);
    for (const id of ids) {
      if (!SYSTEMD_NAMESPACES.some((n) => n.id === id)) {
        throw new FormatError(
          `unknown namespace type "${id}" (cgroup, ipc, net, mnt, pid, user, uts)`,
          line.valueRange,
        );
      }
    }
    const named = new Set(ids as SystemdNamespace[]);
    if (invert) {
      const base = retained ?? all();
      retained = new Set([...base].filter((id) => !named.has(id)));
    } else {
      retained = new Set([...(retained ?? []), ...named]);
    }
  }
  return retained;
}

const PERMISSIVE = (a: SeccompAction) => a.kind === 'allow' || a.kind === 'log';

/**
 * systemd's namespace filter: clone3 → ENOSYS, unshare/clone with a forbidden flag → EPERM,
 * setns with a forbidden flag or 0 → EPERM. Stacked on the syscall filter the stricter verdict
 * wins, so a rule is only needed where the syscall filter lets the call through.
 */
function namespaceRules(
  retained: ReadonlySet<SystemdNamespace>,
  seccomp: SystemdSeccomp,
  range: UnitAssignment,
): DraftRule[] {
  const forbidden = SYSTEMD_NAMESPACES.filter((n) => !retained.has(n.id)).map((n) => n.flag);
  if (forbidden.length === 0) return [];
  const passes = (name: string) => PERMISSIVE(systemdVerdict(seccomp, name));
  const flags = forbidden.join('|');
  const comments = [`RestrictNamespaces= (line ${range.range.start.line})`];
  const rules: DraftRule[] = [];
  if (passes('clone3'))
    rules.push({ action: { kind: 'errno', errno: 38 }, syscalls: ['clone3'], comments });
  const creators = ['unshare', 'clone'].filter(passes);
  if (creators.length) {
    rules.push({
      action: { kind: 'errno', errno: 1 },
      syscalls: creators,
      when: `anyof(arg0, ${flags})`,
      comments,
    });
  }
  if (passes('setns')) {
    rules.push({
      action: { kind: 'errno', errno: 1 },
      syscalls: ['setns'],
      ...(retained.size === 0 ? {} : { when: `arg1 == 0 || anyof(arg1, ${flags})` }),
      comments,
    });
  }
  return rules;
}

// ---------------------------------------------------------------------------------------------
// seccomp rules

function filterRules(seccomp: SystemdSeccomp, policyArches: readonly Arch[]): DraftRule[] {
  const fallback = systemdDefault(seccomp);
  const byAction = new Map<string, { action: SeccompAction; names: Set<string> }>();
  for (const name of policyNames(policyArches)) {
    const action = systemdVerdict(seccomp, name);
    if (sameAction(action, fallback)) continue;
    const key = formatAction(action);
    const entry = byAction.get(key) ?? { action, names: new Set<string>() };
    entry.names.add(name);
    byAction.set(key, entry);
  }
  const groups = [...(seccomp.filter?.groups ?? [])];
  return [...byAction.values()].map(({ action, names }) => ({
    action,
    syscalls: withGroups(names, policyArches, groups),
  }));
}

// ---------------------------------------------------------------------------------------------
// capabilities

function capabilityList(line: UnitAssignment, warnings: FormatWarning[]): string[] {
  const words = line.value
    .replace(/^~/, '')
    .split(/\s+/)
    .filter((w) => w);
  return words.flatMap((word) => {
    const name = canonicalCapabilityName(word);
    if (name) return [name];
    warnings.push({ message: `unknown capability ${word}; left out`, range: line.valueRange });
    return [];
  });
}

/** systemd's merging of capability set lines: OR, `~` lines AND NOT, empty resets. */
function capabilitySet(
  service: Service,
  key: string,
  warnings: FormatWarning[],
): Set<string> | undefined {
  let set: Set<string> | undefined;
  for (const line of service.filter((a) => a.key === key)) {
    if (line.value === '') {
      set = new Set();
      continue;
    }
    const names = capabilityList(line, warnings);
    if (line.value.startsWith('~')) {
      const base = set ?? new Set(CAPABILITY_NAMES);
      set = new Set([...base].filter((n) => !names.includes(n)));
    } else {
      set = new Set([...(set ?? []), ...names]);
    }
  }
  return set;
}

function capabilities(service: Service, warnings: FormatWarning[]): PolicyDraft['capabilities'] {
  const bounding = capabilitySet(service, 'CapabilityBoundingSet', warnings);
  const ambient = capabilitySet(service, 'AmbientCapabilities', warnings);
  if (!bounding && !ambient?.size) return undefined;
  const keep = [...(bounding ?? CAPABILITY_NAMES)];
  if (!ambient?.size) return { keep };
  const inside = [...ambient].filter((n) => keep.includes(n));
  if (inside.length < ambient.size) {
    warnings.push({
      message: 'ambient capabilities outside the bounding set cannot be raised; they are left out',
      range: last(service, 'AmbientCapabilities')?.valueRange,
    });
  }
  return { effective: keep, permitted: keep, inheritable: inside, ambient: inside, bounding: keep };
}

// ---------------------------------------------------------------------------------------------
// Limit*=

const SIZE_SUFFIX: Readonly<Record<string, bigint>> = {
  K: 1n << 10n,
  M: 1n << 20n,
  G: 1n << 30n,
  T: 1n << 40n,
  P: 1n << 50n,
  E: 1n << 60n,
};

const MICROSECONDS: Readonly<Record<string, bigint>> = {
  us: 1n,
  usec: 1n,
  ms: 1000n,
  msec: 1000n,
  s: 1_000_000n,
  sec: 1_000_000n,
  m: 60_000_000n,
  min: 60_000_000n,
  h: 3_600_000_000n,
  hr: 3_600_000_000n,
  d: 86_400_000_000n,
  w: 604_800_000_000n,
};

function limitValue(name: string, text: string, line: UnitAssignment): RlimitAmount {
  if (text === 'infinity') return 'unlimited';
  if (/^\d+$/.test(text)) return BigInt(text);
  const unit = rlimitUnit(name);
  const size = /^(\d+)\s*([KMGTPE])(?:i?B)?$/i.exec(text);
  if (size && unit === 'bytes') return BigInt(size[1]!) * SIZE_SUFFIX[size[2]!.toUpperCase()]!;
  const time = /^(\d+)\s*([a-z]+)$/.exec(text);
  const factor = time && MICROSECONDS[time[2]!];
  if (time && factor && (name === 'cpu' || name === 'rttime')) {
    const us = BigInt(time[1]!) * factor;
    return name === 'rttime' ? us : (us + 999_999n) / 1_000_000n;
  }
  if (name === 'nice' && /^[+-]\d+$/.test(text)) {
    const nice = Number(text);
    if (nice >= -20 && nice <= 19) return BigInt(20 - nice);
  }
  throw new FormatError(`${line.key}=: "${text}" is not a limit`, line.valueRange);
}

function limits(service: Service): DraftRlimit[] {
  const byName = new Map<string, DraftRlimit>();
  for (const line of service) {
    const name = rlimitFromKey(line.key);
    if (!name) continue;
    if (line.value === '') {
      byName.delete(name);
      continue;
    }
    const [softText = '', hardText] = line.value.split(':', 2);
    const soft = limitValue(name, softText.trim(), line);
    const hard = hardText === undefined ? soft : limitValue(name, hardText.trim(), line);
    if (hard !== 'unlimited' && (soft === 'unlimited' || soft > hard)) {
      throw new FormatError(
        `${line.key}=: the soft limit is above the hard limit`,
        line.valueRange,
      );
    }
    byName.set(name, { name, soft, hard });
  }
  return [...byName.values()];
}

// ---------------------------------------------------------------------------------------------

function privateNamespaces(service: Service): NamespaceKind[] {
  return (Object.entries(PRIVATE_NAMESPACE_SETTINGS) as [NamespaceKind, string][])
    .filter(([, key]) => {
      const line = last(service, key);
      return line !== undefined && bool(line);
    })
    .map(([kind]) => kind);
}

function identity(service: Service): Pick<PolicyDraft, 'user' | 'group' | 'groups' | 'chroot'> {
  const id = (value: string) => (/^\d+$/.test(value) ? Number(value) : value);
  const user = last(service, 'User')?.value;
  const group = last(service, 'Group')?.value;
  const groups = service.filter((a) => a.key === 'SupplementaryGroups');
  const root = last(service, 'RootDirectory')?.value;
  return {
    ...(user ? { user: id(user) } : {}),
    ...(group ? { group: id(group) } : {}),
    ...(groups.length
      ? { groups: groups.flatMap((g) => g.value.split(/\s+/).filter((w) => w)).map(id) }
      : {}),
    ...(root ? { chroot: root } : {}),
  };
}

function notImported(service: Service): FormatWarning[] {
  return service
    .filter((a) => !HANDLED.has(a.key) && SANDBOXING.test(a.key))
    .map((a) => ({ message: `${a.key}= is not imported`, range: a.range }));
}

function noNewPrivs(service: Service, hasSeccomp: boolean, user: unknown): boolean {
  const line = last(service, 'NoNewPrivileges');
  if (line) return bool(line);
  // systemd implies it for a filter in a service without CAP_SYS_ADMIN (one with User=).
  return hasSeccomp && user !== undefined && user !== 'root' && user !== 0;
}

function seccompSection(
  service: Service,
  native: Arch,
  warnings: FormatWarning[],
): PolicyDraft['seccomp'] {
  const listed = arches(service, native, warnings);
  const policyArches = listed ?? localArches(native);
  const seccomp = readSystemdSeccomp(service, policyArches, warnings);
  const retained = retainedNamespaces(service);
  if (!seccomp.filter && !seccomp.log && !retained && !listed) return undefined;
  const restrictLine = last(service, 'RestrictNamespaces');
  const unsupported = policyArches.filter((a) => !['x86_64', 'i386', 'x32'].includes(a));
  if (retained && restrictLine && unsupported.length) {
    warnings.push({
      message: `systemd does not enforce RestrictNamespaces= on ${unsupported.join(', ')}; the policy does`,
      range: restrictLine.range,
    });
  }
  const rules = [
    ...(retained && restrictLine ? namespaceRules(retained, seccomp, restrictLine) : []),
    ...filterRules(seccomp, policyArches),
  ];
  return {
    arches: policyArches,
    defaultAction: systemdDefault(seccomp),
    badArchAction: { kind: 'kill-process' },
    rules,
  };
}

/** `import systemd`: a unit file or drop-in as policy text. Throws FormatError. */
export function importSystemdUnit(text: string, options: SystemdImportOptions = {}): PolicyImport {
  const assignments = parseUnitFile(text);
  const service = assignments.filter((a) => a.section === 'Service');
  if (service.length === 0) throw new FormatError('no [Service] settings to import');
  const warnings: FormatWarning[] = [];
  const seccomp = seccompSection(service, options.arch ?? 'x86_64', warnings);
  const ids = identity(service);
  const caps = capabilities(service, warnings);
  const rlimits = limits(service);
  const namespaces = privateNamespaces(service);
  const draft: PolicyDraft = {
    header: [
      `Imported by sandbox-studio from the systemd unit ${options.source ?? ''}`.trimEnd() + '.',
      'systemd filters by name only: every rule below applies whatever the arguments.',
      '',
    ],
    name: `systemd unit${options.source ? ` ${options.source}` : ''}`,
    noNewPrivs: noNewPrivs(service, seccomp !== undefined, ids.user),
    ...(rlimits.length ? { rlimits } : {}),
    ...(caps ? { capabilities: caps } : {}),
    ...(namespaces.length ? { namespaces } : {}),
    ...ids,
    ...(seccomp ? { seccomp } : {}),
  };
  warnings.push(...notImported(service));
  return { policyText: checkedPolicyText(draft), warnings };
}
