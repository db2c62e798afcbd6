import { useEffect } from 'react';
import { useStore } from 'zustand';
import { browserStorage } from '../../state/key-value-storage';
import { watchLessonRuns, type LessonsState } from '../../state/lessons-store';
import type { Lesson } from '../../../app/lessons/lesson';
import { useStudio } from '../studio-context';
import { persistLessonProgress } from './lesson-progress';

export function useLessons<T>(selector: (s: LessonsState) => T): T {
  return useStore(useStudio().stores.lessons, selector);
}

/** The lesson the panel shows, or undefined for the list. */
export function useSelectedLesson(): Lesson | undefined {
  return useLessons((s) => s.lessons.find((l) => l.id === s.selectedId));
}

/** Checks every finished run that belongs to a lesson, whether the panel is open or not. */
export function useLessonRuns(): void {
  const { stores } = useStudio();
  useEffect(
    () => watchLessonRuns(stores.runs, stores.document, stores.lessons),
    [stores.runs, stores.document, stores.lessons],
  );
}

/** Met lessons and the last position from the last session, remembered again as they change. */
export function useLessonProgress(): void {
  const { stores } = useStudio();
  useEffect(() => {
    const storage = browserStorage();
    if (!storage) return;
    return persistLessonProgress(stores.lessons, storage);
  }, [stores.lessons]);
}
