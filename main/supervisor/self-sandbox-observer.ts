/**
 * Seeing the target's own sandbox from the notification worker (learn and check mode): a call
 * that restricts the caller (its own seccomp filter, no_new_privs, dumpable, rlimits,
 * capabilities, Landlock) becomes a `self-sandbox` event, and each process's final state, read
 * from /proc at its exit_group, a `sandbox-state` event.
 *
 * Split in two because the worker is on the target's critical path: `captureSelfSandboxCall` runs
 * before the reply (the memory the call points to may change once the target runs on) and only
 * copies bytes; `selfSandboxEvent` runs after the reply and does the slow part (disassembling,
 * verifying, decompiling the filter) under a budget.
 */
import type { PathBudget } from '../../app/bpf/decompile-paths';
import type { SeccompData } from '../../app/bpf/program';
import { archForAudit } from '../../app/linux/arches';
import { sandboxStateEvent } from '../../app/trace/sandbox-state';
import { decodeSelfSandboxCall, type SelfSandboxCall } from '../../app/trace/self-sandbox';
import {
  describeSelfSandbox,
  type SelfSandboxContext,
} from '../../app/trace/self-sandbox-describe';
import type { ErrorEvent, SandboxStateEvent, SelfSandboxEvent } from '../../app/trace/events';
import type { Libc } from '../../native-bridge/linux/libc';
import { readProcessSandboxStatus, threadIds } from '../../native-bridge/linux/proc-status';
import { readRemoteBytes, readRemoteFilter } from '../../native-bridge/linux/remote-filter';

/**
 * Enough for real filters (Docker's default as libseccomp's 983-instruction linear list takes
 * ≈60 ms here) while a filter built to explode into paths gives up after ≈50 ms instead of the
 * decompiler's default ≈250 ms, during which no other notification of the run is answered.
 */
export const SELF_SANDBOX_DECOMPILE_BUDGET: PathBudget = { steps: 500_000, leaves: 10_000 };

/** One notification, as the worker has it. */
export interface NotificationSite {
  /** Milliseconds since the run started. */
  readonly t: number;
  readonly pid: number;
  readonly tid: number;
  readonly data: SeccompData;
}

/** A self-sandboxing call with the bytes it points to, copied before the reply. */
export interface CapturedSelfSandboxCall {
  readonly call: SelfSandboxCall;
  readonly context: SelfSandboxContext;
}

/** True while the notification (so the process and its memory) is still the one being read. */
export type StillValid = () => boolean;

const NO_LONGER_VALID =
  'the notification is no longer valid (the process died or its pid was reused): bytes discarded';

type CallMemory = Pick<SelfSandboxContext, 'filterBytes' | 'rlimitBytes' | 'unreadable'>;

function readCallMemory(
  c: Libc,
  call: SelfSandboxCall,
  tid: number,
  isStillValid: StillValid,
): CallMemory {
  if (call.fprog) {
    const filter = readRemoteFilter(tid, call.arch, call.fprog.address, { isStillValid });
    return filter.ok ? { filterBytes: filter.bytes } : { unreadable: filter.error };
  }
  if (call.rlimit) {
    const read = readRemoteBytes(c, tid, call.rlimit.address, 2 * call.rlimit.fieldBytes);
    if ('error' in read) return { unreadable: `struct rlimit: ${read.error}` };
    if (!isStillValid()) return { unreadable: NO_LONGER_VALID };
    return { rlimitBytes: new Uint8Array(read.bytes) };
  }
  return {};
}

/** Threads of the process now, for calls that bind the calling thread only. */
function threadCountFor(
  call: SelfSandboxCall,
  pid: number,
): Pick<SelfSandboxContext, 'threadCount'> {
  if (!call.perThread) return {};
  const count = threadIds(pid).length;
  return count > 0 ? { threadCount: count } : {};
}

/**
 * Before the reply: the self-sandboxing call this notification is (undefined for any other call,
 * e.g. prctl(PR_SET_NAME)), with the filter or rlimit it points to copied out of the target.
 */
export function captureSelfSandboxCall(
  c: Libc,
  site: NotificationSite,
  isStillValid: StillValid,
): CapturedSelfSandboxCall | undefined {
  const arch = archForAudit(site.data.arch, site.data.nr);
  if (!arch) return undefined;
  const call = decodeSelfSandboxCall({
    arch,
    nr: site.data.nr,
    args: site.data.args,
    pid: site.pid,
    tid: site.tid,
  });
  if (!call) return undefined;
  const memory = readCallMemory(c, call, site.tid, isStillValid);
  return {
    call,
    context: {
      t: site.t,
      pid: site.pid,
      tid: site.tid,
      ...threadCountFor(call, site.pid),
      ...memory,
      decompileBudget: SELF_SANDBOX_DECOMPILE_BUDGET,
    },
  };
}

/** After the reply: the event, with the filter disassembled, checked and decompiled. */
export function selfSandboxEvent(captured: CapturedSelfSandboxCall): SelfSandboxEvent {
  return describeSelfSandbox(captured.call, captured.context);
}

/**
 * At exit_group, before the reply (every thread is still there): the state each thread of the
 * process ends with, plus a warning for each status file this parser could not read. Nothing when
 * the process is gone or the notification stopped being valid while /proc was read.
 */
export function finalSandboxState(
  pid: number,
  t: number,
  isStillValid: StillValid,
): (SandboxStateEvent | ErrorEvent)[] {
  const status = readProcessSandboxStatus(pid);
  if (!status || !isStillValid()) return [];
  const problems = status.errors.map(({ tid, error }): ErrorEvent => ({
    type: 'error',
    severity: 'warning',
    t,
    layer: 'supervisor',
    message: `/proc/${pid}/task/${tid}/status line ${error.line}, column ${error.column}: ${error.message}`,
  }));
  return status.threads.length > 0
    ? [sandboxStateEvent(t, pid, status.threads), ...problems]
    : problems;
}
