import type { RunMode } from '../api/contract';
import { decodeReturnValue, policyAction } from '../bpf/actions';
import { runFilter } from '../bpf/emulate';
import type { BpfProgram, SeccompData } from '../bpf/program';
import { errnoByName } from '../linux/errno';
import { formatAction } from '../policy/actions';

/** How the supervisor answers one seccomp user notification. */
export type NotificationReply =
  { readonly kind: 'continue' } | { readonly kind: 'errno'; readonly errno: number };

export interface NotificationDecision {
  readonly reply: NotificationReply;
  /** `syscall`: not allowed by the policy yet (learn); `denied`: the policy denies it (check). */
  readonly event: 'none' | 'syscall' | 'denied';
  /** The deployed policy's action, as the policy spells it (`errno EACCES`, `kill-process`). */
  readonly action: string;
  /** Signal the supervisor sends to emulate a kill or trap action (check mode). */
  readonly signal?: { readonly scope: 'process' | 'thread'; readonly name: 'SIGSYS' };
  /**
   * The filter read only `nr` and `arch`: every call of this syscall on this arch gets this same
   * decision, so the supervisor may remember it instead of running the filter again.
   */
  readonly argumentFree: boolean;
}

function requireErrno(name: string): number {
  const info = errnoByName(name);
  if (!info) throw new Error(`${name} is missing from the generated errno table`);
  return info.value;
}

const ENOSYS = requireErrno('ENOSYS');

/**
 * Decide one notification: the deployed policy's verdict comes from running the deployed filter in
 * the emulator on the same seccomp_data, so check mode agrees with the kernel by construction.
 * Learn mode records what the policy would not allow and lets everything run.
 */
export function decideNotification(
  mode: RunMode,
  deployed: BpfProgram,
  data: SeccompData,
): NotificationDecision {
  const run = runFilter(deployed, data);
  return { ...decide(mode, run.ret), argumentFree: !run.readsArguments };
}

function decide(mode: RunMode, ret: number): Omit<NotificationDecision, 'argumentFree'> {
  const action = decodeReturnValue(ret);
  const label = formatAction(policyAction(action));
  // Without a tracer attached, SECCOMP_RET_TRACE fails the syscall with ENOSYS in the kernel.
  if (action.kind === 'trace') {
    return mode === 'learn'
      ? { reply: { kind: 'continue' }, event: 'syscall', action: label }
      : { reply: { kind: 'errno', errno: ENOSYS }, event: 'denied', action: label };
  }
  if (action.kind === 'allow') return { reply: { kind: 'continue' }, event: 'none', action: label };
  if (mode === 'learn' || action.kind === 'log' || action.kind === 'notify') {
    return { reply: { kind: 'continue' }, event: 'syscall', action: label };
  }
  switch (action.kind) {
    case 'errno':
      return { reply: { kind: 'errno', errno: action.errno }, event: 'denied', action: label };
    case 'trap':
      return {
        reply: { kind: 'errno', errno: ENOSYS },
        event: 'denied',
        action: label,
        signal: { scope: 'thread', name: 'SIGSYS' },
      };
    default:
      // kill-process, kill-thread: the kernel kills with SIGSYS; the supervisor does the same.
      return {
        reply: { kind: 'errno', errno: ENOSYS },
        event: 'denied',
        action: label,
        signal: { scope: 'process', name: 'SIGSYS' },
      };
  }
}
