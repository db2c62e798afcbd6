import type { RunMode } from '../../app/api/contract';
import type { BpfProgram } from '../../app/bpf/program';
import type { TraceEvent } from '../../app/trace/events';
import type { ThreadWake } from '../../native-bridge/linux/thread-wake';
import type { SyscallRecordBatch } from './syscall-records';
import type { FaultInjection } from './types';

/** What the session hands the notification worker once the launcher's listener fd is ours. */
export interface NotifyWorkerData {
  readonly listenerFd: number;
  readonly mode: RunMode;
  /** The policy as deployed: its emulated verdict decides each notification. */
  readonly program: BpfProgram;
  readonly startEpochMs: number;
  readonly launcherPid: number;
  readonly targetPath: string;
  readonly targetArgv: readonly string[];
  /** Int32 slots shared with the session, indexed by CONTROL. */
  readonly control: SharedArrayBuffer;
  readonly faultInjection?: FaultInjection;
}

/**
 * The shared control block. `stop`: the session sets it to 1 to end the loop (with a wake-up, as
 * the worker may be blocked in RECV). `waiting`: -1 while the worker handles a notification;
 * while it is blocked in RECV, the number of events it holds unsent (the session wakes it to send
 * them when the target goes quiet). `sent` / `taken`: batches the worker posted and the session
 * has decoded; the worker waits (and with it the target) while too many are in between, so a
 * target faster than the main thread cannot fill the memory with undelivered events.
 */
export const CONTROL = { stop: 0, waiting: 1, sent: 2, taken: 3, slots: 4 } as const;

/** Batches the worker may have posted that the session has not decoded yet. */
export const MAX_BATCHES_IN_FLIGHT = 64;

/**
 * Messages to the worker: it is started ahead of its run and waits for `start`; after a run that
 * ended with `done` it waits for the next `start`, after `failed` it ends.
 */
export type ToWorkerMessage =
  | { kind: 'start'; data: NotifyWorkerData }
  /** No (further) run: the worker ends. */
  | { kind: 'cancel' };

export type WorkerMessage =
  /** Sent once the worker is loaded: how to wake it out of a blocking call. */
  | { kind: 'ready'; wake: ThreadWake }
  | { kind: 'events'; events: TraceEvent[]; records?: SyscallRecordBatch }
  | { kind: 'info'; message: string }
  | { kind: 'warning'; message: string }
  | { kind: 'done'; notifications: number }
  | { kind: 'failed'; message: string };
