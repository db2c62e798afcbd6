import { editedPolicy } from './bench-policy';
import { measureWhatIf } from './measure-whatif';
import { parseWhatIfBenchArgs } from './options';
import { recordLearnEvents } from './record';
import { syntheticTrace } from './synthetic-trace';
import { formatWhatIfJson, formatWhatIfReport, whatIfResult } from './whatif-report';

const COMMAND = ['/usr/bin/python3', '-c', 'import json'];
/** A syscall of that recording the edited policy starts allowing. */
const WITHHELD = 'getcwd';
/** One the splitting edit conditions on an argument (read: 9 % of the recording's calls). */
const SPLIT = 'read';
/** The target for one keystroke on a 1,000,000-event trace. */
const TARGET_MS = 100;

export interface WhatIfBenchArgs {
  readonly root: string;
  readonly argv: readonly string[];
}

/**
 * `npm run bench -- --only whatif`: records `python3 -c 'import json'` in learn mode, builds a
 * long trace with its distribution, and times what one policy edit costs until every event has
 * its what-if verdict, against evaluating every event directly. Returns the exit status: 1 when
 * the two evaluations disagree (a correctness failure), else 0.
 */
export function runWhatIfBenchmark({ root, argv }: WhatIfBenchArgs): number {
  const options = parseWhatIfBenchArgs(argv);
  process.stderr.write(`what-if: recording ${COMMAND.join(' ')} in learn mode...\n`);
  const recorded = recordLearnEvents(root, COMMAND);
  const events = syntheticTrace(recorded, { count: options.events });
  const policy = editedPolicy(
    events.map((e) => e.name),
    WITHHELD,
    SPLIT,
  );
  process.stderr.write(`what-if: timing keystrokes on ${options.events} events...\n`);
  const figures = measureWhatIf(events, policy, {
    keystrokes: options.keystrokes,
    referenceRuns: options.referenceRuns,
  });
  const result = whatIfResult(
    {
      recording: `learn --json of ${COMMAND.join(' ')}`,
      recordedEvents: recorded.filter((e) => e.type === 'syscall').length,
      edit: `allow ${policy.allowed} (add it to the allow list)`,
      splitSyscall: policy.splitSyscall,
      conditioned: policy.conditioned,
      targetMs: TARGET_MS,
    },
    figures,
  );
  process.stdout.write(`${options.json ? formatWhatIfJson(result) : formatWhatIfReport(result)}\n`);
  return figures.disagreements === 0 ? 0 : 1;
}
