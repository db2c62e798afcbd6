import { capabilityNames, type ThreadSandboxStatus } from '../linux/proc-status';

/**
 * A running process's sandbox posture as /proc shows it, for the audit view and
 * `sandbox-studio audit PID`. Pure: native-bridge/linux/process-posture.ts reads the files.
 */

export interface ResourceLimit {
  /** As /proc/PID/limits names it, e.g. `Max open files`. */
  readonly name: string;
  readonly soft: string;
  readonly hard: string;
  readonly unit: string;
}

export interface NamespaceState {
  /** `user`, `pid`, `net`, `mnt`, `ipc`, `uts`, `cgroup`, `time`. */
  readonly kind: string;
  /** The namespace's inode, e.g. `net:[4026531840]`. */
  readonly id: string;
  /** Whether it differs from the namespace of the same kind of PID 1. */
  readonly separate: boolean;
}

export interface ProcessPosture {
  readonly pid: number;
  readonly command: string;
  readonly threads: readonly ThreadSandboxStatus[];
  readonly limits: readonly ResourceLimit[];
  readonly namespaces: readonly NamespaceState[];
  /** From the ownership of /proc/PID: known only for processes not running as root. */
  readonly dumpable: boolean | 'unknown';
  /** `/proc/sys/kernel/yama/ptrace_scope`, or absent when Yama is not built in. */
  readonly yamaPtraceScope?: number;
  /** The LSMs the kernel runs (`/sys/kernel/security/lsm`), to tell whether Landlock is there. */
  readonly lsms?: readonly string[];
  /** Landlock's ABI version as the kernel reports it, or why it is unavailable. */
  readonly landlock?: { readonly abi: number } | { readonly unavailable: string };
}

/** `/proc/PID/limits`: a header line, then `Name  Soft  Hard  Units` in fixed-width columns. */
export function parseLimits(text: string): ResourceLimit[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0] ?? '';
  const softAt = header.indexOf('Soft Limit');
  const hardAt = header.indexOf('Hard Limit');
  const unitsAt = header.indexOf('Units');
  if (softAt < 0 || hardAt < 0 || unitsAt < 0) return [];
  return lines.slice(1).map((line) => ({
    name: line.slice(0, softAt).trim(),
    soft: line.slice(softAt, hardAt).trim(),
    hard: line.slice(hardAt, unitsAt).trim(),
    unit: line.slice(unitsAt).trim(),
  }));
}

const YAMA_SCOPES = [
  'classic ptrace permissions',
  'restricted: only descendants may be traced',
  'admin-only attach (CAP_SYS_PTRACE)',
  'no attach at all',
];

function describeThread(t: ThreadSandboxStatus): string[] {
  const caps = (mask: bigint) => {
    const names = capabilityNames(mask);
    return names.length === 0
      ? 'none'
      : names.length > 8
        ? `${names.length} capabilities`
        : names.join(' ');
  };
  return [
    `thread ${t.tid} (${t.name}): seccomp ${t.seccomp ?? 'unknown'}` +
      `${t.seccompFilters !== undefined ? ` with ${t.seccompFilters} filter(s)` : ''}, ` +
      `no_new_privs ${t.noNewPrivs === undefined ? 'unknown' : t.noNewPrivs ? 'on' : 'off'}`,
    `  capabilities: effective ${caps(t.capabilities.effective)}; permitted ${caps(t.capabilities.permitted)}; ` +
      `bounding ${caps(t.capabilities.bounding)}; ambient ${caps(t.capabilities.ambient ?? 0n)}`,
  ];
}

function describeLandlock(p: ProcessPosture): string {
  const hidden = 'a process’s own Landlock domain is not shown in /proc';
  if (p.landlock && 'abi' in p.landlock) return `ABI ${p.landlock.abi} in this kernel; ${hidden}`;
  if (p.landlock) return p.landlock.unavailable;
  if (p.lsms === undefined) return 'unknown';
  return p.lsms.includes('landlock')
    ? `enabled in this kernel; ${hidden}`
    : 'not enabled in this kernel';
}

/** The posture as text lines, for the CLI. */
export function describePosture(p: ProcessPosture): string[] {
  const limited = p.limits.filter((l) => l.soft !== 'unlimited' || l.hard !== 'unlimited');
  const separate = p.namespaces.filter((n) => n.separate).map((n) => n.kind);
  return [
    `process ${p.pid}: ${p.command}`,
    ...p.threads.flatMap(describeThread),
    `dumpable: ${p.dumpable === 'unknown' ? 'unknown (runs as root)' : p.dumpable ? 'yes' : 'no'}`,
    `namespaces: ${separate.length === 0 ? 'all shared with PID 1' : `own ${separate.join(', ')}`}`,
    `rlimits: ${limited.map((l) => `${l.name} ${l.soft}/${l.hard}`).join('; ') || 'none set'}`,
    `Yama ptrace scope: ${
      p.yamaPtraceScope === undefined
        ? 'Yama is not built into this kernel'
        : `${p.yamaPtraceScope} (${YAMA_SCOPES[p.yamaPtraceScope] ?? 'unknown'})`
    }`,
    `Landlock: ${describeLandlock(p)}`,
  ];
}
