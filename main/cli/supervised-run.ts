import type { RunMode } from '../../app/api/contract';
import { signalNumber } from '../../app/linux/signals';
import type { Policy } from '../../app/policy/model';
import type { TraceEvent } from '../../app/trace/events';
import { RunDigest } from '../../app/trace/verdict';
import type { StartSession } from '../backend/supervisor-loader';
import type { RunOutcome } from '../supervisor/types';
import { CliError, EXIT_USAGE } from './cli-error';

export interface SupervisedRunOptions {
  readonly mode: RunMode;
  readonly policy: Policy;
  readonly file: string;
  readonly command?: readonly string[];
  readonly startSession: StartSession;
  /** Called for every event, in order, as batches arrive. */
  readonly onEvent: (event: TraceEvent) => void;
}

export interface SupervisedRun {
  readonly outcome: RunOutcome;
  /** What the summary needs of the run's events (not all of them: a run may have millions). */
  readonly digest: RunDigest;
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Runs the target under the supervisor until it ends. The first Ctrl+C stops the run (its summary
 * is still printed); a second one exits at once.
 */
export async function runSupervised(options: SupervisedRunOptions): Promise<SupervisedRun> {
  if (!options.command?.length && !options.policy.target?.command.length) {
    throw new CliError(
      `${options.file} has no target.command: add one, or give the program after -- (e.g. -- /usr/bin/true)`,
      EXIT_USAGE,
    );
  }
  const digest = new RunDigest();
  const session = options.startSession({
    mode: options.mode,
    policy: options.policy,
    ...(options.command?.length ? { command: options.command } : {}),
    onEvents: (batch) => {
      for (const event of batch) {
        digest.add(event);
        options.onEvent(event);
      }
    },
  });
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) process.exit(128 + (signalNumber(signal) ?? 0));
    interrupted = true;
    void session.stop();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  try {
    return { outcome: await session.done, digest };
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  }
}
