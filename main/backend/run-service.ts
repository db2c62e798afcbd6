import { randomUUID } from 'node:crypto';
import type { EventName, EventPayload, RunMode, RunState } from '../../app/api/contract';
import { hasErrors, parsePolicy } from '../../app/policy/parse';
import type { Policy } from '../../app/policy/model';
import type { Diagnostic } from '../../app/policy/source-range';
import type { TraceEvent } from '../../app/trace/events';
import type { RunOutcome, SupervisorSession } from '../supervisor/types';
import { EventCoalescer } from './event-coalescer';
import type { PolicySource } from './files-service';
import type { Recording, RunRecorder } from './run-recorder';
import { createWarmSupervisor, type StartSession, type WarmSupervisor } from './supervisor-loader';

export type EmitEvent = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

export interface RunServiceOptions {
  /** Sends an event to this service's one client (a window or a socket). */
  readonly emit: EmitEvent;
  readonly loadSupervisor?: () => Promise<StartSession>;
  /** Batches arriving within this many milliseconds go out as one `run.events` message. */
  readonly coalesceMs?: number;
  readonly maxEventsPerMessage?: number;
  /** Saves every run's events to a file while it runs. */
  readonly recorder?: Pick<RunRecorder, 'start'>;
}

interface ActiveRun {
  readonly runId: string;
  readonly mode: RunMode;
  readonly session: SupervisorSession;
  readonly events: EventCoalescer;
  readonly recording: Recording | undefined;
  stopRequested: boolean;
  /** The opening state was sent (deferred until the client has the runId). */
  opened: boolean;
  /** The target was exec'd: the run is `running` from then on. */
  running: boolean;
  /** Settles once the final state was sent. */
  finished?: Promise<void>;
}

const MAX_LISTED_DIAGNOSTICS = 3;

/**
 * The runs of one client: parses the policy text, starts a supervised run, streams its events
 * (coalesced) and its state changes, and stops everything when the client goes away.
 */
export class RunService {
  readonly #options: RunServiceOptions;
  readonly #runs = new Map<string, ActiveRun>();
  readonly #issued = new Set<string>();
  /** The real supervisor, keeping a launcher and a worker ready for this client's next run. */
  readonly #warm: WarmSupervisor | undefined;
  #starting = false;
  #disposed = false;

  constructor(options: RunServiceOptions) {
    this.#options = options;
    this.#warm = options.loadSupervisor ? undefined : createWarmSupervisor();
  }

