import type { Policy, SeccompAction, SeccompPolicy } from '../policy/model';
import { resolvePolicyChecked } from '../policy/resolve';
import type { ResolvedPolicy } from '../policy/resolved';
import type { Diagnostic, SourceRange } from '../policy/source-range';
import { CodeExportError, exportNote } from './code-export';

/**
 * What both Linux exporters take from the policy's seccomp section: the resolved policy (errors
 * become a CodeExportError at their range) and the notes about actions that mean something else
 * in a program that has no supervisor.
 */

export interface SeccompSource {
  readonly seccomp: SeccompPolicy;
  readonly resolved: ResolvedPolicy;
  /** Resolution warnings and notes, and the supervisor-less actions. */
  readonly notes: readonly Diagnostic[];
}

/** Undefined when the policy has no seccomp section (then nothing is filtered). */
export function seccompSource(policy: Policy): SeccompSource | undefined {
  const seccomp = policy.linux.seccomp;
  if (!seccomp) return undefined;
  const outcome = resolvePolicyChecked(policy);
  const error = outcome.diagnostics.find((d) => d.severity === 'error');
  if (!outcome.resolved || error) {
    throw new CodeExportError(
      error?.message ?? 'the seccomp section cannot be resolved',
      error?.range,
    );
  }
  return {
    seccomp,
    resolved: outcome.resolved,
    notes: [
      ...outcome.diagnostics.filter((d) => d.severity === 'warning'),
      ...notifyNotes(seccomp),
    ],
  };
}

const NOTIFY_NOTE =
  'notify has no supervisor in the exported program: the kernel fails these syscalls with ENOSYS (the studio lets them run in its runs)';

/** `notify` hands a syscall to a supervisor; a program sandboxing itself has none. */
function notifyNotes(seccomp: SeccompPolicy): Diagnostic[] {
  const isNotify = (action: SeccompAction | undefined) => action?.kind === 'notify';
  const ranges: SourceRange[] = [
    ...(isNotify(seccomp.defaultAction) && seccomp.defaultRange ? [seccomp.defaultRange] : []),
    ...seccomp.rules.filter((rule) => isNotify(rule.action)).map((rule) => rule.range),
  ];
  return ranges.map((range) => exportNote(NOTIFY_NOTE, range));
}

/** The range to blame for a problem with the filter as a whole. */
export function seccompRange(seccomp: SeccompPolicy): SourceRange | undefined {
  return seccomp.defaultRange ?? seccomp.rules[0]?.range;
}
