import type { Lesson } from '../../../app/lessons/lesson';
import { useStudio } from '../studio-context';
import { stepLabel } from './lesson-view-model';
import { LessonText } from './LessonText';
import { useLessons } from './use-lessons';

/** The lesson's steps, one at a time, with Back/Next and the step's hint on request. */
export function LessonSteps({ lesson }: { lesson: Lesson }) {
  const { stores } = useStudio();
  const index = useLessons((s) => s.step);
  const hintShown = useLessons((s) => s.hintShown);
  const count = lesson.steps.length;
  const step = lesson.steps[Math.min(index, count - 1)];
  if (!step) return null;
  const go = (to: number): void => stores.lessons.getState().goToStep(to);
  const first = index === 0;
  const last = index >= count - 1;
  return (
    <section className="lesson-step" aria-labelledby="lesson-step-title">
      <p className="lesson-step-count" aria-live="polite">
        {stepLabel(index, count)}
      </p>
      <h4 id="lesson-step-title" className="lesson-step-title">
        {step.title}
      </h4>
      <div className="lesson-step-body">
        <LessonText body={step.body} />
      </div>
      {step.hint !== undefined ? (
        <div className="lesson-hint">
          <button
            type="button"
            className="button lesson-hint-toggle"
            aria-expanded={hintShown}
            aria-controls="lesson-hint-text"
            onClick={() => stores.lessons.getState().toggleHint()}
          >
            {hintShown ? 'Hide hint' : 'Show hint'}
          </button>
          {hintShown ? (
            <div id="lesson-hint-text" className="lesson-hint-text">
              <LessonText body={step.hint} />
            </div>
          ) : null}
        </div>
      ) : null}
      {/* aria-disabled rather than disabled: the focused button stays focusable at either end. */}
      <nav className="lesson-step-nav" aria-label="Steps">
        <button
          type="button"
          className="button"
          aria-disabled={first}
          onClick={() => !first && go(index - 1)}
        >
          Back
        </button>
        <button
          type="button"
          className="button"
          aria-disabled={last}
          onClick={() => !last && go(index + 1)}
        >
          Next
        </button>
      </nav>
    </section>
  );
}
