import type { RunMode } from '../../app/api/contract';
import type { BpfProgram } from '../../app/bpf/program';
import type { TraceEvent } from '../../app/trace/events';
import type { SyscallRecordBatch } from './syscall-records';
import type { FaultInjection } from './types';

/** What the session hands the notification worker. */
export interface NotifyWorkerData {
  readonly listenerFd: number;
  readonly mode: RunMode;
  /** The policy as deployed: its emulated verdict decides each notification. */
  readonly program: BpfProgram;
  readonly startEpochMs: number;
  readonly launcherPid: number;
  readonly targetPath: string;
  readonly targetArgv: readonly string[];
  /** Int32 flag: set to 1 to make the loop end at its next poll timeout. */
  readonly stopFlag: SharedArrayBuffer;
  readonly faultInjection?: FaultInjection;
}

export type WorkerMessage =
  | { kind: 'events'; events: TraceEvent[]; records?: SyscallRecordBatch }
  | { kind: 'info'; message: string }
  | { kind: 'warning'; message: string }
  | { kind: 'done'; notifications: number }
  | { kind: 'failed'; message: string };
