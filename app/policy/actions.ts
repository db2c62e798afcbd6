import { errnoByName, errnoName, errnoNames, MAX_ERRNO } from '../linux/errno';
import type { SeccompAction } from './model';
import { didYouMean } from './suggest';

export type ActionKind = SeccompAction['kind'];

/** Every action a rule or the default can take, in the order the docs list them. */
export const ACTION_KINDS: readonly ActionKind[] = [
  'kill-process',
  'kill-thread',
  'trap',
  'errno',
  'log',
  'allow',
  'notify',
];

/** The spellings an action string may take, for messages and editor help. */
export const ACTION_SYNTAX: readonly string[] = ACTION_KINDS.flatMap((kind) =>
  kind === 'errno' ? ['errno NAME', 'errno N'] : [kind],
);

/** Why a piece of policy text is not an action; `code` becomes the diagnostic code. */
export interface ActionError {
  readonly error: string;
  readonly code: 'invalid-action' | 'unknown-errno' | 'invalid-errno';
}

export function isActionError(value: SeccompAction | ActionError | number): value is ActionError {
  return typeof value === 'object' && 'error' in value;
}

/** `kill-process`, `errno EACCES`, `errno 13`, … → the action; anything else → why not. */
export function parseAction(text: string): SeccompAction | ActionError {
  const words = text.trim().split(/\s+/);
  const [head = '', value, ...rest] = words;
  if (head === 'errno') {
    if (value === undefined) {
      return invalidAction(`"errno" needs a value, e.g. "errno EPERM" or "errno 13"`);
    }
    if (rest.length > 0) return invalidAction(`"${text.trim()}" has extra words after the errno`);
    const errno = parseErrno(value);
    return isActionError(errno) ? errno : { kind: 'errno', errno };
  }
  const kind = ACTION_KINDS.find((k) => k !== 'errno' && k === head);
  if (kind !== undefined && kind !== 'errno' && value === undefined) return { kind };
  return invalidAction(
    `unknown action "${text}"${didYouMean(text, ACTION_KINDS)} (valid actions: ${ACTION_SYNTAX.join(', ')})`,
  );
}

/**
 * An errno as a policy writes it: a name from the kernel headers (`EACCES`) or a number
 * 1..MAX_ERRNO, given as a YAML number or a string of digits.
 */
export function parseErrno(value: string | number): number | ActionError {
  if (typeof value === 'number' || /^\d+$/.test(value)) {
    const n = Number(value);
    if (Number.isInteger(n) && n >= 1 && n <= MAX_ERRNO) return n;
    return { error: `errno ${value} is out of range; use 1..${MAX_ERRNO}`, code: 'invalid-errno' };
  }
  const info = errnoByName(value);
  if (info) return info.value;
  return {
    error: `unknown errno name "${value}"${didYouMean(value, errnoNames())}`,
    code: 'unknown-errno',
  };
}

/** The canonical text of an action, the way a policy file spells it: `errno EACCES`, `trap`. */
export function formatAction(action: SeccompAction): string {
  return action.kind === 'errno' ? `errno ${errnoName(action.errno)}` : action.kind;
}

function invalidAction(error: string): ActionError {
  return { error, code: 'invalid-action' };
}
