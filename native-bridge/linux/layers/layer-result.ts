import { errnoName } from '../../../app/linux/errno';

/**
 * What one step of a layer did. A failure carries the errno the kernel returned when there was one
 * (a user name missing from /etc/passwd has none) and a message naming the call that failed.
 */
export type LayerResult =
  | { readonly ok: true; readonly detail?: string }
  | { readonly ok: false; readonly errno?: number; readonly message: string };

export type LayerFailureResult = Extract<LayerResult, { ok: false }>;

export function succeeded(detail?: string): LayerResult {
  return detail === undefined ? { ok: true } : { ok: true, detail };
}

export function failed(message: string, errno?: number): LayerFailureResult {
  return errno === undefined ? { ok: false, message } : { ok: false, errno, message };
}

/** The failure of a syscall that returned < 0: `what failed: ENAME`. */
export function syscallFailed(what: string, errno: number): LayerFailureResult {
  return failed(`${what} failed: ${errnoName(errno)}`, errno);
}
