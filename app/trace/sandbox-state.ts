import { capabilityHex, type ThreadSandboxStatus } from '../linux/proc-status';
import type { SandboxStateEvent, ThreadSandboxState } from './self-sandbox-event';

/** A thread's /proc status as the `sandbox-state` event carries it (masks as hex). */
export function threadSandboxState(status: ThreadSandboxStatus): ThreadSandboxState {
  const caps = status.capabilities;
  return {
    tid: status.tid,
    name: status.name,
    ...(status.seccomp !== undefined ? { seccomp: status.seccomp } : {}),
    ...(status.seccompFilters !== undefined ? { seccompFilters: status.seccompFilters } : {}),
    ...(status.noNewPrivs !== undefined ? { noNewPrivs: status.noNewPrivs } : {}),
    capabilities: {
      inheritable: capabilityHex(caps.inheritable),
      permitted: capabilityHex(caps.permitted),
      effective: capabilityHex(caps.effective),
      bounding: capabilityHex(caps.bounding),
      ...(caps.ambient !== undefined ? { ambient: capabilityHex(caps.ambient) } : {}),
    },
  };
}

/** Every thread's final sandbox state, for the run view and the audit report. */
export function sandboxStateEvent(
  t: number,
  pid: number,
  threads: readonly ThreadSandboxStatus[],
): SandboxStateEvent {
  return { type: 'sandbox-state', t, pid, threads: threads.map(threadSandboxState) };
}
