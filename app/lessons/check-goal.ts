import type { RunMode } from '../api/contract';
import { allowlistCheck } from './catalog/allowlist';
import { capabilitiesCheck } from './catalog/capabilities';
import { capsicumWindowsCheck } from './catalog/capsicum-windows';
import { dumpableCheck } from './catalog/dumpable';
import { landlockCheck } from './catalog/landlock';
import { opensshPreauthCheck } from './catalog/openssh-preauth';
import { strictModeCheck } from './catalog/strict-mode';
import { tsyncCheck } from './catalog/tsync';
import type { Lesson, LessonAttempt, LessonVerdict } from './lesson';
import { notMet, type LessonCheck } from './lesson-check';
import { readPolicy } from './policy-facts';
import { RunFacts } from './run-facts';

/** Each lesson's check, by lesson id (the lessons themselves stay plain data). */
const CHECKS: Readonly<Record<string, LessonCheck>> = {
  'strict-mode': strictModeCheck,
  dumpable: dumpableCheck,
  allowlist: allowlistCheck,
  'openssh-preauth': opensshPreauthCheck,
  tsync: tsyncCheck,
  capabilities: capabilitiesCheck,
  landlock: landlockCheck,
  'capsicum-windows': capsicumWindowsCheck,
};

/**
 * Whether the attempt meets the lesson's goal, with the reasons a student can act on. Pure: it
 * reads the run's events and the policy text, nothing else. A run goal needs a finished run in
 * the goal's mode that started the program; each lesson's check then decides.
 */
export function checkLessonGoal(lesson: Lesson, attempt: LessonAttempt): LessonVerdict {
  const check = Object.hasOwn(CHECKS, lesson.id) ? CHECKS[lesson.id] : undefined;
  if (!check) return notMet(`lesson ${lesson.id} has no goal check`);
  const policy = readPolicy(attempt.policyText);
  if (check.on === 'policy') return check.check(policy);

  const mode = lesson.goal.mode ?? 'check';
  if (!attempt.events) {
    return notMet(`run the program in ${mode} mode: this goal is checked on what a run did`);
  }
  if (attempt.mode !== mode) {
    return notMet(
      `this goal is checked on a ${mode} run, and this was ${describeMode(attempt.mode)}: run it again in ${mode} mode`,
    );
  }
  const run = new RunFacts(attempt.events);
  return check.explainFailure?.(run) ?? startFailure(run) ?? check.check(run, policy);
}

function describeMode(mode: RunMode | null): string {
  return mode === null ? 'no run' : `a ${mode} run`;
}

/** Hints for the layers a lesson may ask for that need what the machine may not have. */
const LAYER_HINTS: Readonly<Record<string, string>> = {
  identity:
    'switching to another user needs root (CAP_SETUID and CAP_SETGID): start the studio as root for this lesson',
  capabilities:
    'the kernel refused the capability sets: a capability can become inheritable or ambient only while it is in the bounding set (list it in bounding too), and changing the sets needs root (CAP_SETPCAP)',
  landlock:
    'this kernel does not offer Landlock (Linux 5.13 or later, with landlock in the lsm= boot list)',
};

/** Why the run failed before the program could be judged, or undefined when it ran. */
function startFailure(run: RunFacts): LessonVerdict | undefined {
  const error = run.errors[0];
  if (error) {
    const hint = error.layer !== undefined ? LAYER_HINTS[error.layer] : undefined;
    return notMet(`the run failed: ${error.message}`, ...(hint ? [hint] : []));
  }
  if (run.execs.length === 0) {
    const execDenied = run.denied.find((d) => d.name === 'execve' || d.name === 'execveat');
    return execDenied
      ? notMet(
          `the filter denied the execve that starts the program (${execDenied.action}): it is installed before the program starts, so execve itself must be allowed — run Learn to see what the program needs`,
        )
      : notMet('the program never started: the run has no exec');
  }
  return undefined;
}
