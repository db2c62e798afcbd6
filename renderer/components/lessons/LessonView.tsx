import type { Lesson } from '../../../app/lessons/lesson';
import { useStudio } from '../studio-context';
import { LessonActions } from './LessonActions';
import { LessonOutcome } from './LessonOutcome';
import { LessonSteps } from './LessonSteps';
import { goalCheckedBy } from './lesson-view-model';
import { useLessons } from './use-lessons';

/** One lesson: its goal, its steps one at a time, what to do, and whether the goal is met. */
export function LessonView({ lesson }: { lesson: Lesson }) {
  const { stores } = useStudio();
  const met = useLessons((s) => s.met.includes(lesson.id));
  const count = useLessons((s) => s.lessons.length);
  return (
    <article className="lesson" aria-labelledby="lesson-title">
      <button
        type="button"
        className="lesson-back"
        onClick={() => stores.lessons.getState().select(null)}
      >
        <span aria-hidden="true">← </span>All lessons
      </button>
      <p className="lesson-kicker">
        Lesson {lesson.number} of {count}
        {met ? <span className="lesson-met"> · goal met ✓</span> : null}
      </p>
      <h3 id="lesson-title" className="lesson-title" tabIndex={-1} data-lesson-title>
        {lesson.title}
      </h3>
      <section className="lesson-goal" aria-label="Goal">
        <span className="lesson-goal-label">Goal</span>
        <p>{lesson.goal.description}</p>
        <p className="lesson-goal-how">{goalCheckedBy(lesson)}</p>
      </section>
      <LessonActions lesson={lesson} />
      <LessonOutcome lesson={lesson} />
      <LessonSteps lesson={lesson} />
    </article>
  );
}
