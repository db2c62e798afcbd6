import type { RunMode } from '../../app/api/contract';
import type { Policy } from '../../app/policy/model';
import type { ExitEvent, TraceEvent } from '../../app/trace/events';

export interface SupervisorSessionOptions {
  readonly mode: RunMode;
  /** A parsed policy without errors. */
  readonly policy: Policy;
  /** Overrides `policy.target.command` (the CLI's `-- CMD ARGS...`). */
  readonly command?: readonly string[];
  /** Called with batches of events (never one call per event, at most 4,096 per call), in order. */
  readonly onEvents: (batch: readonly TraceEvent[]) => void;
  /** Tests only: make the supervisor fail on purpose, to prove that the target never hangs. */
  readonly faultInjection?: FaultInjection;
}

export interface FaultInjection {
  /** The notification worker throws when it receives this syscall (by name). */
  readonly crashWorkerOn?: string;
}

export interface RunOutcome {
  /** The exit of the target's first process; undefined when it never started. */
  readonly exit: ExitEvent | undefined;
  /** Number of denial events (check mode). */
  readonly denials: number;
  /** Set when the run could not start or the supervisor failed (also sent as an `error` event). */
  readonly failure?: string;
}

export interface SupervisorSession {
  /** Resolves when every process of the run has ended and every event was delivered. */
  readonly done: Promise<RunOutcome>;
  /** Ends every process of the run; resolves like `done`. */
  stop(): Promise<RunOutcome>;
}
