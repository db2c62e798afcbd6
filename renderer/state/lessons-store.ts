import { createStore, type StoreApi } from 'zustand/vanilla';
import type { BackendClient, RunMode } from '../../app/api/contract';
import type { Lesson, LessonAttempt, LessonVerdict } from '../../app/lessons/lesson';
import type { LessonProgress } from '../components/lessons/lesson-progress';
import { selectDirty, type DocumentStore } from './document-store';
import { openAsNewDocument } from './new-document';
import type { RunsStore } from './runs-store';

/**
 * The Lessons panel: which lesson is shown and at which step, the lesson whose policy is in the
 * editor, the compile of its target program (lessons.prepare), the goal's verdict after a run or
 * a policy check, and which lessons were met (remembered between sessions).
 */

/** The lessons and their logic (app/lessons); tests give a small catalog of their own. */
export interface LessonLibrary {
  readonly lessons: readonly Lesson[];
  check(lesson: Lesson, attempt: LessonAttempt): LessonVerdict;
  /** The policy with the target placeholder replaced by the compiled program's path. */
  instantiate(policyText: string, targetPath: string | null): string;
}

export interface ConfirmQuestion {
  readonly title: string;
  readonly message: string;
  readonly confirmLabel: string;
}

export interface LessonsDeps {
  readonly client: Pick<BackendClient, 'invoke'>;
  readonly document: DocumentStore;
  /** Asks before replacing unsaved changes; true to go ahead. */
  readonly confirmDiscard: () => Promise<boolean>;
  readonly confirm: (question: ConfirmQuestion) => Promise<boolean>;
}

/** What a lesson's policy is being opened for while its target program compiles. */
export type LessonPurpose = 'start' | 'solution';

export interface LessonResult extends LessonVerdict {
  readonly lessonId: string;
  /** A finished run of the lesson's policy, or "Check my policy" on the editor's text. */
  readonly source: 'run' | 'policy';
  readonly mode: RunMode | null;
}

export interface LessonsState {
  readonly open: boolean;
  readonly lessons: readonly Lesson[];
  /** The lesson shown; null shows the list. */
  readonly selectedId: string | null;
  /** 0-based step of the selected lesson. */
  readonly step: number;
  readonly hintShown: boolean;
  /** Bumped by show(): the panel moves the focus into itself. */
  readonly focusSeq: number;
  /** The lesson whose policy was last opened in the editor. */
  readonly activeId: string | null;
  /** Compiled target programs by lesson id (lessons.prepare's answers). */
  readonly targets: Readonly<Record<string, string>>;
  readonly preparing: { readonly lessonId: string; readonly purpose: LessonPurpose } | null;
  /** Why a lesson could not be prepared (no C compiler, a compile error, …). */
  readonly problem: { readonly lessonId: string; readonly message: string } | null;
  /** A run of this lesson's policy is under way: its verdict comes when it ends. */
  readonly runningLessonId: string | null;
  readonly result: LessonResult | null;
  /** Ids of the lessons whose goal was met, in catalog order. */
  readonly met: readonly string[];

  show(deps: LessonsDeps): void;
  close(): void;
  select(lessonId: string | null): void;
  goToStep(step: number): void;
  toggleHint(): void;
  /** Compiles the target and opens the starting policy as a new document; true if opened. */
  start(): Promise<boolean>;
  /** Asks, then opens the solution the same way; true if opened. */
  showSolution(): Promise<boolean>;
  /** Evaluates the goal on the editor's text (lessons whose goal is about the policy). */
  checkPolicy(): void;
  /** A run was requested with this policy: the id of the lesson it belongs to, or null. */
  runRequested(policyText: string): string | null;
  runFinished(lessonId: string, attempt: LessonAttempt): void;
  /** Progress remembered from the last session; unknown lessons are ignored. */
  restore(progress: LessonProgress): void;
}

export type LessonsStore = StoreApi<LessonsState>;

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

