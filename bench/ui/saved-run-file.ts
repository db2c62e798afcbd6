import { RunRecorder } from '../../main/backend/run-recorder';
import type { TraceEvent } from '../../app/trace/events';

export interface SavedRunSpec {
  /** The runs folder the web server reads (`<workspace>/.sandbox-studio/runs`). */
  readonly dir: string;
  readonly runId: string;
  readonly name: string;
  readonly command: readonly string[];
  readonly events: readonly TraceEvent[];
}

const BATCH = 10_000;

/**
 * Saves the events as the studio saves a live run (the same recorder, so the same file format,
 * summary and end record); returns the saved run's id.
 */
export async function writeSavedRun(spec: SavedRunSpec): Promise<string> {
  const recorder = new RunRecorder({ dir: spec.dir, studioVersion: 'bench' });
  const recording = recorder.start({
    runId: spec.runId,
    mode: 'learn',
    policy: { name: spec.name, target: { command: [...spec.command] } },
    policyText: `version: 1\nname: ${spec.name}\n`,
  });
  for (let i = 0; i < spec.events.length; i += BATCH) {
    recording.append(spec.events.slice(i, i + BATCH));
  }
  await recording.finish({ state: 'exited' });
  if (recording.failure !== undefined) throw new Error(recording.failure);
  return recording.id;
}
