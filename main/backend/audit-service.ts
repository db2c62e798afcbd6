import { readdirSync, readFileSync } from 'node:fs';
import type {
  AuditFilter,
  AuditPosture,
  AuditProcessInfo,
  AuditReport,
} from '../../app/api/contract';
import type { ProcessPosture } from '../../app/audit/posture';
import { decompile, DecompileError } from '../../app/bpf/decompile';
import { disassemble } from '../../app/bpf/disasm';
import type { BpfProgram } from '../../app/bpf/program';
import { errnoName } from '../../app/linux/errno';
import { parseProcStatus } from '../../app/linux/proc-status';
import { readProcessPosture } from '../../native-bridge/linux/process-posture';
import { dumpSeccompFilters, type FilterDump } from '../../native-bridge/linux/ptrace-filter';
import { explainUnreadableFilters, type PrivilegeContext } from './audit-privilege';
import { summarizeProcess, userNames } from './audit-processes';

/**
 * The studio's audit view of running processes: what `sandbox-studio audit PID` shows, as data
 * for the renderer. Trust: the list shows every process's command line, and reading filters
 * attaches with ptrace; both are what the studio's user can already do (the studio runs programs
 * as that user), and in web mode only a client holding the server's token reaches them. The pid
 * is the only input, validated by the contract (a positive int); nothing reaches a shell.
 */
export interface AuditService {
  processes(): Promise<AuditProcessInfo[]>;
  /** Throws "no process PID" when there is none. */
  inspect(pid: number): Promise<AuditReport>;
}

/** The real /proc and ptrace; tests replace `dump` to see how a failure is explained. */
export interface AuditSources {
  readonly procRoot?: string;
  readonly readPosture?: (pid: number) => ProcessPosture | undefined;
  readonly dump?: (pid: number) => FilterDump;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

const hex = (value: bigint): string => `0x${value.toString(16)}`;

/** ProcessPosture without bigints, as the contract carries it. */
export function postureForWire({ lsms, ...posture }: ProcessPosture): AuditPosture {
  return {
    ...posture,
    limits: [...posture.limits],
    namespaces: [...posture.namespaces],
    ...(lsms && { lsms: [...lsms] }),
    threads: posture.threads.map(({ tgid: _tgid, capabilities: caps, ...thread }) => ({
      ...thread,
      capabilities: {
        inheritable: hex(caps.inheritable),
        permitted: hex(caps.permitted),
        effective: hex(caps.effective),
        bounding: hex(caps.bounding),
        ...(caps.ambient !== undefined && { ambient: hex(caps.ambient) }),
      },
    })),
  };
}

/** Disassembly and decompiled policy of each filter; a filter that does not decompile says why. */
export function describeFilters(pid: number, filters: readonly BpfProgram[]): AuditFilter[] {
  return filters.map((program, index) => {
    const base = { index, length: program.length, disassembly: disassemble(program) };
    try {
      const source = `filter ${index} of process ${pid}`;
      return { ...base, policy: decompile(program, { source }).policyText };
    } catch (error) {
      if (!(error instanceof DecompileError)) throw error;
      return { ...base, decompileError: error.message };
    }
  });
}

function privilegeContext(
  procRoot: string,
  pid: number,
  posture: ProcessPosture,
): PrivilegeContext {
  const own = parseProcStatus(readText(`${procRoot}/self/status`) ?? '');
  const target = readText(`${procRoot}/${pid}/status`) ?? '';
  const tracer = /^TracerPid:\s*(\d+)/m.exec(target)?.[1];
  const targetUid = posture.threads[0]?.uid?.effective;
  const ownUid = own.ok ? own.status.uid?.effective : undefined;
  return {
    ownEffectiveCaps: own.ok ? own.status.capabilities.effective : 0n,
    ownSeccomp: own.ok ? (own.status.seccomp ?? 'unknown') : 'unknown',
    ...(ownUid !== undefined && { ownUid }),
    ...(targetUid !== undefined && { targetUid }),
    ...(tracer !== undefined && { targetTracerPid: Number(tracer) }),
    ...(posture.yamaPtraceScope !== undefined && { yamaPtraceScope: posture.yamaPtraceScope }),
  };
}

export function createAuditService(sources: AuditSources = {}): AuditService {
  const procRoot = sources.procRoot ?? '/proc';
  const readPosture = sources.readPosture ?? readProcessPosture;
  const dump = sources.dump ?? dumpSeccompFilters;
  return {
    processes() {
      const users = userNames(readText('/etc/passwd') ?? '');
      const pids = readdirSync(procRoot)
        .filter((entry) => /^\d+$/.test(entry))
        .map(Number)
        .sort((a, b) => a - b);
      const list = pids.flatMap((pid) => {
        const status = readText(`${procRoot}/${pid}/status`);
        if (status === undefined) return []; // exited while we listed
        const info = summarizeProcess(
          pid,
          status,
          readText(`${procRoot}/${pid}/cmdline`) ?? '',
          users,
        );
        return info ? [info] : [];
      });
      return Promise.resolve(list);
    },
    inspect(pid) {
      const posture = readPosture(pid);
      if (!posture) return Promise.reject(new Error(`no process ${pid}`));
      const report: AuditReport = { posture: postureForWire(posture), filters: [] };
      if (!posture.threads.some((t) => t.seccomp === 'filter')) return Promise.resolve(report);
      const result = dump(pid);
      if (result.ok)
        return Promise.resolve({ ...report, filters: describeFilters(pid, result.filters) });
      const name = result.errno === undefined ? undefined : errnoName(result.errno);
      const failure = {
        step: result.step,
        message: result.message,
        ...(name && { errnoName: name }),
      };
      const filtersUnreadable = explainUnreadableFilters(
        failure,
        privilegeContext(procRoot, pid, posture),
      );
      return Promise.resolve({ ...report, filtersUnreadable });
    },
  };
}
