import { decodeReturnValue, policyAction } from '../bpf/actions';
import { formatAction } from '../policy/actions';
import type { DeniedEvent, SyscallEvent } from '../trace/events';

/**
 * What the edited policy would do with one recorded event, compared with what the run saw. Every
 * syscall in a trace was one the run's policy did not allow, so:
 * - `allowed`: the edited policy lets it run (`allow`, or `log`, which runs it too);
 * - `denied`: it still does not, and in the same way as in the run;
 * - `changed`: it still does not, but differently (another action, e.g. `errno EPERM` instead of
 *   `kill-process`);
 * - `unknown`: the event lacks what the filter reads (an audit record has no arguments; no event
 *   records the instruction pointer), or is malformed;
 * - `none`: not a syscall event.
 */
export type WhatIfVerdict = 'none' | 'allowed' | 'denied' | 'changed' | 'unknown';

/** Verdicts as stored per event (one byte each). */
export const VERDICT = { none: 0, allowed: 1, denied: 2, changed: 3, unknown: 4 } as const;
export type VerdictCode = (typeof VERDICT)[WhatIfVerdict];

export const VERDICT_NAMES: readonly WhatIfVerdict[] = [
  'none',
  'allowed',
  'denied',
  'changed',
  'unknown',
];

export function verdictName(code: number): WhatIfVerdict {
  return VERDICT_NAMES[code] ?? 'unknown';
}

/** What the run saw for a syscall event. */
export interface ObservedOutcome {
  /** The run's action as the policy spells it (`errno EACCES`); undefined when not recorded. */
  readonly action: string | undefined;
  /** A kernel audit record names only the action's kind (`errno`): then kinds are compared. */
  readonly kindOnly: boolean;
}

export function observedOutcome(event: SyscallEvent | DeniedEvent): ObservedOutcome {
  const action = event.action === '' ? undefined : event.action;
  const kindOnly = event.type === 'denied' && event.source === 'audit';
  return { action, kindOnly };
}

const labels = new Map<number, string>();

/** A filter's return value as the policy spells the action, like the supervisor labels events. */
export function outcomeLabel(ret: number): string {
  let label = labels.get(ret);
  if (label === undefined) {
    label = formatAction(policyAction(decodeReturnValue(ret)));
    labels.set(ret, label);
  }
  return label;
}

/** Whether the syscall runs: `log` runs it after logging. */
export function letsRun(ret: number): boolean {
  const kind = decodeReturnValue(ret).kind;
  return kind === 'allow' || kind === 'log';
}

export function classifyOutcome(observed: ObservedOutcome, ret: number): VerdictCode {
  if (letsRun(ret)) return VERDICT.allowed;
  if (observed.action === undefined) return VERDICT.denied;
  const label = outcomeLabel(ret);
  const same =
    label === observed.action ||
    (observed.kindOnly && decodeReturnValue(ret).kind === observed.action);
  return same ? VERDICT.denied : VERDICT.changed;
}
