import { capabilityNumber } from '../../app/linux/capabilities';

/**
 * Why a process's seccomp filters could not be read, naming exactly what is missing. The kernel's
 * checks, in order: PTRACE_SEIZE needs ptrace access (same user and a dumpable target, or
 * CAP_SYS_PTRACE; Yama may narrow it; a process has one tracer at most); then
 * PTRACE_SECCOMP_GET_FILTER needs CAP_SYS_ADMIN in the initial user namespace and refuses a caller
 * that itself runs under seccomp (kernel/seccomp.c).
 */

export interface FilterReadFailure {
  /** The ptrace step that failed (`PTRACE_SEIZE`, `PTRACE_SECCOMP_GET_FILTER`, …). */
  readonly step: string;
  readonly errnoName?: string;
  readonly message: string;
}

/** What the studio itself has (from /proc/self/status) and what is known about the target. */
export interface PrivilegeContext {
  readonly ownEffectiveCaps: bigint;
  readonly ownSeccomp: 'disabled' | 'strict' | 'filter' | 'unknown';
  readonly ownUid?: number;
  readonly targetUid?: number;
  /** The target's TracerPid: non-zero when something already traces it. */
  readonly targetTracerPid?: number;
  readonly yamaPtraceScope?: number;
}

function has(caps: bigint, name: string): boolean {
  const bit = capabilityNumber(name);
  return bit !== undefined && ((caps >> BigInt(bit)) & 1n) === 1n;
}

function explainAttach(context: PrivilegeContext): string {
  const ptraceCap = has(context.ownEffectiveCaps, 'CAP_SYS_PTRACE');
  if (context.targetTracerPid) {
    return `the process is already traced by process ${context.targetTracerPid} (a process has one tracer at most)`;
  }
  if (context.yamaPtraceScope === 3) {
    return 'Yama ptrace_scope is 3: no process may attach, whatever its privileges';
  }
  if (context.yamaPtraceScope === 2 && !ptraceCap) {
    return 'the studio lacks CAP_SYS_PTRACE, which Yama ptrace_scope 2 requires for any attach';
  }
  if (context.yamaPtraceScope === 1 && !ptraceCap) {
    return 'the studio lacks CAP_SYS_PTRACE: Yama ptrace_scope 1 only lets a process attach to its descendants';
  }
  if (!ptraceCap && context.targetUid !== context.ownUid) {
    return `the studio lacks CAP_SYS_PTRACE, needed to attach to a process of another user (uid ${context.targetUid ?? '?'})`;
  }
  if (!ptraceCap) {
    return 'the studio lacks CAP_SYS_PTRACE, needed to attach to a process that is not dumpable';
  }
  return 'the kernel refused the attach (an LSM policy may forbid it)';
}

function explainGetFilter(context: PrivilegeContext): string {
  if (!has(context.ownEffectiveCaps, 'CAP_SYS_ADMIN')) {
    return 'the studio lacks CAP_SYS_ADMIN (in the initial user namespace), which PTRACE_SECCOMP_GET_FILTER requires; run the studio as root to read filters';
  }
  if (context.ownSeccomp !== 'disabled' && context.ownSeccomp !== 'unknown') {
    return `the studio itself runs under seccomp (mode ${context.ownSeccomp}), and the kernel refuses PTRACE_SECCOMP_GET_FILTER to such a caller`;
  }
  return 'the kernel refused PTRACE_SECCOMP_GET_FILTER';
}

export function explainUnreadableFilters(
  failure: FilterReadFailure,
  context: PrivilegeContext,
): string {
  const denied = failure.errnoName === 'EPERM' || failure.errnoName === 'EACCES';
  const detail = `${failure.step} failed${failure.errnoName ? ` with ${failure.errnoName}` : ''}`;
  if (!denied) return `${detail}: ${failure.message}`;
  const reason =
    failure.step === 'PTRACE_SECCOMP_GET_FILTER'
      ? explainGetFilter(context)
      : explainAttach(context);
  return `cannot read the seccomp filters: ${reason} (${detail})`;
}
