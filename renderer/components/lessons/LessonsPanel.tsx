import './lessons.css';
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { useStudio } from '../studio-context';
import { LessonList } from './LessonList';
import { LessonView } from './LessonView';
import { useLessonProgress, useLessonRuns, useLessons, useSelectedLesson } from './use-lessons';

/**
 * The Lessons panel beside the editor (not modal: the student edits and runs while reading).
 * Finished runs are checked against their lesson's goal even while it is closed.
 */
export function LessonsPanel() {
  useLessonRuns();
  useLessonProgress();
  const open = useLessons((s) => s.open);
  return open ? <OpenLessonsPanel /> : null;
}

function OpenLessonsPanel() {
  const { stores } = useStudio();
  const focusSeq = useLessons((s) => s.focusSeq);
  const lesson = useSelectedLesson();
  const panel = useRef<HTMLElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const returnFocus = useRef<HTMLElement | null>(null);
  const shownId = useRef<string | undefined>(lesson?.id);

  // Opening (again) moves the focus here; closing gives it back to where it was.
  useEffect(() => {
    const active = document.activeElement;
    if (active instanceof HTMLElement && !panel.current?.contains(active)) {
      returnFocus.current = active;
    }
    heading.current?.focus();
  }, [focusSeq]);

  // Moving between the list and a lesson keeps the focus in place of the button that vanished.
  useEffect(() => {
    const left = shownId.current;
    shownId.current = lesson?.id;
    if (left === lesson?.id) return;
    const selector = lesson ? '[data-lesson-title]' : `[data-lesson-id="${left ?? ''}"]`;
    panel.current?.querySelector<HTMLElement>(selector)?.focus();
  }, [lesson]);

  const close = (): void => {
    stores.lessons.getState().close();
    const back = returnFocus.current;
    if (back?.isConnected) back.focus();
    else stores.ui.getState().requestFocus('editor');
  };
  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    event.preventDefault();
    close();
  };

  return (
    <aside
      ref={panel}
      className="lessons-panel"
      aria-labelledby="lessons-heading"
      onKeyDown={onKeyDown}
    >
      <div className="panel-header lessons-header">
        <h2 id="lessons-heading" ref={heading} tabIndex={-1}>
          Lessons
        </h2>
        <button
          type="button"
          className="lessons-close"
          aria-label="Close lessons"
          title="Close lessons (Escape)"
          aria-keyshortcuts="Escape"
          onClick={close}
        >
          ×
        </button>
      </div>
      <div className="lessons-body">{lesson ? <LessonView lesson={lesson} /> : <LessonList />}</div>
    </aside>
  );
}
