import type { TraceEvent } from '../../../app/trace/events';
import type {
  RunOutcome,
  SupervisorSession,
  SupervisorSessionOptions,
} from '../../supervisor/types';
import type { StartSession } from '../supervisor-loader';

export interface ScriptedRun {
  /** Delivered one batch per macrotask, in order. */
  readonly batches: readonly (readonly TraceEvent[])[];
  readonly outcome: RunOutcome;
  /** Keep running after the last batch until stop() (a long-running target). */
  readonly untilStopped?: boolean;
}

export interface ScriptedSupervisor {
  readonly start: StartSession;
  /** The options of every started session. */
  readonly started: SupervisorSessionOptions[];
  stops: number;
}

/**
 * A stand-in for the supervisor in unit tests of the services that consume it: it replays a
 * scripted run through the real SupervisorSession interface. The real supervisor is exercised by
 * the integration tests.
 */
export function scriptedSupervisor(script: ScriptedRun): ScriptedSupervisor {
  const supervisor: ScriptedSupervisor = {
    started: [],
    stops: 0,
    start(options) {
      supervisor.started.push(options);
      return replay(script, options, () => (supervisor.stops += 1));
    },
  };
  return supervisor;
}

function replay(
  script: ScriptedRun,
  options: SupervisorSessionOptions,
  onStop: () => void,
): SupervisorSession {
  let finish!: (outcome: RunOutcome) => void;
  let ended = false;
  const done = new Promise<RunOutcome>((resolve) => (finish = resolve));
  const end = (outcome: RunOutcome): void => {
    if (ended) return;
    ended = true;
    finish(outcome);
  };
  void (async () => {
    for (const batch of script.batches) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (ended) return;
      options.onEvents(batch);
    }
    if (!script.untilStopped) end(script.outcome);
  })();
  return {
    done,
    stop() {
      onStop();
      end({ exit: { type: 'exit', t: 0, pid: 1, code: null, signal: 'SIGKILL' }, denials: 0 });
      return done;
    },
  };
}
