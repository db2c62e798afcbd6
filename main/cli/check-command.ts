import type { StartSession } from '../backend/supervisor-loader';
import { EXIT_FAILURE, EXIT_OK } from './cli-error';
import { writeLines, type CliIo } from './cli-io';
import { createEventPrinter } from './event-printer';
import { loadPolicy } from './policy-input';
import { runSupervised } from './supervised-run';

export interface CheckOptions {
  /** check: the supervisor applies the policy; enforce: the kernel does (denials from audit). */
  readonly kind: 'check' | 'enforce';
  readonly policy: string;
  readonly json: boolean;
  readonly all: boolean;
  readonly command?: readonly string[];
}

/**
 * `check` and `enforce`: run the target under the policy; exit 0 iff nothing was denied and it
 * exited 0.
 */
export async function checkCommand(
  options: CheckOptions,
  io: CliIo,
  startSession: () => Promise<StartSession>,
): Promise<number> {
  const loaded = await loadPolicy(options.policy);
  writeLines(io.stderr, loaded.notes);
  const { digest } = await runSupervised({
    mode: options.kind,
    policy: loaded.policy,
    file: loaded.file,
    ...(options.command ? { command: options.command } : {}),
    startSession: await startSession(),
    onEvent: createEventPrinter(io, options),
  });
  const verdict = digest.summarize(options.kind);
  const report = options.json ? io.stderr : io.stdout;
  writeLines(report, [
    ...verdict.details.map((line) => `  ${line}`),
    `${options.kind} ${verdict.clean ? 'passed' : 'failed'}: ${verdict.headline}`,
  ]);
  return verdict.clean ? EXIT_OK : EXIT_FAILURE;
}
