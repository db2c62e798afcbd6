import { spawnSync } from 'node:child_process';
import type { Invocation } from './variants';

export interface TimedRun {
  /** Wall clock from spawn to exit, in milliseconds. */
  readonly ms: number;
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  /** What the process printed, when its stdout was a pipe ('' otherwise). */
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs one invocation to its end with stdin closed, stdout on `stdout` (/dev/null when timing, or
 * a pipe for a program that reports its own figures) and stderr captured for error messages; the
 * time includes the process's start and exit.
 */
export function timedRun(run: Invocation, stdout: number | 'pipe'): TimedRun {
  const start = performance.now();
  const result = spawnSync(run.file, [...run.args], {
    stdio: ['ignore', stdout, 'pipe'],
    env: run.env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = performance.now() - start;
  if (result.error) throw new Error(`cannot run ${run.file}: ${result.error.message}`);
  return {
    ms,
    status: result.status,
    signal: result.signal,
    stdout: result.stdout ?? '',
    stderr: result.stderr,
  };
}

/** Runs one invocation and returns its stdout (for the counting run; not timed). */
export function capturedRun(run: Invocation): {
  status: number | null;
  stdout: string;
  stderr: string;
} {
  const result = spawnSync(run.file, [...run.args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: run.env,
    encoding: 'utf8',
    maxBuffer: 1024 * 1024 * 1024,
  });
  if (result.error) throw new Error(`cannot run ${run.file}: ${result.error.message}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Why a run failed, with the end of its stderr. */
export function failureMessage(
  what: string,
  run: TimedRun | ReturnType<typeof capturedRun>,
): string {
  const how = 'signal' in run && run.signal ? `signal ${run.signal}` : `exit status ${run.status}`;
  return `${what} failed (${how}): ${run.stderr.trim().slice(-2000)}`;
}
