import { z } from 'zod';
import type { LessonsState, LessonsStore } from '../../state/lessons-store';
import { readItem, writeItem, type KeyValueStorage } from '../../state/key-value-storage';

/** What the studio remembers about the lessons: which were met, and where the student was. */
export interface LessonProgress {
  readonly met: readonly string[];
  readonly position: { readonly lessonId: string; readonly step: number } | null;
}

export const LESSONS_KEY = 'sandbox-studio.lessons';

const EMPTY: LessonProgress = { met: [], position: null };

const stored = z.object({
  met: z.array(z.string()).catch([]),
  position: z
    .object({ lessonId: z.string(), step: z.number().int().nonnegative() })
    .nullable()
    .catch(null),
});

/**
 * Reads stored progress; anything unreadable (another version's format, a hand edit) falls back
 * field by field to "nothing met yet" instead of breaking the panel.
 */
export function parseLessonProgress(raw: string | null): LessonProgress {
  if (raw === null) return EMPTY;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return EMPTY;
  }
  const parsed = stored.safeParse(json);
  if (!parsed.success) return EMPTY;
  return { met: [...new Set(parsed.data.met)], position: parsed.data.position ?? null };
}

export function progressOf(
  state: Pick<LessonsState, 'met' | 'selectedId' | 'step'>,
): LessonProgress {
  return {
    met: state.met,
    position: state.selectedId === null ? null : { lessonId: state.selectedId, step: state.step },
  };
}

export function serializeLessonProgress(progress: LessonProgress): string {
  return JSON.stringify({ met: progress.met, position: progress.position });
}

/** Puts the stored progress into the store, then writes it whenever it changes. */
export function persistLessonProgress(store: LessonsStore, storage: KeyValueStorage): () => void {
  store.getState().restore(parseLessonProgress(readItem(storage, LESSONS_KEY)));
  return store.subscribe((state, previous) => {
    if (
      state.met === previous.met &&
      state.selectedId === previous.selectedId &&
      state.step === previous.step
    ) {
      return;
    }
    writeItem(storage, LESSONS_KEY, serializeLessonProgress(progressOf(state)));
  });
}
