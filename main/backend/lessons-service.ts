import type { RequestResult } from '../../app/api/contract';
import { lessonById } from '../../app/lessons/catalog';
import {
  compileLessonTarget,
  LessonBuildError,
  type LessonBuildOptions,
} from '../lessons/compile-lesson-target';

export type PrepareResult = RequestResult<'lessons.prepare'>;

/** The backend's side of the lessons: building a lesson's program for the panel. */
export interface LessonsService {
  /** The compiled program's absolute path, or `error` saying why there is none. */
  prepare(id: string): Promise<PrepareResult>;
}

export function createLessonsService(options: LessonBuildOptions = {}): LessonsService {
  return {
    async prepare(id) {
      const lesson = lessonById(id);
      if (!lesson) return { error: `there is no lesson "${id}"` };
      if (!lesson.target) {
        return {
          error: `lesson ${lesson.number} has no program to compile: its goal is about the policy alone`,
        };
      }
      try {
        return { path: await compileLessonTarget(lesson.id, lesson.target, options) };
      } catch (error) {
        if (error instanceof LessonBuildError) return { error: error.message };
        throw error;
      }
    },
  };
}