export function createLessonsStore(library: LessonLibrary): LessonsStore {
  let deps: LessonsDeps | null = null;
  // What the panel last put into the editor: replacing it untouched needs no confirmation.
  let openedText: string | null = null;
  const byId = new Map(library.lessons.map((l) => [l.id, l]));

  return createStore<LessonsState>()((set, get) => {
    const selected = (): Lesson | undefined => byId.get(get().selectedId ?? '');

    /** The compiled target's path (null for authoring-only lessons), undefined on failure. */
    const prepare = async (
      lesson: Lesson,
      purpose: LessonPurpose,
    ): Promise<string | null | undefined> => {
      if (lesson.target === null) return null;
      if (!deps) return undefined;
      set({ preparing: { lessonId: lesson.id, purpose }, problem: null });
      try {
        const answer = await deps.client.invoke('lessons.prepare', { id: lesson.id });
        if ('error' in answer) {
          set({ problem: { lessonId: lesson.id, message: answer.error } });
          return undefined;
        }
        set({ targets: { ...get().targets, [lesson.id]: answer.path } });
        return answer.path;
      } catch (error) {
        set({ problem: { lessonId: lesson.id, message: messageOf(error) } });
        return undefined;
      } finally {
        set({ preparing: null });
      }
    };

    const untouched = (): boolean => {
      const doc = deps?.document.getState();
      return doc !== undefined && (!selectDirty(doc) || doc.text === openedText);
    };

    const openLessonPolicy = (lesson: Lesson, text: string): void => {
      if (!deps) return;
      openAsNewDocument(deps.document, text);
      openedText = text;
      set({ activeId: lesson.id, result: null, runningLessonId: null });
    };

    const record = (lesson: Lesson, verdict: LessonVerdict, attempt: LessonAttempt): void => {
      const source = attempt.events === null ? 'policy' : 'run';
      const result: LessonResult = { ...verdict, lessonId: lesson.id, source, mode: attempt.mode };
      const met = verdict.met ? withMet(library.lessons, get().met, lesson.id) : get().met;
      set({ result, met });
    };

    return {
      open: false,
      lessons: library.lessons,
      selectedId: null,
      step: 0,
      hintShown: false,
      focusSeq: 0,
      activeId: null,
      targets: {},
      preparing: null,
      problem: null,
      runningLessonId: null,
      result: null,
      met: [],

      show(given) {
        deps = given;
        set({ open: true, focusSeq: get().focusSeq + 1 });
      },
      close() {
        set({ open: false });
      },
      select(lessonId) {
        const known = lessonId !== null && byId.has(lessonId);
        set({ selectedId: known ? lessonId : null, step: 0, hintShown: false });
      },
      goToStep(step) {
        const count = selected()?.steps.length ?? 0;
        const clamped = Math.max(0, Math.min(step, count - 1));
        if (count === 0 || clamped === get().step) return;
        set({ step: clamped, hintShown: false });
      },
      toggleHint() {
        set({ hintShown: !get().hintShown });
      },

      async start() {
        const lesson = selected();
        if (!lesson || !deps || get().preparing) return false;
        const path = await prepare(lesson, 'start');
        if (path === undefined) return false;
        if (!untouched() && !(await deps.confirmDiscard())) return false;
        openLessonPolicy(lesson, library.instantiate(lesson.startingPolicy, path));
        return true;
      },

      async showSolution() {
        const lesson = selected();
        if (!lesson || !deps || get().preparing) return false;
        const asked = await deps.confirm(solutionQuestion(lesson, untouched(), deps.document));
        if (!asked) return false;
        const path = await prepare(lesson, 'solution');
        if (path === undefined) return false;
        openLessonPolicy(lesson, library.instantiate(lesson.solutionPolicy, path));
        return true;
      },

      checkPolicy() {
        const lesson = selected();
        if (!lesson || !deps) return;
        const policyText = deps.document.getState().text;
        const attempt: LessonAttempt = { policyText, mode: null, events: null };
        set({ activeId: lesson.id });
        record(lesson, library.check(lesson, attempt), attempt);
      },

      runRequested(policyText) {
        const lesson = lessonOfPolicy(library.lessons, get(), policyText);
        if (!lesson) {
          if (get().runningLessonId !== null) set({ runningLessonId: null });
          return null;
        }
        set({ runningLessonId: lesson.id, activeId: lesson.id, result: null });
        return lesson.id;
      },

      runFinished(lessonId, attempt) {
        const lesson = byId.get(lessonId);
        if (!lesson) return;
        if (get().runningLessonId === lessonId) set({ runningLessonId: null });
        record(lesson, library.check(lesson, attempt), attempt);
      },

      restore(progress) {
        const met = library.lessons.filter((l) => progress.met.includes(l.id)).map((l) => l.id);
        const position = progress.position;
        const lesson = position ? byId.get(position.lessonId) : undefined;
        if (!position || !lesson) {
          set({ met });
          return;
        }
        const step = Math.max(0, Math.min(position.step, lesson.steps.length - 1));
        set({ met, selectedId: lesson.id, step, hintShown: false });
      },
    };
  });
}

