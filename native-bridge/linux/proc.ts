import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const tgidCache = new Map<number, number>();

/** The thread group (process id) of a thread, from /proc; the tid itself if it is gone. */
export function threadGroupOf(tid: number): number {
  const cached = tgidCache.get(tid);
  if (cached !== undefined) return cached;
  let tgid = tid;
  try {
    const match = /^Tgid:\s+(\d+)$/m.exec(readFileSync(`/proc/${tid}/status`, 'utf8'));
    if (match?.[1]) tgid = Number(match[1]);
  } catch {
    return tid; // exited: do not cache, the tid may be reused
  }
  if (tgidCache.size > 100_000) tgidCache.clear();
  tgidCache.set(tid, tgid);
  return tgid;
}

/**
 * A thread's process (Tgid) and that process's parent (PPid), from /proc; undefined once the
 * thread is gone.
 */
export function threadIdentity(tid: number): { tgid: number; ppid: number } | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${tid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const tgid = /^Tgid:\s+(\d+)$/m.exec(status)?.[1];
  const ppid = /^PPid:\s+(\d+)$/m.exec(status)?.[1];
  return tgid === undefined ? undefined : { tgid: Number(tgid), ppid: Number(ppid ?? 0) };
}

/** The fd numbers in `pid` whose link target satisfies `match` (e.g. the seccomp listener). */
export function findFds(pid: number, match: (target: string) => boolean): number[] {
  const found: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return found;
  }
  for (const entry of entries) {
    try {
      if (match(readlinkSync(`/proc/${pid}/fd/${entry}`))) found.push(Number(entry));
    } catch {
      // closed while we looked
    }
  }
  return found;
}

export const SECCOMP_LISTENER_LINK = 'anon_inode:seccomp notify';
