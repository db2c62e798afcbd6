import { allowlistLesson } from './catalog/allowlist';
import { capabilitiesLesson } from './catalog/capabilities';
import { capsicumWindowsLesson } from './catalog/capsicum-windows';
import { dumpableLesson } from './catalog/dumpable';
import { landlockLesson } from './catalog/landlock';
import { opensshPreauthLesson } from './catalog/openssh-preauth';
import { strictModeLesson } from './catalog/strict-mode';
import { tsyncLesson } from './catalog/tsync';
import type { Lesson } from './lesson';

/** The course, in order: the panel, the CLI (`sandbox-studio lessons`) and the tests read this. */
export const lessons: readonly Lesson[] = [
  strictModeLesson,
  dumpableLesson,
  allowlistLesson,
  opensshPreauthLesson,
  tsyncLesson,
  capabilitiesLesson,
  landlockLesson,
  capsicumWindowsLesson,
];

export function lessonById(id: string): Lesson | undefined {
  return lessons.find((lesson) => lesson.id === id);
}

/** `3` or `allowlist` (as the CLI takes it), or undefined when neither names a lesson. */
export function lessonByIdOrNumber(text: string): Lesson | undefined {
  const trimmed = text.trim();
  if (/^[1-9]\d*$/.test(trimmed)) return lessons.find((l) => l.number === Number(trimmed));
  return lessonById(trimmed);
}
