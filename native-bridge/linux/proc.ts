import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

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
