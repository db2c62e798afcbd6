import { lessons } from '../../../app/lessons/catalog';
import { checkLessonGoal } from '../../../app/lessons/check-goal';
import { instantiatePolicy } from '../../../app/lessons/instantiate';
import type { LessonLibrary } from '../../state/lessons-store';

/** The course as the studio ships it (app/lessons). */
export const LESSON_LIBRARY: LessonLibrary = {
  lessons,
  check: checkLessonGoal,
  instantiate: instantiatePolicy,
};
