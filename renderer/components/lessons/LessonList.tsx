import { useId } from 'react';
import type { Lesson } from '../../../app/lessons/lesson';
import { useStudio } from '../studio-context';
import { useLessons } from './use-lessons';

/** Every lesson of the course: number, title, summary, and ✓ once its goal was met. */
export function LessonList() {
  const lessons = useLessons((s) => s.lessons);
  const met = useLessons((s) => s.met);
  const done = lessons.filter((l) => met.includes(l.id)).length;
  return (
    <>
      <p className="lessons-intro">
        Short exercises: each one runs a small program under a policy you write, and says when its
        goal is met. {done > 0 ? `${done} of ${lessons.length} done.` : ''}
      </p>
      <ol className="lesson-list" aria-label="Lessons of the course">
        {lessons.map((lesson) => (
          <li key={lesson.id}>
            <LessonItem lesson={lesson} met={met.includes(lesson.id)} />
          </li>
        ))}
      </ol>
    </>
  );
}

/** A lesson's button: named by its number and title, described by its summary. */
function LessonItem({ lesson, met }: { lesson: Lesson; met: boolean }) {
  const { stores } = useStudio();
  const titleId = useId();
  const summaryId = useId();
  return (
    <button
      type="button"
      className="lesson-item"
      data-lesson-id={lesson.id}
      aria-labelledby={titleId}
      aria-describedby={summaryId}
      onClick={() => stores.lessons.getState().select(lesson.id)}
    >
      <span className="lesson-number" aria-hidden="true">
        {lesson.number}
      </span>
      <span className="lesson-item-text">
        <span id={titleId} className="lesson-item-title">
          <span className="visually-hidden">Lesson {lesson.number}: </span>
          {lesson.title}
          {met ? (
            <span className="lesson-met" title="Goal met">
              <span aria-hidden="true"> ✓</span>
              <span className="visually-hidden"> (goal met)</span>
            </span>
          ) : null}
        </span>
        <span id={summaryId} className="lesson-item-summary">
          {lesson.summary}
        </span>
      </span>
    </button>
  );
}
