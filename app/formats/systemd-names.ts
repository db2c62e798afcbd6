import { expandGroup, syscallGroupNames } from '../linux/syscall-groups';
import { RLIMIT_NAMES } from '../linux/rlimits';
import type { Arch } from '../linux/syscalls';
import type { NamespaceKind } from '../policy/model';

/*
 * How systemd names what our policies name: architectures (systemd.unit(5) ConditionArchitecture=
 * identifiers), resource limits (LimitNOFILE= is RLIMIT_NOFILE), namespace types
 * (RestrictNamespaces=) and syscall groups.
 */

export const SYSTEMD_ARCH: Readonly<Record<Arch, string>> = {
  x86_64: 'x86-64',
  i386: 'x86',
  x32: 'x32',
  aarch64: 'arm64',
  arm: 'arm',
  riscv64: 'riscv64',
};

export function archFromSystemd(name: string): Arch | undefined {
  return (Object.keys(SYSTEMD_ARCH) as Arch[]).find((a) => SYSTEMD_ARCH[a] === name);
}

/** The ABIs systemd filters on a host of `native` arch when SystemCallArchitectures= is unset. */
export function localArches(native: Arch): Arch[] {
  if (native === 'x86_64') return ['x86_64', 'i386', 'x32'];
  if (native === 'aarch64') return ['aarch64', 'arm'];
  return [native];
}

/** `LimitNOFILE` for `nofile`. */
export function limitKey(rlimit: string): string {
  return `Limit${rlimit.toUpperCase()}`;
}

export function rlimitFromKey(key: string): string | undefined {
  return RLIMIT_NAMES.find((name) => limitKey(name) === key);
}

/** RestrictNamespaces= identifiers and the clone flag each stands for. */
export const SYSTEMD_NAMESPACES = [
  { id: 'cgroup', flag: 'CLONE_NEWCGROUP' },
  { id: 'ipc', flag: 'CLONE_NEWIPC' },
  { id: 'net', flag: 'CLONE_NEWNET' },
  { id: 'mnt', flag: 'CLONE_NEWNS' },
  { id: 'pid', flag: 'CLONE_NEWPID' },
  { id: 'user', flag: 'CLONE_NEWUSER' },
  { id: 'uts', flag: 'CLONE_NEWUTS' },
] as const;

export type SystemdNamespace = (typeof SYSTEMD_NAMESPACES)[number]['id'];

/** The unit setting that gives a service a private namespace of each kind the launcher makes. */
export const PRIVATE_NAMESPACE_SETTINGS: Readonly<Partial<Record<NamespaceKind, string>>> = {
  net: 'PrivateNetwork',
  ipc: 'PrivateIPC',
  uts: 'ProtectHostname',
  mount: 'PrivateMounts',
  user: 'PrivateUsers',
};

/** A group's syscalls on any of `arches` (nested groups expanded). */
export function groupMembers(group: string, arches: readonly Arch[]): Set<string> {
  return new Set(arches.flatMap((arch) => expandGroup(group, arch)));
}

/**
 * `names` written with systemd's group names where a whole group is in the set (largest groups
 * first; a group adds nothing once its members are covered), then the remaining names, sorted.
 * `candidates` limits the groups considered.
 */
export function withGroups(
  names: ReadonlySet<string>,
  arches: readonly Arch[],
  candidates: readonly string[] = syscallGroupNames(),
): string[] {
  const groups = candidates
    .map((g) => ({ name: g, members: groupMembers(g, arches) }))
    .filter((g) => g.members.size > 0 && [...g.members].every((m) => names.has(m)))
    .sort((a, b) => b.members.size - a.members.size);
  const covered = new Set<string>();
  const chosen: string[] = [];
  for (const group of groups) {
    if ([...group.members].every((m) => covered.has(m))) continue;
    chosen.push(group.name);
    group.members.forEach((m) => covered.add(m));
  }
  const rest = [...names].filter((n) => !covered.has(n)).sort();
  return [...chosen, ...rest];
}
