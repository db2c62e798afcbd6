import { constantNames, unevaluatedConstantReason } from '../linux/arch-constants';
import { syscallGroup, syscallGroupNames } from '../linux/syscall-groups';
import { SUPPORTED_ARCHES, syscallNames } from '../linux/syscalls';

/**
 * The names a policy may use, whatever arches it lists: syscalls and constants of any supported
 * arch, systemd's groups. Whether a name exists on the arches a policy lists is checked later,
 * per arch (check-policy.ts, resolve.ts).
 */

/** Every syscall name of every supported arch, sorted. */
export const ANY_ARCH_SYSCALLS: readonly string[] = [
  ...new Set(SUPPORTED_ARCHES.flatMap((arch) => syscallNames(arch))),
].sort();

const anyArchSyscalls: ReadonlySet<string> = new Set(ANY_ARCH_SYSCALLS);

export function isSyscallOnAnyArch(name: string): boolean {
  return anyArchSyscalls.has(name);
}

let anyArchConstants: ReadonlySet<string> | undefined;

/** Every constant name some supported arch defines (built on first use: a few thousand names). */
export function constantsOnAnyArch(): ReadonlySet<string> {
  anyArchConstants ??= new Set(SUPPORTED_ARCHES.flatMap((arch) => constantNames(arch)));
  return anyArchConstants;
}

/** Why no supported arch gives `name` a value although the headers define it, if that is so. */
export function unevaluatedEverywhere(name: string): string | undefined {
  const reasons = SUPPORTED_ARCHES.map((arch) => unevaluatedConstantReason(arch, name));
  return reasons.every((r) => r !== undefined) ? reasons[0] : undefined;
}

export const GROUP_NAMES: readonly string[] = syscallGroupNames();

/**
 * The syscall names of a group, nested groups expanded, each once, in the group's order, for all
 * arches together (each arch later keeps those it has). Undefined for an unknown group.
 */
export function groupSyscalls(name: string): readonly string[] | undefined {
  const root = syscallGroup(name);
  if (!root) return undefined;
  const names = new Set<string>();
  const visited = new Set<string>();
  const visit = (group: NonNullable<ReturnType<typeof syscallGroup>>): void => {
    if (visited.has(group.name)) return;
    visited.add(group.name);
    for (const member of group.members) {
      const nested = member.startsWith('@') ? syscallGroup(member) : undefined;
      if (nested) visit(nested);
      else if (!member.startsWith('@')) names.add(member);
    }
  };
  visit(root);
  return [...names];
}
