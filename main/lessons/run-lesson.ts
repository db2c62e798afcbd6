import type { RunMode } from '../../app/api/contract';
import { checkLessonGoal } from '../../app/lessons/check-goal';
import type { Lesson, LessonVerdict } from '../../app/lessons/lesson';
import type { Policy } from '../../app/policy/model';
import type { TraceEvent } from '../../app/trace/events';
import type { StartSession } from '../backend/supervisor-loader';
import { runSupervised, type SupervisedRun } from '../cli/supervised-run';

/**
 * Syscall and denial events kept for the check. Lesson programs make a few hundred calls; a
 * student's policy that makes one loop forever in learn mode must not exhaust memory, and the
 * checks read the first denials, the markers and the exits, which are always kept.
 */
const MAX_KEPT_SYSCALL_EVENTS = 100_000;

export interface LessonRunOptions {
  readonly lesson: Lesson;
  /** The parsed policy (without errors) that runs. */
  readonly policy: Policy;
  /** Its text, which the goal check reads. */
  readonly policyText: string;
  /** Where the policy came from, for messages. */
  readonly file: string;
  readonly startSession: StartSession;
  /** Every event as it arrives (the CLI prints them). */
  readonly onEvent?: (event: TraceEvent) => void;
}

export interface LessonRunResult {
  readonly verdict: LessonVerdict;
  /** The mode the program ran in; null when the goal is about the policy alone. */
  readonly mode: RunMode | null;
  readonly run?: SupervisedRun;
}

/**
 * One attempt at a lesson: runs the lesson's program under the policy in the goal's mode (the
 * same supervised run as `check`), then checks the goal on its events. A goal about the policy
 * alone runs nothing.
 */
export async function runLessonAttempt(options: LessonRunOptions): Promise<LessonRunResult> {
  const { lesson, policyText } = options;
  const mode = lesson.goal.mode;
  if (mode === null) {
    return { verdict: checkLessonGoal(lesson, { policyText, mode, events: null }), mode };
  }
  const events: TraceEvent[] = [];
  let syscallEvents = 0;
  const run = await runSupervised({
    mode,
    policy: options.policy,
    file: options.file,
    startSession: options.startSession,
    onEvent: (event) => {
      options.onEvent?.(event);
      const isSyscall = event.type === 'syscall' || event.type === 'denied';
      if (isSyscall && ++syscallEvents > MAX_KEPT_SYSCALL_EVENTS) return;
      events.push(event);
    },
  });
  return { verdict: checkLessonGoal(lesson, { policyText, mode, events }), mode, run };
}