function solutionQuestion(
  lesson: Lesson,
  untouched: boolean,
  document: DocumentStore,
): ConfirmQuestion {
  const name = document.getState().name ?? 'the untitled policy';
  const replaced = untouched
    ? 'It replaces the policy in the editor.'
    : `It replaces the policy in the editor: your unsaved changes to ${name} are lost.`;
  return {
    title: `Show the solution of "${lesson.title}"?`,
    message: `${replaced} Trying the hints first teaches more.`,
    confirmLabel: 'Show solution',
  };
}

/** `met` with `lessonId` added, kept in catalog order. */
function withMet(lessons: readonly Lesson[], met: readonly string[], lessonId: string): string[] {
  if (met.includes(lessonId)) return [...met];
  return lessons.filter((l) => l.id === lessonId || met.includes(l.id)).map((l) => l.id);
}

/**
 * The lesson a policy belongs to: one whose compiled target program it runs (the active lesson
 * first). Lessons without a program, or whose goal is about the policy alone, have no runs.
 */
export function lessonOfPolicy(
  lessons: readonly Lesson[],
  state: Pick<LessonsState, 'activeId' | 'targets'>,
  policyText: string,
): Lesson | undefined {
  const runnable = lessons.filter((l) => l.target !== null && l.goal.mode !== null);
  const ordered = [
    ...runnable.filter((l) => l.id === state.activeId),
    ...runnable.filter((l) => l.id !== state.activeId),
  ];
  return ordered.find((l) => {
    const path = state.targets[l.id];
    return path !== undefined && mentionsPath(policyText, path);
  });
}

/** `path` appears in `text` as a whole path, not as the start of a longer one. */
export function mentionsPath(text: string, path: string): boolean {
  if (path === '') return false;
  for (let at = text.indexOf(path); at !== -1; at = text.indexOf(path, at + 1)) {
    const next = text[at + path.length];
    if (next === undefined || !/[\w./-]/.test(next)) return true;
  }
  return false;
}

/**
 * Feeds finished runs to the lessons store: when a run is requested, the editor's text is the
 * policy it runs (commands.ts reads it in the same tick), so the lesson it belongs to is decided
 * then; when the run's verdict arrives, its events are checked against that lesson's goal.
 */
export function watchLessonRuns(
  runs: RunsStore,
  document: DocumentStore,
  lessons: LessonsStore,
): () => void {
  let pending: { lessonId: string; policyText: string } | null = null;
  return runs.subscribe((state, previous) => {
    // requested() gives every run a fresh event buffer.
    if (state.events !== previous.events) {
      const policyText = document.getState().text;
      const lessonId = lessons.getState().runRequested(policyText);
      pending = lessonId === null ? null : { lessonId, policyText };
    }
    if (pending && state.run && state.verdict !== null && state.verdict !== previous.verdict) {
      const { lessonId, policyText } = pending;
      pending = null;
      const attempt = { policyText, mode: state.run.mode, events: state.events.toArray() };
      lessons.getState().runFinished(lessonId, attempt);
    }
  });
}
