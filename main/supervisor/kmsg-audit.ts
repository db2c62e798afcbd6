import { readFileSync } from 'node:fs';
import {
  classifyKmsgRecord,
  type AuditParseError,
  type SeccompAuditRecord,
} from '../../app/trace/audit-record';
import { parseKmsgRecord } from '../../app/trace/kmsg-record';
import { openKmsgAtEnd, type KmsgDevice } from '../../native-bridge/linux/kmsg-device';

/**
 * Enforce mode's view of denials: the kernel's seccomp audit records (type=1326) from /dev/kmsg,
 * for the run's processes only. The kernel writes a record from kauditd after the syscall, often
 * when a killed process is already gone, so a process is the run's when it is in the caller's pid
 * set, or was seen in the run's cgroup (cgroup.procs is sampled on every poll), or is alive in it.
 */
export interface SeccompAuditFollowerOptions {
  /** The run's process ids (thread-group ids), kept by the caller, exited ones included. */
  readonly pids?: () => ReadonlySet<number>;
  /** The run's cgroup: a path under the cgroup2 mount (`/x/run-1`) or absolute (`/sys/fs/cgroup/x/run-1`). */
  readonly cgroup?: string;
  readonly onRecord: (record: SeccompAuditRecord) => void;
  /** printk's rate limit dropped `count` audit messages (of any process, maybe the run's). */
  readonly onSuppressed?: (count: number) => void;
  /** Records were overwritten in the kernel's ring buffer before they could be read. */
  readonly onOverwritten?: () => void;
  /** A type=1326 record that does not parse (kept, not dropped silently). */
  readonly onMalformed?: (error: AuditParseError, text: string) => void;
  /** How often to read new records (default 25 ms). */
  readonly pollIntervalMs?: number;
  /** The device (default /dev/kmsg); tests point it elsewhere to see the failure path. */
  readonly devicePath?: string;
}

export interface SeccompAuditFollower {
  /** False when /dev/kmsg cannot be read: denials then come from the exit status only. */
  readonly readable: boolean;
  readonly reason?: string;
  /** Reads every record available now. */
  drain(): void;
  /** Waits `settleMs` (default 50) for kauditd to print the last records, drains and closes. */
  stop(settleMs?: number): Promise<void>;
}

const CGROUP_MOUNT = '/sys/fs/cgroup';
const MAX_RECORDS_PER_DRAIN = 10_000;

function cgroupRelative(path: string): string {
  const relative = path.startsWith(`${CGROUP_MOUNT}/`) ? path.slice(CGROUP_MOUNT.length) : path;
  return relative.replace(/\/+$/, '') || '/';
}

/** The unified-hierarchy cgroup of a live process, from /proc/PID/cgroup (`0::/path`). */
export function cgroupOf(pid: number): string | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/cgroup`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('0::'));
    return line?.slice(3);
  } catch {
    return undefined;
  }
}

function isWithin(path: string, cgroup: string): boolean {
  return path === cgroup || path.startsWith(cgroup === '/' ? '/' : `${cgroup}/`);
}

/** The run's processes: the caller's set, plus every pid seen in the cgroup while following. */
class RunMembership {
  private readonly seen = new Set<number>();
  private readonly cgroup: string | undefined;

  constructor(
    private readonly pids: (() => ReadonlySet<number>) | undefined,
    cgroup: string | undefined,
  ) {
    this.cgroup = cgroup === undefined ? undefined : cgroupRelative(cgroup);
  }

  sample(): void {
    if (this.cgroup === undefined) return;
    try {
      const procs = readFileSync(`${CGROUP_MOUNT}${this.cgroup}/cgroup.procs`, 'utf8');
      for (const word of procs.split('\n')) if (word !== '') this.seen.add(Number(word));
    } catch {
      // the cgroup is gone (run over): keep what was seen
    }
  }

  includes(pid: number): boolean {
    if (this.pids?.().has(pid) || this.seen.has(pid)) return true;
    if (this.cgroup === undefined) return false;
    const path = cgroupOf(pid);
    return path !== undefined && isWithin(path, this.cgroup);
  }
}

function handleRecord(
  text: string,
  membership: RunMembership,
  options: SeccompAuditFollowerOptions,
): void {
  const parsed = parseKmsgRecord(text);
  if (!parsed.ok) return; // not a record this reader understands; the kernel log is not ours
  const result = classifyKmsgRecord(parsed.record);
  if (result.kind === 'suppressed') options.onSuppressed?.(result.count);
  if (result.kind === 'malformed') options.onMalformed?.(result.error, text);
  if (result.kind === 'seccomp' && membership.includes(result.record.pid)) {
    options.onRecord(result.record);
  }
}

function drainDevice(
  device: KmsgDevice,
  membership: RunMembership,
  options: SeccompAuditFollowerOptions,
): void {
  membership.sample();
  for (let i = 0; i < MAX_RECORDS_PER_DRAIN; i++) {
    const read = device.read();
    if (read.kind === 'empty') return;
    if (read.kind === 'overwritten') options.onOverwritten?.();
    else handleRecord(read.text, membership, options);
  }
}

/**
 * Starts following the kernel log from now on. Start it before the target starts so that no
 * record of the run is older than the position it seeks to.
 */
export function followSeccompAudit(options: SeccompAuditFollowerOptions): SeccompAuditFollower {
  if (!options.pids && options.cgroup === undefined) {
    throw new Error('followSeccompAudit needs the run’s pids or its cgroup');
  }
  const opened = openKmsgAtEnd(options.devicePath);
  if (!opened.ok) {
    return { readable: false, reason: opened.reason, drain: () => {}, stop: async () => {} };
  }
  const { device } = opened;
  const membership = new RunMembership(options.pids, options.cgroup);
  const drain = () => drainDevice(device, membership, options);
  const timer = setInterval(drain, options.pollIntervalMs ?? 25);
  timer.unref();
  let stopped = false;
  return {
    readable: true,
    drain,
    async stop(settleMs = 50) {
      if (stopped) return;
      stopped = true;
      await new Promise((resolve) => setTimeout(resolve, settleMs));
      clearInterval(timer);
      drain();
      device.close();
    },
  };
}
