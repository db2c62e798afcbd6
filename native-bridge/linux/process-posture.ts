import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { parseLimits, type NamespaceState, type ProcessPosture } from '../../app/audit/posture';
import { landlockAbi } from './layers/landlock';
import { readProcessSandboxStatus } from './proc-status';

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function namespaces(pid: number): NamespaceState[] {
  let kinds: string[];
  try {
    kinds = readdirSync(`/proc/${pid}/ns`).filter((k) => !k.endsWith('_for_children'));
  } catch {
    return [];
  }
  return kinds.flatMap((kind) => {
    try {
      const id = readlinkSync(`/proc/${pid}/ns/${kind}`);
      let reference: string | undefined;
      try {
        reference = readlinkSync(`/proc/1/ns/${kind}`);
      } catch {
        reference = undefined;
      }
      return [{ kind, id, separate: reference !== undefined && reference !== id }];
    } catch {
      return [];
    }
  });
}

/** A non-dumpable process's /proc files belong to root; for a root process that tells nothing. */
function dumpable(pid: number, uid: number | undefined): boolean | 'unknown' {
  if (uid === undefined || uid === 0) return 'unknown';
  try {
    return statSync(`/proc/${pid}/environ`).uid !== 0;
  } catch {
    return 'unknown';
  }
}

function landlockState(): ProcessPosture['landlock'] {
  const abi = landlockAbi();
  return typeof abi === 'number' ? { abi } : { unavailable: abi.message };
}

/** The posture of a running process from /proc; undefined when there is no such process. */
export function readProcessPosture(pid: number): ProcessPosture | undefined {
  const status = readProcessSandboxStatus(pid);
  if (!status) return undefined;
  const cmdline = readText(`/proc/${pid}/cmdline`)?.split('\0').filter(Boolean).join(' ');
  const yama = readText('/proc/sys/kernel/yama/ptrace_scope');
  const lsm = readText('/sys/kernel/security/lsm');
  const main = status.threads.find((t) => t.tid === pid) ?? status.threads[0];
  return {
    pid,
    command: cmdline || main?.name || '?',
    threads: status.threads,
    limits: parseLimits(readText(`/proc/${pid}/limits`) ?? ''),
    namespaces: namespaces(pid),
    dumpable: dumpable(pid, main?.uid?.effective),
    ...(yama !== undefined ? { yamaPtraceScope: Number(yama.trim()) } : {}),
    ...(lsm !== undefined ? { lsms: lsm.trim().split(',') } : {}),
    landlock: landlockState(),
  };
}
