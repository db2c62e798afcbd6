import { readdirSync, readFileSync } from 'node:fs';
import {
  parseProcStatus,
  type ProcStatusError,
  type ThreadSandboxStatus,
} from '../../app/linux/proc-status';

/**
 * The sandbox state of every thread of a process, from /proc/PID/task/TID/status. Threads come
 * and go while we read: one that is gone by the time its file is read is left out.
 */

export interface ProcessSandboxStatus {
  readonly pid: number;
  /** One entry per thread, in tid order. */
  readonly threads: readonly ThreadSandboxStatus[];
  /** Status files that did not parse (a kernel this parser does not know): never dropped silently. */
  readonly errors: readonly { readonly tid: number; readonly error: ProcStatusError }[];
}

/** The thread ids of a process, ascending; empty when the process is gone. */
export function threadIds(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`)
      .map(Number)
      .filter((tid) => Number.isInteger(tid))
      .sort((a, b) => a - b);
  } catch {
    return [];
  }
}

function readStatus(pid: number, tid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
  } catch {
    return undefined; // the thread exited between readdir and read
  }
}

/** Every thread's state, or undefined when the process is gone. */
export function readProcessSandboxStatus(pid: number): ProcessSandboxStatus | undefined {
  const threads: ThreadSandboxStatus[] = [];
  const errors: { tid: number; error: ProcStatusError }[] = [];
  for (const tid of threadIds(pid)) {
    const text = readStatus(pid, tid);
    if (text === undefined) continue;
    const parsed = parseProcStatus(text);
    if (parsed.ok) threads.push(parsed.status);
    else errors.push({ tid, error: parsed.error });
  }
  return threads.length === 0 && errors.length === 0 ? undefined : { pid, threads, errors };
}
