import { describe, expect, it } from 'vitest';
import type { Lesson } from '../../../app/lessons/lesson';
import { memoryStorage } from '../../state/key-value-storage';
import { createLessonsStore } from '../../state/lessons-store';
import {
  LESSONS_KEY,
  parseLessonProgress,
  persistLessonProgress,
  progressOf,
  serializeLessonProgress,
} from './lesson-progress';

const lesson = (id: string, number: number): Lesson => ({
  id,
  number,
  title: id,
  summary: '',
  steps: [
    { title: 'a', body: 'a' },
    { title: 'b', body: 'b' },
  ],
  target: null,
  startingPolicy: '',
  solutionPolicy: '',
  goal: { description: 'Do it', mode: null },
});

const LIBRARY = {
  lessons: [lesson('one', 1), lesson('two', 2)],
  check: (_l: Lesson, a: { policyText: string }) => ({ met: a.policyText === 'ok', reasons: [] }),
  instantiate: (text: string) => text,
};

describe('parseLessonProgress', () => {
  it('reads what serializeLessonProgress wrote', () => {
    const progress = { met: ['one', 'two'], position: { lessonId: 'two', step: 1 } };
    expect(parseLessonProgress(serializeLessonProgress(progress))).toEqual(progress);
  });

  it('falls back to nothing met for missing or unreadable storage', () => {
    const empty = { met: [], position: null };
    expect(parseLessonProgress(null)).toEqual(empty);
    expect(parseLessonProgress('{not json')).toEqual(empty);
    expect(parseLessonProgress('42')).toEqual(empty);
    expect(parseLessonProgress('null')).toEqual(empty);
  });

  it('keeps the readable fields of a damaged record', () => {
    expect(parseLessonProgress('{"met":"one","position":{"lessonId":"two","step":0}}')).toEqual({
      met: [],
      position: { lessonId: 'two', step: 0 },
    });
    expect(parseLessonProgress('{"met":["one","one"],"position":{"step":-1}}')).toEqual({
      met: ['one'],
      position: null,
    });
  });
});

describe('progressOf', () => {
  it('has no position while the list is shown', () => {
    expect(progressOf({ met: ['one'], selectedId: null, step: 0 })).toEqual({
      met: ['one'],
      position: null,
    });
  });
});

describe('persistLessonProgress', () => {
  it('restores the last session, then writes met lessons and moves', () => {
    const storage = memoryStorage({
      [LESSONS_KEY]: JSON.stringify({ met: ['two'], position: { lessonId: 'one', step: 1 } }),
    });
    const store = createLessonsStore(LIBRARY);
    const stop = persistLessonProgress(store, storage);
    expect(store.getState()).toMatchObject({ met: ['two'], selectedId: 'one', step: 1 });

    store.getState().goToStep(0);
    expect(parseLessonProgress(storage.getItem(LESSONS_KEY))).toEqual({
      met: ['two'],
      position: { lessonId: 'one', step: 0 },
    });
    store.getState().runFinished('one', { policyText: 'ok', mode: null, events: null });
    expect(parseLessonProgress(storage.getItem(LESSONS_KEY)).met).toEqual(['one', 'two']);

    stop();
    store.getState().select(null);
    expect(parseLessonProgress(storage.getItem(LESSONS_KEY)).position).not.toBeNull();
  });

  it('does not write when nothing it keeps changed', () => {
    const storage = memoryStorage();
    const store = createLessonsStore(LIBRARY);
    persistLessonProgress(store, storage);
    store.getState().toggleHint();
    expect(storage.entries.has(LESSONS_KEY)).toBe(false);
  });

  it('keeps working with a storage that refuses writes', () => {
    const store = createLessonsStore(LIBRARY);
    persistLessonProgress(store, {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
      removeItem: () => undefined,
    });
    store.getState().select('two');
    expect(store.getState().selectedId).toBe('two');
  });
});
