import { addAllowedSyscalls } from '../../app/policy/edit';
import { writeFileAtomic } from '../backend/atomic-write';
import { readPolicyFile } from '../backend/read-policy-file';
import type { StartSession } from '../backend/supervisor-loader';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './cli-error';
import { writeLines, type CliIo } from './cli-io';
import { createEventPrinter } from './event-printer';
import { formatTallyTable } from './format-event';
import { loadPolicy, type LoadedPolicy } from './policy-input';
import { runSupervised } from './supervised-run';

export interface LearnOptions {
  readonly policy: string;
  readonly json: boolean;
  readonly all: boolean;
  readonly update: boolean;
  readonly command?: readonly string[];
}

/**
 * `learn`: runs the target with everything not allowed reported instead of denied. Exit 0 when
 * the run completed, whatever the program's own status; 1 when the run failed.
 */
export async function learnCommand(
  options: LearnOptions,
  io: CliIo,
  startSession: () => Promise<StartSession>,
): Promise<number> {
  const loaded = await loadPolicy(options.policy);
  writeLines(io.stderr, loaded.notes);
  const { outcome, digest } = await runSupervised({
    mode: 'learn',
    policy: loaded.policy,
    file: loaded.file,
    ...(options.command ? { command: options.command } : {}),
    startSession: await startSession(),
    onEvent: createEventPrinter(io, options),
  });
  const report = options.json ? io.stderr : io.stdout;
  const learned = digest.tally('syscall');
  const verdict = digest.summarize('learn');
  writeLines(report, [verdict.headline, ...formatTallyTable(learned)]);
  if (options.update) {
    writeLines(report, [
      await updatePolicy(
        loaded,
        learned.map((t) => t.name),
      ),
    ]);
  }
  return outcome.failure !== undefined || outcome.exit === undefined ? EXIT_FAILURE : EXIT_OK;
}

/** Adds `names` to the policy file as it is now (it may have been edited during the run). */
async function updatePolicy(loaded: LoadedPolicy, names: readonly string[]): Promise<string> {
  // Numbers the syscall table does not name (`nr_451`) cannot be written as rules.
  const known = names.filter((name) => !/^nr_\d+$/.test(name));
  if (known.length === 0) return `${loaded.file}: nothing to add`;
  let updated: string;
  try {
    const current = await readPolicyFile(loaded.path, loaded.file);
    updated = addAllowedSyscalls(current, known);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(`cannot update ${loaded.file}: ${reason}`, EXIT_USAGE);
  }
  try {
    await writeFileAtomic(loaded.path, updated);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(`cannot save ${loaded.file}: ${reason}`, EXIT_FAILURE);
  }
  const skipped = names.length - known.length;
  const note = skipped > 0 ? ` (${skipped} unnamed syscall numbers left out)` : '';
  return `updated ${loaded.file}: now allows ${known.join(', ')}${note}`;
}
