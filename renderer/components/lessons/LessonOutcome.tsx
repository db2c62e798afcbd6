import type { Lesson } from '../../../app/lessons/lesson';
import { outcomeView } from './lesson-view-model';
import { useLessons } from './use-lessons';

/**
 * Whether the lesson's goal is met, after each run of its policy (or "Check my policy"): a live
 * region, so that the verdict is announced when it arrives.
 */
export function LessonOutcome({ lesson }: { lesson: Lesson }) {
  const runningLessonId = useLessons((s) => s.runningLessonId);
  const result = useLessons((s) => s.result);
  const met = useLessons((s) => s.met);
  const view = outcomeView(lesson.id, { runningLessonId, result, met });
  return (
    <div
      className="lesson-outcome-region"
      role="status"
      aria-live="polite"
      data-testid="lesson-outcome"
    >
      {view.kind === 'running' ? (
        <p className="lesson-outcome lesson-outcome-running">
          <span className="lesson-spinner" aria-hidden="true" />
          Running… the goal is checked when the run ends.
        </p>
      ) : null}
      {view.kind === 'met-before' ? (
        <p className="lesson-outcome lesson-outcome-met">
          <span aria-hidden="true">✓ </span>You met this goal before.
        </p>
      ) : null}
      {view.kind === 'verdict' ? (
        <div
          className={`lesson-outcome lesson-outcome-${view.result.met ? 'met' : 'not-met'}`}
          data-met={view.result.met}
        >
          <p className="lesson-outcome-headline">
            <span aria-hidden="true">{view.result.met ? '✓ ' : '✕ '}</span>
            {view.headline}
          </p>
          {view.result.reasons.length > 0 ? (
            <ul className="lesson-reasons">
              {view.result.reasons.map((reason, i) => (
                <li key={i}>{reason}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
