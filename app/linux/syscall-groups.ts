import table from '../generated/systemd-syscall-groups.json';
import type { Arch } from './arch-tables';
import { syscallNumber } from './syscalls';

/**
 * systemd's syscall groups (`@basic-io`, `@file-system`, `@system-service`, …), as printed by
 * `systemd-analyze syscall-filter` (scripts/gen-linux-tables.mjs). Members are syscall names
 * for all arches systemd knows, and nested `@groups`.
 */
export interface SyscallGroup {
  /** With the `@`, as written in policies and by systemd. */
  readonly name: string;
  readonly description: string;
  readonly members: readonly string[];
  /** Comments systemd prints after a member (e.g. markers of ignored calls), by member. */
  readonly notes: Readonly<Record<string, string>>;
}

export interface GroupExpansion {
  /** Members that exist on the arch, nested groups expanded, each once, in first-seen order. */
  readonly syscalls: readonly string[];
  /** Members the arch has no syscall for (other arches' calls, or newer than the headers). */
  readonly unknown: readonly string[];
}

interface GeneratedGroup {
  readonly name: string;
  readonly description: string;
  readonly members: readonly string[];
  readonly notes?: Readonly<Record<string, string>>;
}

const groups: ReadonlyMap<string, SyscallGroup> = new Map(
  (table.groups as readonly GeneratedGroup[]).map((g) => [
    g.name,
    { name: g.name, description: g.description, members: g.members, notes: g.notes ?? {} },
  ]),
);

/** Where the groups came from (systemd version). */
export const SYSCALL_GROUPS_SOURCE: string = table.source;

/** The group called `name` (`@basic-io`; the `@` may be left out). */
export function syscallGroup(name: string): SyscallGroup | undefined {
  return groups.get(name.startsWith('@') ? name : `@${name}`);
}

/** Every group name, with its `@`, in systemd's order. */
export function syscallGroupNames(): readonly string[] {
  return [...groups.keys()];
}

/** Syscalls systemd knows but puts in no group except @known. */
export function ungroupedSyscalls(): readonly string[] {
  return table.ungrouped;
}

/** All syscall names of a group and its nested groups, recursively, split by whether `arch` has them. */
export function expandGroupDetailed(name: string, arch: Arch): GroupExpansion {
  const root = syscallGroup(name);
  if (!root) throw new Error(`unknown syscall group ${name}`);
  const syscalls = new Set<string>();
  const unknown = new Set<string>();
  const visited = new Set<string>();
  const visit = (group: SyscallGroup): void => {
    if (visited.has(group.name)) return;
    visited.add(group.name);
    for (const member of group.members) {
      const nested = member.startsWith('@') ? syscallGroup(member) : undefined;
      if (nested) visit(nested);
      else if (syscallNumber(arch, member) !== undefined) syscalls.add(member);
      else unknown.add(member);
    }
  };
  visit(root);
  return { syscalls: [...syscalls], unknown: [...unknown] };
}

/** The syscalls of a group (nested groups expanded) that exist on `arch`. */
export function expandGroup(name: string, arch: Arch): string[] {
  return [...expandGroupDetailed(name, arch).syscalls];
}
