import { SECCOMP } from '../linux/constants';
import { MAX_ERRNO } from '../linux/errno';
import type { SeccompAction } from '../policy/model';

function withData(action: number, data: number): number {
  return (action | (data & SECCOMP.SECCOMP_RET_DATA)) >>> 0;
}

/** The 32-bit value a filter's `RET K` returns for an action (SECCOMP_RET_* | data). */
export function actionReturnValue(a: SeccompAction): number {
  switch (a.kind) {
    case 'kill-process':
      return SECCOMP.SECCOMP_RET_KILL_PROCESS >>> 0;
    case 'kill-thread':
      return SECCOMP.SECCOMP_RET_KILL_THREAD >>> 0;
    case 'trap':
      return withData(SECCOMP.SECCOMP_RET_TRAP, a.data ?? 0);
    case 'errno':
      return withData(SECCOMP.SECCOMP_RET_ERRNO, a.errno);
    case 'trace':
      return withData(SECCOMP.SECCOMP_RET_TRACE, a.data);
    case 'log':
      return SECCOMP.SECCOMP_RET_LOG >>> 0;
    case 'allow':
      return SECCOMP.SECCOMP_RET_ALLOW >>> 0;
    case 'notify':
      return SECCOMP.SECCOMP_RET_USER_NOTIF >>> 0;
  }
}

/** A filter's return value as the kernel acts on it. */
export type DecodedAction = SeccompAction & {
  /** The SECCOMP_RET_DATA bits, uncapped (for errno the kernel caps them; see `errno`). */
  readonly data: number;
  /** False when the action bits name no action: the kernel then kills the process. */
  readonly recognized: boolean;
};

type DataFreeKind = Exclude<DecodedAction['kind'], 'errno' | 'trap' | 'trace'>;

function actionOnly(kind: DataFreeKind, data: number): DecodedAction {
  return { kind, data, recognized: true };
}

/**
 * Decode like kernel/seccomp.c `__seccomp_filter`: the action is `ret & SECCOMP_RET_ACTION_FULL`,
 * ERRNO data above MAX_ERRNO is capped to MAX_ERRNO, and an unknown action kills the process.
 */
export function decodeReturnValue(ret: number): DecodedAction {
  const value = ret >>> 0;
  const action = (value & SECCOMP.SECCOMP_RET_ACTION_FULL) >>> 0;
  const data = (value & SECCOMP.SECCOMP_RET_DATA) >>> 0;
  switch (action) {
    case SECCOMP.SECCOMP_RET_KILL_PROCESS:
      return actionOnly('kill-process', data);
    case SECCOMP.SECCOMP_RET_KILL_THREAD:
      return actionOnly('kill-thread', data);
    case SECCOMP.SECCOMP_RET_TRAP:
      return { kind: 'trap', data, recognized: true };
    case SECCOMP.SECCOMP_RET_ERRNO:
      return { kind: 'errno', errno: Math.min(data, MAX_ERRNO), data, recognized: true };
    case SECCOMP.SECCOMP_RET_USER_NOTIF:
      return actionOnly('notify', data);
    case SECCOMP.SECCOMP_RET_TRACE:
      return { kind: 'trace', data, recognized: true };
    case SECCOMP.SECCOMP_RET_LOG:
      return actionOnly('log', data);
    case SECCOMP.SECCOMP_RET_ALLOW:
      return actionOnly('allow', data);
    default:
      return { kind: 'kill-process', data, recognized: false };
  }
}

/** Two actions are the same verdict when the kernel sees the same return value. */
export function sameAction(a: SeccompAction, b: SeccompAction): boolean {
  return actionReturnValue(a) === actionReturnValue(b);
}

/**
 * The action as a policy spells it for a decoded return value: trap data 0 is plain `trap`, the
 * decode-only fields are gone, an unrecognized value is the kill-process the kernel applies.
 */
export function policyAction(decoded: DecodedAction): SeccompAction {
  switch (decoded.kind) {
    case 'errno':
      return { kind: 'errno', errno: decoded.errno };
    case 'trap':
      return decoded.data === 0 ? { kind: 'trap' } : { kind: 'trap', data: decoded.data };
    case 'trace':
      return { kind: 'trace', data: decoded.data };
    default:
      return { kind: decoded.kind };
  }
}
