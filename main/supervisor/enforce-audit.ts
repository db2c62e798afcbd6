/**
 * Enforce mode's denial reports: the kernel acts alone, and its seccomp audit records in
 * /dev/kmsg (the filter is installed with SECCOMP_FILTER_FLAG_LOG) become `denied` events with
 * `source: audit`. When /dev/kmsg cannot be read, the run says that denials come from the exit
 * status only.
 */
import { readFileSync } from 'node:fs';
import { decodeReturnValue, policyAction } from '../../app/bpf/actions';
import { runFilter } from '../../app/bpf/emulate';
import type { BpfProgram } from '../../app/bpf/program';
import { formatAction } from '../../app/policy/actions';
import type { SeccompAuditRecord } from '../../app/trace/audit-record';
import { describeAuditVisibility } from '../../app/trace/audit-visibility';
import type { DeniedEvent, ErrorEvent, TraceEvent } from '../../app/trace/events';
import { followSeccompAudit } from './kmsg-audit';

export interface EnforceAuditOptions {
  /** The run's cgroup (absolute path), when it has one. */
  readonly cgroup?: string;
  /** The run's known process ids (the launcher's at least). */
  readonly pids: () => ReadonlySet<number>;
  /** The filter as installed: names the exact action when it does not depend on arguments. */
  readonly deployed: BpfProgram;
  readonly now: () => number;
  readonly emit: (events: readonly TraceEvent[]) => void;
}

function readSysctl(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function printkRatelimit(): { intervalSeconds: number; burst: number } | undefined {
  const interval = Number(readSysctl('/proc/sys/kernel/printk_ratelimit'));
  const burst = Number(readSysctl('/proc/sys/kernel/printk_ratelimit_burst'));
  return Number.isFinite(interval) && Number.isFinite(burst)
    ? { intervalSeconds: interval, burst }
    : undefined;
}

/**
 * The action as the policy spells it (`errno EACCES`) when the filter decides this syscall without
 * looking at its arguments; otherwise what the record says (`errno`: the number is not logged).
 */
export function auditedAction(deployed: BpfProgram, record: SeccompAuditRecord): string {
  try {
    const run = runFilter(deployed, {
      nr: record.nr,
      arch: record.auditArch,
      instructionPointer: record.ip,
      args: [0n, 0n, 0n, 0n, 0n, 0n],
    });
    if (!run.readsArguments) {
      const exact = formatAction(policyAction(decodeReturnValue(run.ret)));
      if (exact.startsWith(record.action.text)) return exact;
    }
  } catch {
    // an unverifiable program never gets here (the session verified it); fall back anyway
  }
  return record.action.text;
}

export function deniedFromAudit(
  record: SeccompAuditRecord,
  action: string,
  t: number,
): DeniedEvent {
  return {
    type: 'denied',
    t,
    pid: record.pid,
    tid: record.pid,
    name: record.syscall,
    nr: record.nr,
    arch: record.arch ?? `0x${record.auditArch.toString(16)}`,
    args: [],
    action,
    source: 'audit',
  };
}

function warning(t: number, message: string): ErrorEvent {
  return { type: 'error', severity: 'warning', t, layer: 'audit', message };
}

export interface EnforceAudit {
  readonly readable: boolean;
  /**
   * Waits for the last records and stops. `failedRun`: the target exited non-zero or was
   * killed, so a run without any record deserves a word on why none may have come.
   */
  stop(failedRun: boolean): Promise<void>;
}

/** Starts reading audit records for the run; `stop` waits for the last ones. */
export function startEnforceAudit(options: EnforceAuditOptions): EnforceAudit {
  const { emit, now } = options;
  let suppressed = 0;
  let records = 0;
  const follower = followSeccompAudit({
    pids: options.pids,
    ...(options.cgroup !== undefined ? { cgroup: options.cgroup } : {}),
    onRecord: (record) => {
      records += 1;
      emit([deniedFromAudit(record, auditedAction(options.deployed, record), now())]);
    },
    onSuppressed: (count) => (suppressed += count),
    onOverwritten: () =>
      emit([warning(now(), 'kernel log records were overwritten before they could be read')]),
  });
  const ratelimit = printkRatelimit();
  const visibility = describeAuditVisibility({
    actionsLogged: readSysctl('/proc/sys/kernel/seccomp/actions_logged'),
    filterFlagLog: true,
    kmsg: { readable: follower.readable, ...(follower.reason ? { reason: follower.reason } : {}) },
    ...(ratelimit ? { printkRatelimit: ratelimit } : {}),
  });
  if (!follower.readable) emit([warning(now(), visibility.summary)]);
  return {
    readable: follower.readable,
    async stop(failedRun) {
      await follower.stop();
      if (suppressed > 0) {
        emit([
          warning(
            now(),
            `the kernel suppressed ${suppressed} audit message(s) (printk rate limit): some denials may be missing; the exit status still tells whether the run was killed`,
          ),
        ]);
      } else if (follower.readable && records === 0 && failedRun) {
        emit([
          warning(
            now(),
            'no audit record of this run arrived: the failure may have another cause, or the kernel dropped the records (printk allows a burst of messages per interval, machine-wide, and reports drops only with its next message)',
          ),
        ]);
      }
    },
  };
}
