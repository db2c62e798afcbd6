import { SECCOMP } from '../linux/constants';
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
  'trace',
  'log',
  'allow',
  'notify',
];

/** The spellings an action string may take, for messages and editor help. */
export const ACTION_SYNTAX: readonly string[] = ACTION_KINDS.flatMap((kind) => {
  switch (kind) {
    case 'errno':
      return ['errno NAME', 'errno N'];
    case 'trap':
      return ['trap', 'trap N'];
    case 'trace':
      return ['trace N'];
    default:
      return [kind];
  }
});

/** SECCOMP_RET_DATA: the low 16 bits of a filter's return value, handed to the handler. */
export const MAX_ACTION_DATA: number = SECCOMP.SECCOMP_RET_DATA;

/** Why a piece of policy text is not an action; `code` becomes the diagnostic code. */
export interface ActionError {
  readonly error: string;
  readonly code: 'invalid-action' | 'unknown-errno' | 'invalid-errno' | 'invalid-action-data';
}

export function isActionError(value: SeccompAction | ActionError | number): value is ActionError {
  return typeof value === 'object' && 'error' in value;
}

/** `kill-process`, `errno EACCES`, `errno 13`, `trap 7`, `trace 1`, … → the action; else why not. */
export function parseAction(text: string): SeccompAction | ActionError {
  const words = text.trim().split(/\s+/);
  const [head = '', value, ...rest] = words;
  if (rest.length > 0) return invalidAction(`"${text.trim()}" has extra words after "${value}"`);
  switch (head) {
    case 'errno': {
      if (value === undefined) {
        return invalidAction(`"errno" needs a value, e.g. "errno EPERM" or "errno 13"`);
      }
      const errno = parseErrno(value);
      return isActionError(errno) ? errno : { kind: 'errno', errno };
    }
    case 'trap': {
      if (value === undefined) return { kind: 'trap' };
      const data = parseActionData('trap', value);
      return isActionError(data) ? data : { kind: 'trap', data };
    }
    case 'trace': {
      if (value === undefined) {
        return invalidAction(`"trace" needs the value the tracer sees, e.g. "trace 1"`);
      }
      const data = parseActionData('trace', value);
      return isActionError(data) ? data : { kind: 'trace', data };
    }
  }
  const kind = ACTION_KINDS.find((k) => k === head);
  if (kind !== undefined && value === undefined) return { kind } as SeccompAction;
  if (kind !== undefined) return invalidAction(`"${kind}" takes no value; write just "${kind}"`);
  return invalidAction(
    `unknown action "${text}"${didYouMean(text, ACTION_KINDS)} (valid actions: ${ACTION_SYNTAX.join(', ')})`,
  );
}

/** The SECCOMP_RET_DATA of `trap N` / `trace N`: decimal or 0x hex, 0..65535. */
function parseActionData(kind: string, text: string): number | ActionError {
  const n = /^(0|[1-9][0-9]*|0x[0-9a-f]+)$/i.test(text) ? Number(text) : Number.NaN;
  if (Number.isSafeInteger(n) && n >= 0 && n <= MAX_ACTION_DATA) return n;
  return {
    error: `"${kind} ${text}": the value must be a number 0..${MAX_ACTION_DATA} (16 bits of SECCOMP_RET_DATA)`,
    code: 'invalid-action-data',
  };
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

/** The canonical text of an action, the way a policy file spells it: `errno EACCES`, `trap 3`. */
export function formatAction(action: SeccompAction): string {
  switch (action.kind) {
    case 'errno':
      return `errno ${errnoName(action.errno)}`;
    case 'trap':
      return action.data === undefined ? 'trap' : `trap ${action.data}`;
    case 'trace':
      return `trace ${action.data}`;
    default:
      return action.kind;
  }
}

function invalidAction(error: string): ActionError {
  return { error, code: 'invalid-action' };
}
