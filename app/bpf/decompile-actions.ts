import { SECCOMP } from '../linux/constants';
import type { SeccompAction } from '../policy/model';
import { actionReturnValue, decodeReturnValue } from './actions';

/**
 * Filter return values as policy actions. Values the kernel treats alike (ALLOW with data bits,
 * an unknown action, which kills the process, ERRNO above MAX_ERRNO, which is capped) get one
 * canonical value, so paths that only differ there count as the same verdict.
 */

export interface ActionOf {
  readonly action: SeccompAction;
  /** Why the policy cannot say exactly this (the action is then the nearest stricter one). */
  readonly approximation?: string;
}

const KILL_PROCESS: SeccompAction = { kind: 'kill-process' };

export function actionOf(ret: number): ActionOf {
  const decoded = decodeReturnValue(ret);
  switch (decoded.kind) {
    case 'errno':
      if (decoded.errno === 0) {
        return {
          action: KILL_PROCESS,
          approximation:
            'it returns ERRNO(0) (the syscall "succeeds" without running), which a policy cannot say',
        };
      }
      return { action: { kind: 'errno', errno: decoded.errno } };
    case 'trap':
      return {
        action: decoded.data === 0 ? { kind: 'trap' } : { kind: 'trap', data: decoded.data },
      };
    case 'trace':
      return { action: { kind: 'trace', data: decoded.data } };
    default:
      return { action: { kind: decoded.kind } as SeccompAction };
  }
}

/** The return value the kernel treats exactly like `ret`, in its simplest form. */
export function canonicalReturn(ret: number): number {
  const decoded = decodeReturnValue(ret);
  if (decoded.kind === 'errno' && decoded.errno === 0) return SECCOMP.SECCOMP_RET_ERRNO;
  return actionReturnValue(actionOf(ret).action);
}

/**
 * How permissive a return value is, in the kernel's order for combining filters (the lowest
 * wins): KILL_PROCESS < KILL_THREAD < TRAP < ERRNO < USER_NOTIF < TRACE < LOG < ALLOW.
 */
export function permissiveness(ret: number): number {
  const action = (ret & SECCOMP.SECCOMP_RET_ACTION_FULL) | 0;
  return action;
}

/** The strictest of some return values (undefined ones, computed at run time, count as kill). */
export function strictest(rets: readonly (number | undefined)[]): number {
  let best: number = SECCOMP.SECCOMP_RET_ALLOW;
  for (const ret of rets) {
    const value = ret ?? SECCOMP.SECCOMP_RET_KILL_PROCESS >>> 0;
    if (permissiveness(value) < permissiveness(best)) best = value;
  }
  return best >>> 0;
}
