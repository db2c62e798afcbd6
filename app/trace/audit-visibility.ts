import type { SeccompAction } from '../policy/model';

/**
 * What enforce mode can learn from the kernel's audit records, given the sysctls that govern
 * them. kernel/seccomp.c `seccomp_log` decides per action:
 *   - allow is never logged;
 *   - kill-process, kill-thread and log are logged when /proc/sys/kernel/seccomp/actions_logged
 *     names them (the default names every action but allow);
 *   - errno, trap, trace and notify are logged only when, in addition, the filter that decided was
 *     installed with SECCOMP_FILTER_FLAG_LOG. Without the flag an errno denial is invisible.
 * Measured on Linux 6.18: with the flag and the default actions_logged, errno, trap, log and kill
 * records all appear; without it only log and kill do.
 */

type ActionKind = SeccompAction['kind'];

/** The names actions_logged uses (kernel/seccomp.c `seccomp_log_names`), per policy action. */
export const KERNEL_ACTION_NAMES: Readonly<Record<ActionKind, string>> = {
  'kill-process': 'kill_process',
  'kill-thread': 'kill_thread',
  trap: 'trap',
  errno: 'errno',
  notify: 'user_notif',
  trace: 'trace',
  log: 'log',
  allow: 'allow',
};

const ACTION_KINDS = Object.keys(KERNEL_ACTION_NAMES) as ActionKind[];
const NEEDS_FLAG: ReadonlySet<ActionKind> = new Set(['errno', 'trap', 'trace', 'notify']);
const KNOWN_NAMES = new Set(Object.values(KERNEL_ACTION_NAMES));

export interface ActionsLogged {
  readonly names: ReadonlySet<string>;
  /** Words the kernel does not use (a newer kernel's action, or a garbled file). */
  readonly unknown: readonly string[];
}

/** The content of /proc/sys/kernel/seccomp/actions_logged: action names separated by spaces. */
export function parseActionsLogged(text: string): ActionsLogged {
  const words = text.split(/\s+/).filter((w) => w !== '');
  return {
    names: new Set(words.filter((w) => KNOWN_NAMES.has(w))),
    unknown: words.filter((w) => !KNOWN_NAMES.has(w)),
  };
}

export interface ActionVisibility {
  readonly action: ActionKind;
  readonly logged: boolean;
  readonly reason: string;
}

export interface AuditVisibilityInput {
  /** The content of actions_logged; undefined when it could not be read (no seccomp sysctls). */
  readonly actionsLogged: string | undefined;
  /** Whether enforce mode installs the filter with SECCOMP_FILTER_FLAG_LOG. */
  readonly filterFlagLog: boolean;
  /** Whether /dev/kmsg could be opened, and why not. */
  readonly kmsg: { readonly readable: boolean; readonly reason?: string };
  /** kernel.printk_ratelimit (seconds) and kernel.printk_ratelimit_burst, when known. */
  readonly printkRatelimit?: { readonly intervalSeconds: number; readonly burst: number };
}

export interface AuditVisibility {
  /** Where enforce mode's denials come from. */
  readonly source: 'audit-records' | 'exit-status';
  readonly actions: readonly ActionVisibility[];
  /** One line for the run view: where denials come from and which actions are seen. */
  readonly summary: string;
  /** What the records never tell, and limits that can hide records. */
  readonly notes: readonly string[];
}

function actionVisibility(
  action: ActionKind,
  logged: ActionsLogged | undefined,
  flag: boolean,
): ActionVisibility {
  const name = KERNEL_ACTION_NAMES[action];
  if (action === 'allow') return { action, logged: false, reason: 'the kernel never logs allow' };
  if (!logged) return { action, logged: false, reason: 'actions_logged could not be read' };
  if (!logged.names.has(name)) {
    return { action, logged: false, reason: `actions_logged does not list ${name}` };
  }
  if (NEEDS_FLAG.has(action) && !flag) {
    return {
      action,
      logged: false,
      reason: `${name} is logged only for filters installed with SECCOMP_FILTER_FLAG_LOG`,
    };
  }
  return { action, logged: true, reason: `actions_logged lists ${name}` };
}

const NOTES: readonly string[] = [
  'a record carries the action only: errno numbers and trap/trace data are not logged',
  'a record names the process (thread-group id), not the thread, and has no syscall arguments',
];

function ratelimitNote(limit: AuditVisibilityInput['printkRatelimit']): string {
  const rate = limit
    ? `at most ${limit.burst} messages per ${limit.intervalSeconds} s`
    : 'a burst of messages per interval';
  return (
    `without an audit daemon the kernel prints audit records through printk's rate limit ` +
    `(kernel.printk_ratelimit_burst / kernel.printk_ratelimit: ${rate}); further records are ` +
    `dropped and only counted ("kauditd_printk_skb: N callbacks suppressed")`
  );
}

/** What enforce mode can and cannot see with these settings. */
export function describeAuditVisibility(input: AuditVisibilityInput): AuditVisibility {
  const logged =
    input.actionsLogged === undefined ? undefined : parseActionsLogged(input.actionsLogged);
  const actions = ACTION_KINDS.map((a) => actionVisibility(a, logged, input.filterFlagLog));
  const seen = actions.filter((a) => a.logged).map((a) => a.action);
  const notes = [...NOTES, ratelimitNote(input.printkRatelimit)];
  if (logged && logged.unknown.length > 0) {
    notes.push(`actions_logged has names this studio does not know: ${logged.unknown.join(', ')}`);
  }
  if (!input.kmsg.readable || seen.length === 0) {
    const why = !input.kmsg.readable
      ? (input.kmsg.reason ?? '/dev/kmsg is not readable')
      : 'the kernel logs none of the actions';
    return {
      source: 'exit-status',
      actions: input.kmsg.readable
        ? actions
        : actions.map((a) => ({ action: a.action, logged: false, reason: why })),
      summary: `Denials from the exit status only: ${why}.`,
      notes,
    };
  }
  const unseen = actions.filter((a) => !a.logged).map((a) => a.action);
  return {
    source: 'audit-records',
    actions,
    summary:
      `Denials from the kernel's audit records (/dev/kmsg): ${seen.join(', ')} are logged` +
      (unseen.length > 0
        ? `; ${unseen.join(', ')} ${unseen.length === 1 ? 'is' : 'are'} not.`
        : '.'),
    notes,
  };
}