  get activeRunIds(): readonly string[] {
    return [...this.#runs.keys()];
  }

  /**
   * `source` is the file the text belongs to, for its `include:` entries; without it an include
   * is an error (the text was never saved, so there is no folder to read includes from).
   */
  async start(
    mode: RunMode,
    policyText: string,
    source?: PolicySource,
  ): Promise<{ runId: string }> {
    if (this.#disposed) throw new Error('this connection is closing');
    if (this.#starting || this.#runs.size > 0) {
      throw new Error('a run is already in progress: stop it before starting another');
    }
    const { policy, diagnostics } = parsePolicy(policyText, source);
    if (!policy || hasErrors(diagnostics)) throw new Error(describePolicyErrors(diagnostics));
    if (!policy.target?.command.length) {
      throw new Error(
        'the policy has no target.command: add e.g. `target: { command: [/usr/bin/true] }`',
      );
    }
    this.#starting = true;
    try {
      const load = this.#options.loadSupervisor ?? this.#warm?.load;
      if (!load) throw new Error('no supervisor to start the run with');
      const startSession = await load();
      if (this.#disposed) throw new Error('this connection is closing');
      return { runId: this.#launch(mode, startSession, policy, policyText, source?.path) };
    } finally {
      this.#starting = false;
    }
  }

  /** Ends every process of the run and waits for its last events; unknown ids are an error. */
  async stop(runId: string): Promise<void> {
    const run = this.#runs.get(runId);
    if (!run) {
      if (this.#issued.has(runId)) return; // Already over: stopping it again is not a mistake.
      throw new Error(`there is no run ${JSON.stringify(runId)}`);
    }
    if (!run.stopRequested) {
      run.stopRequested = true;
      this.#sendState(run, 'stopping');
    }
    await run.session.stop().catch(() => undefined);
    await run.finished;
  }

  /** Stops every run; no event is sent afterwards (the client is gone). */
  async dispose(): Promise<void> {
    this.#disposed = true;
    const runs = [...this.#runs.values()];
    for (const run of runs) run.events.dispose();
    await Promise.all(
      runs.map((run) =>
        run.session
          .stop()
          .catch(() => undefined)
          .then(() => run.finished),
      ),
    );
    await this.#warm?.dispose();
  }

  #launch(
    mode: RunMode,
    startSession: StartSession,
    policy: Policy,
    policyText: string,
    policyFile: string | undefined,
  ): string {
    const runId = randomUUID();
    const events = new EventCoalescer({
      delayMs: this.#options.coalesceMs ?? 30,
      maxEvents: this.#options.maxEventsPerMessage ?? 5000,
      send: (batch) => this.#emit('run.events', { runId, events: batch }),
    });
    // Nothing goes out before the response that tells the client this runId.
    events.hold();
    let session: SupervisorSession;
    try {
      session = startSession({ mode, policy, onEvents: (batch) => this.#receive(runId, batch) });
    } catch (error) {
      events.dispose();
      throw new Error(`cannot start the run: ${messageOf(error)}`, { cause: error });
    }
    const recording = this.#record({ runId, mode, policy, policyText, policyFile }, events);
    const run: ActiveRun = {
      runId,
      mode,
      session,
      events,
      recording,
      stopRequested: false,
      opened: false,
      running: false,
    };
    this.#runs.set(runId, run);
    this.#issued.add(runId);
    // Deferred so that the response carrying the runId reaches the client first.
    setImmediate(() => this.#open(run));
    run.finished = session.done.then(
      (outcome) => this.#finish(run, outcome),
      (error: unknown) =>
        this.#finish(run, { exit: undefined, denials: 0, failure: messageOf(error) }),
    );
    return runId;
  }

  /** The supervisor delivers events asynchronously, after the run was registered. */
  #receive(runId: string, batch: readonly TraceEvent[]): void {
    const run = this.#runs.get(runId);
    if (!run) return;
    if (!run.running && batch.some((event) => event.type === 'exec')) {
      run.running = true;
      if (run.opened) this.#sendState(run, 'running');
    }
    run.recording?.append(batch);
    run.events.push(batch);
  }

  /** Starts saving the run; a run that cannot be saved still runs, with a warning event. */
  #record(
    info: Parameters<RunRecorder['start']>[0],
    events: EventCoalescer,
  ): Recording | undefined {
    try {
      return this.#options.recorder?.start(info);
    } catch (error) {
      const message = `the run is not saved: ${messageOf(error)}`;
      events.push([{ type: 'error', t: 0, severity: 'warning', message }]);
      return undefined;
    }
  }

  #open(run: ActiveRun): void {
    if (run.opened) return;
    run.opened = true;
    this.#emitState(run, 'starting');
    if (run.running) this.#emitState(run, 'running');
    run.events.release();
  }

  /** Settles once the run's file (if it is saved) has its end record on disk. */
  #finish(run: ActiveRun, outcome: RunOutcome): Promise<void> | undefined {
    this.#open(run);
    if (outcome.failure !== undefined) this.#sendState(run, 'failed', outcome.failure);
    else this.#sendState(run, 'exited', describeOutcome(run, outcome));
    run.events.dispose();
    this.#runs.delete(run.runId);
    return run.recording?.finish(
      outcome.failure !== undefined
        ? { state: 'failed', message: outcome.failure }
        : { state: 'exited', message: describeOutcome(run, outcome) },
    );
  }

  #sendState(run: ActiveRun, state: RunState, message?: string): void {
    this.#open(run);
    run.events.flush();
    this.#emitState(run, state, message);
  }

  #emitState(run: ActiveRun, state: RunState, message?: string): void {
    this.#emit('run.state', {
      runId: run.runId,
      mode: run.mode,
      state,
      ...(message === undefined ? {} : { message }),
    });
  }

  #emit: EmitEvent = (name, payload) => {
    if (this.#disposed) return;
    try {
      this.#options.emit(name, payload);
    } catch {
      // The client went away mid-send; dispose() follows.
    }
  };
}

/** `the policy has errors: 3:5: unknown syscall "opn"; 7:1: ... (and 2 more)` */
export function describePolicyErrors(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const listed = errors
    .slice(0, MAX_LISTED_DIAGNOSTICS)
    .map((d) => `${d.range.start.line}:${d.range.start.column}: ${d.message}`);
  const more = errors.length - listed.length;
  const rest = more > 0 ? ` (and ${more} more)` : '';
  return `the policy has errors: ${listed.join('; ') || 'invalid policy'}${rest}`;
}

function describeOutcome(run: ActiveRun, outcome: RunOutcome): string {
  const exit = outcome.exit;
  const how = !exit
    ? 'the target did not start'
    : exit.signal !== null
      ? `the process was killed by ${exit.signal}`
      : `the process exited with status ${exit.code ?? 'unknown'}`;
  const denials =
    run.mode === 'check'
      ? `; ${outcome.denials} ${outcome.denials === 1 ? 'denial' : 'denials'}`
      : '';
  return `${run.stopRequested ? 'stopped: ' : ''}${how}${denials}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
