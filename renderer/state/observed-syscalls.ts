import type { Policy } from '../../app/policy/model';
import type { TraceEvent } from '../../app/trace/events';

/**
 * Names of syscalls a learn run saw the program use that its policy did not allow (`syscall`
 * events), which are not in `known` yet, in order of first appearance.
 */
export function newObservedNames(
  events: Iterable<TraceEvent>,
  known: ReadonlySet<string>,
): string[] {
  const found = new Set<string>();
  for (const event of events) {
    if (event.type === 'syscall' && !known.has(event.name)) found.add(event.name);
  }
  return [...found];
}

/**
 * Every syscall name some rule of the policy lists, whatever its action. Allow observed leaves
 * these alone (app/policy/edit: an explicit deny is never overridden silently).
 */
export function ruledSyscallNames(policy: Policy): Set<string> {
  const names = new Set<string>();
  for (const rule of policy.linux.seccomp?.rules ?? []) {
    for (const syscall of rule.syscalls) names.add(syscall.name);
  }
  return names;
}

/**
 * Observed syscalls no rule of the current policy handles yet, sorted: what "Allow observed"
 * adds. Without a parsed policy nothing can be added (the edit needs valid text): empty.
 */
export function pendingObservedNames(
  observed: ReadonlySet<string>,
  policy: Policy | undefined,
): string[] {
  if (!policy || observed.size === 0) return [];
  const ruled = ruledSyscallNames(policy);
  return [...observed].filter((name) => !ruled.has(name)).sort();
}
