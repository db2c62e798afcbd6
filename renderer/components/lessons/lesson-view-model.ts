import type { RunMode } from '../../../app/api/contract';
import type { Lesson } from '../../../app/lessons/lesson';
import type { LessonResult, LessonsState } from '../../state/lessons-store';

export const MODE_LABEL: Readonly<Record<RunMode, string>> = {
  learn: 'Learn',
  check: 'Check',
  enforce: 'Enforce',
};

/** How the goal is checked, for the goal box. */
export function goalCheckedBy(lesson: Pick<Lesson, 'goal'>): string {
  const mode = lesson.goal.mode;
  if (mode === null) return 'Checked on the policy itself: press "Check my policy".';
  return `Checked when ${aRun(mode)} of the lesson's policy ends.`;
}

/** "a Check run", "an Enforce run". */
function aRun(mode: RunMode): string {
  const label = MODE_LABEL[mode];
  return `${/^[AEIOU]/.test(label) ? 'an' : 'a'} ${label} run`;
}

/** What the outcome area of a lesson shows. */
export type OutcomeView =
  | { readonly kind: 'none' }
  | { readonly kind: 'running' }
  | { readonly kind: 'verdict'; readonly result: LessonResult; readonly headline: string }
  | { readonly kind: 'met-before' };

export function outcomeView(
  lessonId: string,
  state: Pick<LessonsState, 'runningLessonId' | 'result' | 'met'>,
): OutcomeView {
  if (state.runningLessonId === lessonId) return { kind: 'running' };
  const result = state.result;
  if (result?.lessonId === lessonId) {
    return { kind: 'verdict', result, headline: resultHeadline(result) };
  }
  return state.met.includes(lessonId) ? { kind: 'met-before' } : { kind: 'none' };
}

function resultHeadline(result: LessonResult): string {
  const after =
    result.source === 'policy'
      ? 'checked on the policy'
      : `after ${result.mode === null ? 'the run' : aRun(result.mode)}`;
  return `${result.met ? 'Goal met' : 'Goal not met yet'} (${after})`;
}

/** "Step 2 of 5". */
export function stepLabel(step: number, count: number): string {
  return `Step ${step + 1} of ${count}`;
}

/** The status line while a lesson's target program is being prepared. */
export function preparingMessage(lesson: Pick<Lesson, 'target'>): string {
  if (!lesson.target) return 'Preparing the lesson…';
  return `Compiling ${lesson.target.source} with the system C compiler…`;
}
