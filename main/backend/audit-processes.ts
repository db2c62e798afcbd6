import type { AuditProcessInfo } from '../../app/api/contract';
import { parsePasswd } from '../../app/linux/passwd';
import { parseProcStatus } from '../../app/linux/proc-status';

/**
 * The audit view's process list, from the text of /proc/PID/status and /proc/PID/cmdline. Pure:
 * audit-service.ts reads the files.
 */

/** kthreadd: the kernel's thread 2, parent of every other kernel thread. */
const KTHREADD_PID = 2;

function statusLine(text: string, key: string): string | undefined {
  const match = new RegExp(`^${key}:\\s*(.*)$`, 'm').exec(text);
  return match?.[1]?.trim();
}

function decimalLine(text: string, key: string): number | undefined {
  const value = statusLine(text, key);
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** Kernel threads have no user-space program to audit: kthreadd and its children. */
export function isKernelThread(pid: number, ppid: number | undefined): boolean {
  return pid === KTHREADD_PID || ppid === KTHREADD_PID;
}

/** /etc/passwd → uid to name (the first entry of a uid wins, as getpwuid does). */
export function userNames(passwdText: string): ReadonlyMap<number, string> {
  const users = new Map<number, string>();
  for (const entry of parsePasswd(passwdText).entries) {
    if (!users.has(entry.uid)) users.set(entry.uid, entry.name);
  }
  return users;
}

/** A process of the list, or undefined for a kernel thread or a status this parser cannot read. */
export function summarizeProcess(
  pid: number,
  statusText: string,
  cmdline: string,
  users: ReadonlyMap<number, string>,
): AuditProcessInfo | undefined {
  const ppid = decimalLine(statusText, 'PPid');
  if (ppid === undefined || isKernelThread(pid, ppid)) return undefined;
  const parsed = parseProcStatus(statusText);
  if (!parsed.ok) return undefined;
  const status = parsed.status;
  const uid = status.uid?.real;
  const command = cmdline.split('\0').filter(Boolean).join(' ');
  return {
    pid,
    ppid,
    name: status.name,
    command: command || `[${status.name}]`,
    ...(uid !== undefined && { uid }),
    user: uid === undefined ? '?' : (users.get(uid) ?? String(uid)),
    threads: decimalLine(statusText, 'Threads') ?? 1,
    seccomp: status.seccomp ?? 'unknown',
    ...(status.seccompFilters !== undefined && { seccompFilters: status.seccompFilters }),
    ...(status.noNewPrivs !== undefined && { noNewPrivs: status.noNewPrivs }),
  };
}
