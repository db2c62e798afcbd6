/**
 * "ours (studio)": learn-mode runs through the backend's own run path (RunService → the
 * supervisor session with its warm pool) in one Node process that stays up between runs, as the
 * studio does. Each run is timed from `run.start` to the run's final state, with the run saved to
 * a file (RunRecorder) and every message serialized as the web host sends it.
 *
 * The first runs warm the process up (JIT, the warm pool); between runs the driver waits as a
 * user reading the results would, long enough for the pool to start the next launcher and worker.
 * Built by scripts/build.mjs as dist/bench/learn-studio.mjs:
 *
 *   node dist/bench/learn-studio.mjs '{"policyText":"…","warmups":1,"runs":1,"pauseMs":1000}'
 *
 * prints one line of JSON (StudioDriverResult).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunState } from '../../app/api/contract';
import type { TraceEvent } from '../../app/trace/events';
import { RunRecorder } from '../../main/backend/run-recorder';
import { RunService } from '../../main/backend/run-service';
import { StudioDriverRequest, type StudioDriverResult, type StudioRun } from './studio-protocol';

/** What one run's messages told the driver. */
class RunWatch {
  syscalls = 0;
  private targetPid: number | undefined;
  exitCode: number | null = null;
  private finish: ((state: RunState, message: string) => void) | undefined;

  events(events: readonly TraceEvent[]): void {
    for (const event of events) {
      if (event.type === 'syscall') this.syscalls += 1;
      else if (event.type === 'exec') this.targetPid ??= event.pid;
      else if (event.type === 'exit' && event.pid === this.targetPid) this.exitCode = event.code;
    }
  }

  state(state: RunState, message: string): void {
    if (state === 'exited' || state === 'failed') this.finish?.(state, message);
  }

  ended(): Promise<{ state: RunState; message: string }> {
    return new Promise(
      (resolve) => (this.finish = (state, message) => resolve({ state, message })),
    );
  }
}

/** Runs the request's runs in this process; resolves with the timed ones. */
export async function runStudioDriver(request: StudioDriverRequest): Promise<StudioDriverResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-learn-studio-'));
  let watch = new RunWatch();
  const runs = new RunService({
    recorder: new RunRecorder({ dir, studioVersion: 'bench' }),
    emit: (name, payload) => {
      // What the web host does with every message before it goes out on its socket.
      JSON.stringify({ kind: 'event', name, payload });
      if (name === 'run.events') watch.events((payload as { events: TraceEvent[] }).events);
      if (name === 'run.state') {
        const { state, message } = payload as { state: RunState; message?: string };
        watch.state(state, message ?? '');
      }
    },
  });
  try {
    const timed: StudioRun[] = [];
    for (let i = 0; i < request.warmups + request.runs; i++) {
      await sleep(request.pauseMs);
      watch = new RunWatch();
      const ended = watch.ended();
      const start = performance.now();
      await runs.start('learn', request.policyText);
      const { state, message } = await ended;
      const ms = performance.now() - start;
      if (state !== 'exited') throw new Error(`the studio run failed: ${message}`);
      if (i >= request.warmups) {
        timed.push({ ms, exitCode: watch.exitCode, syscalls: watch.syscalls });
      }
    }
    return { runs: timed };
  } finally {
    await runs.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const request = StudioDriverRequest.parse(JSON.parse(process.argv[2] ?? 'null'));
  process.stdout.write(`${JSON.stringify(await runStudioDriver(request))}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `learn-studio: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
