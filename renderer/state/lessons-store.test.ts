import { describe, expect, it, vi } from 'vitest';
import type { BackendClient, RequestParams, RequestResult } from '../../app/api/contract';
import type { Lesson, LessonAttempt } from '../../app/lessons/lesson';
import type { TraceEvent } from '../../app/trace/events';
import { testEvents as ev } from '../test-helpers';
import { createDocumentStore, selectDirty } from './document-store';
import {
  createLessonsStore,
  lessonOfPolicy,
  mentionsPath,
  watchLessonRuns,
  type ConfirmQuestion,
  type LessonLibrary,
  type LessonsDeps,
} from './lessons-store';
import { createRunsStore, type RunsStore } from './runs-store';

/** A tiny course: two run lessons and one about the policy alone. */
const step = (title: string, hint?: string) => ({
  title,
  body: `${title} body`,
  ...(hint ? { hint } : {}),
});
const LESSONS: readonly Lesson[] = [
  {
    id: 'first',
    number: 1,
    title: 'First',
    summary: 'The first lesson.',
    steps: [step('One', 'a hint'), step('Two'), step('Three')],
    target: { source: 'first.c', args: [] },
    startingPolicy: 'target: { command: [{{target}}] }\n# start\n',
    solutionPolicy: 'target: { command: [{{target}}] }\n# SOLVED\n',
    goal: { description: 'Make it run cleanly', mode: 'check' },
  },
  {
    id: 'second',
    number: 2,
    title: 'Second',
    summary: 'The second lesson.',
    steps: [step('Only')],
    target: { source: 'second.c', args: ['-x'] },
    startingPolicy: 'target: { command: [{{target}}] }\n',
    solutionPolicy: 'target: { command: [{{target}}] }\n# SOLVED\n',
    goal: { description: 'Make it fail safely', mode: 'enforce' },
  },
  {
    id: 'authoring',
    number: 3,
    title: 'Authoring',
    summary: 'About the policy alone.',
    steps: [step('Write')],
    target: null,
    startingPolicy: 'freebsd: {}\n',
    solutionPolicy: 'freebsd: { capsicum: { enter: true } } # SOLVED\n',
    goal: { description: 'Enter capability mode', mode: null },
  },
];

/** Met when the policy says SOLVED and, for runs, the program exited 0. */
const check = vi.fn((lesson: Lesson, attempt: LessonAttempt) => {
  const solved = attempt.policyText.includes('SOLVED');
  const exitedZero =
    attempt.events === null || attempt.events.some((e) => e.type === 'exit' && e.code === 0);
  const reasons = [
    ...(solved ? [] : [`${lesson.id}: the policy is not solved`]),
    ...(exitedZero ? [] : ['the program did not exit 0']),
  ];
  return { met: solved && exitedZero, reasons };
});

const LIBRARY: LessonLibrary = {
  lessons: LESSONS,
  check,
  instantiate: (text, path) => text.replaceAll('{{target}}', path ?? '/nowhere'),
};

type PrepareAnswer = RequestResult<'lessons.prepare'> | Error;

function setup(
  options: {
    prepare?: (id: string) => PrepareAnswer | Promise<PrepareAnswer>;
    confirm?: boolean;
    discard?: boolean;
    text?: string;
  } = {},
) {
  const document = createDocumentStore(options.text ?? 'version: 1\n');
  const prepared: string[] = [];
  const questions: ConfirmQuestion[] = [];
  const client: Pick<BackendClient, 'invoke'> = {
    invoke: (async (method: string, params: RequestParams<'lessons.prepare'>) => {
      if (method !== 'lessons.prepare') throw new Error(`unexpected ${method}`);
      prepared.push(params.id);
      const answer = await (options.prepare ?? ((id) => ({ path: `/cache/lessons/${id}` })))(
        params.id,
      );
      if (answer instanceof Error) throw answer;
      return answer;
    }) as BackendClient['invoke'],
  };
  const confirmDiscard = vi.fn(async () => options.discard ?? true);
  const deps: LessonsDeps = {
    client,
    document,
    confirmDiscard,
    confirm: async (question) => {
      questions.push(question);
      return options.confirm ?? true;
    },
  };
  const store = createLessonsStore(LIBRARY);
  store.getState().show(deps);
  return { store, document, prepared, questions, confirmDiscard };
}

describe('lessons store: navigation', () => {
  it('opens on the list, moves the focus there on every show, and closes', () => {
    const { store } = setup();
    expect(store.getState()).toMatchObject({ open: true, selectedId: null, focusSeq: 1 });
    store.getState().show(setupDeps());
    expect(store.getState().focusSeq).toBe(2);
    store.getState().close();
    expect(store.getState().open).toBe(false);
  });

  it('selects a lesson at its first step; an unknown id shows the list', () => {
    const { store } = setup();
    store.getState().select('first');
    store.getState().goToStep(2);
    store.getState().select('second');
    expect(store.getState()).toMatchObject({ selectedId: 'second', step: 0 });
    store.getState().select('no-such-lesson');
    expect(store.getState().selectedId).toBeNull();
  });

  it('moves between steps within the lesson, hiding the hint at each move', () => {
    const { store } = setup();
    store.getState().select('first');
    store.getState().toggleHint();
    expect(store.getState().hintShown).toBe(true);
    store.getState().goToStep(1);
    expect(store.getState()).toMatchObject({ step: 1, hintShown: false });
    store.getState().goToStep(99);
    expect(store.getState().step).toBe(2);
    store.getState().goToStep(-5);
    expect(store.getState().step).toBe(0);
    store.getState().toggleHint();
    store.getState().toggleHint();
    expect(store.getState().hintShown).toBe(false);
  });

  it('does not move without a lesson', () => {
    const { store } = setup();
    store.getState().goToStep(1);
    expect(store.getState().step).toBe(0);
  });
});

describe('lessons store: starting a lesson', () => {
  it("compiles the target, then opens the starting policy with the program's path, unsaved", async () => {
    let finish: (answer: PrepareAnswer) => void = () => undefined;
    const { store, document, prepared } = setup({
      prepare: () => new Promise<PrepareAnswer>((resolve) => (finish = resolve)),
    });
    store.getState().select('first');
    const started = store.getState().start();
    expect(store.getState().preparing).toEqual({ lessonId: 'first', purpose: 'start' });
    expect(await store.getState().start()).toBe(false); // one compile at a time
    finish({ path: '/cache/lessons/first' });
    expect(await started).toBe(true);
    expect(prepared).toEqual(['first']);
    const doc = document.getState();
    expect(doc.text).toBe('target: { command: [/cache/lessons/first] }\n# start\n');
    expect(doc).toMatchObject({ handle: null, name: null });
    expect(selectDirty(doc)).toBe(true);
    expect(doc.external.resetUndo).toBe(true);
    expect(store.getState()).toMatchObject({
      preparing: null,
      problem: null,
      activeId: 'first',
      targets: { first: '/cache/lessons/first' },
    });
  });

  it("shows the backend's error (no C compiler) and leaves the editor alone", async () => {
    const { store, document } = setup({
      prepare: () => ({ error: 'no C compiler found: install gcc or clang' }),
    });
    store.getState().select('first');
    expect(await store.getState().start()).toBe(false);
    expect(store.getState().problem).toEqual({
      lessonId: 'first',
      message: 'no C compiler found: install gcc or clang',
    });
    expect(store.getState().preparing).toBeNull();
    expect(store.getState().activeId).toBeNull();
    expect(document.getState().text).toBe('version: 1\n');
  });

  it('reports a failed request the same way, and clears the problem on the next try', async () => {
    let fail = true;
    const { store } = setup({
      prepare: (id) => (fail ? new Error('disconnected') : { path: `/c/${id}` }),
    });
    store.getState().select('first');
    await store.getState().start();
    expect(store.getState().problem?.message).toBe('disconnected');
    fail = false;
    expect(await store.getState().start()).toBe(true);
    expect(store.getState().problem).toBeNull();
  });

  it('asks before replacing unsaved changes, and keeps them when the answer is no', async () => {
    const { store, document, confirmDiscard } = setup({ discard: false });
    document.getState().setText('my own work\n');
    store.getState().select('first');
    expect(await store.getState().start()).toBe(false);
    expect(confirmDiscard).toHaveBeenCalledTimes(1);
    expect(document.getState().text).toBe('my own work\n');
    expect(store.getState().activeId).toBeNull();
  });

  it("replaces a lesson's policy the student did not touch without asking", async () => {
    const { store, confirmDiscard, document } = setup();
    store.getState().select('first');
    await store.getState().start();
    store.getState().select('second');
    expect(await store.getState().start()).toBe(true);
    expect(confirmDiscard).not.toHaveBeenCalled();
    expect(document.getState().text).toContain('/cache/lessons/second');
    document.getState().setText(`${document.getState().text}# edited\n`);
    await store.getState().start();
    expect(confirmDiscard).toHaveBeenCalledTimes(1);
  });

  it('opens a lesson without a program without compiling anything', async () => {
    const { store, prepared, document } = setup();
    store.getState().select('authoring');
    expect(await store.getState().start()).toBe(true);
    expect(prepared).toEqual([]);
    expect(document.getState().text).toBe('freebsd: {}\n');
  });

  it('does nothing without a selected lesson', async () => {
    const { store, prepared } = setup();
    expect(await store.getState().start()).toBe(false);
    expect(await store.getState().showSolution()).toBe(false);
    expect(prepared).toEqual([]);
  });
});

describe('lessons store: the solution', () => {
  it('asks first, then opens the solution the same way', async () => {
    const { store, document, questions, confirmDiscard } = setup();
    store.getState().select('first');
    expect(await store.getState().showSolution()).toBe(true);
    expect(questions).toHaveLength(1);
    expect(questions[0]).toMatchObject({
      title: 'Show the solution of "First"?',
      confirmLabel: 'Show solution',
    });
    expect(questions[0]?.message).not.toContain('unsaved');
    expect(confirmDiscard).not.toHaveBeenCalled();
    expect(document.getState().text).toBe(
      'target: { command: [/cache/lessons/first] }\n# SOLVED\n',
    );
    expect(store.getState().activeId).toBe('first');
  });

  it('says that unsaved changes are lost, and does nothing when declined', async () => {
    const { store, document, questions, prepared } = setup({ confirm: false });
    document.getState().setText('mine\n');
    store.getState().select('first');
    expect(await store.getState().showSolution()).toBe(false);
    expect(questions[0]?.message).toContain('your unsaved changes to the untitled policy are lost');
    expect(prepared).toEqual([]);
    expect(document.getState().text).toBe('mine\n');
  });

  it('keeps the editor when the program cannot be compiled', async () => {
    const { store, document } = setup({ prepare: () => ({ error: 'cc: not found' }) });
    store.getState().select('first');
    expect(await store.getState().showSolution()).toBe(false);
    expect(document.getState().text).toBe('version: 1\n');
    expect(store.getState().problem?.message).toBe('cc: not found');
  });
});

describe('lessons store: checking the goal', () => {
  it("checks the editor's policy for a lesson about the policy, and remembers it met", () => {
    const { store, document } = setup();
    store.getState().select('authoring');
    store.getState().checkPolicy();
    expect(store.getState().result).toEqual({
      lessonId: 'authoring',
      met: false,
      reasons: ['authoring: the policy is not solved'],
      source: 'policy',
      mode: null,
    });
    expect(store.getState().met).toEqual([]);
    document.getState().setText('# SOLVED\n');
    store.getState().checkPolicy();
    expect(store.getState().result).toMatchObject({ met: true, reasons: [] });
    expect(store.getState().met).toEqual(['authoring']);
  });

  it('keeps met lessons in catalog order, each once', () => {
    const { store } = setup();
    const solved: LessonAttempt = { policyText: 'SOLVED', mode: 'check', events: [ev.exit(0)] };
    store.getState().runFinished('second', solved);
    store.getState().runFinished('first', solved);
    store.getState().runFinished('first', solved);
    expect(store.getState().met).toEqual(['first', 'second']);
    store.getState().runFinished('no-such-lesson', solved);
    expect(store.getState().met).toEqual(['first', 'second']);
  });

  it('a run belongs to the lesson whose compiled program its policy runs', async () => {
    const { store } = setup();
    store.getState().select('first');
    await store.getState().start();
    expect(store.getState().runRequested('command: [/usr/bin/true]')).toBeNull();
    expect(store.getState().runRequested('command: [/cache/lessons/first]')).toBe('first');
    expect(store.getState()).toMatchObject({ runningLessonId: 'first', result: null });
    expect(store.getState().runRequested('command: [/bin/ls]')).toBeNull();
    expect(store.getState().runningLessonId).toBeNull();
  });
});

describe('watchLessonRuns', () => {
  async function started() {
    const context = setup();
    const runs = createRunsStore({ schedule: (fn) => fn() });
    const stop = watchLessonRuns(runs, context.document, context.store);
    context.store.getState().select('first');
    await context.store.getState().start();
    return { ...context, runs, stop };
  }

  function run(runs: RunsStore, id: string, events: TraceEvent[]) {
    runs.getState().requested('check', 0);
    runs.getState().started(id);
    runs.getState().stateChanged({ runId: id, mode: 'check', state: 'running' }, 1);
    runs.getState().eventsArrived({ runId: id, events });
  }

  it("checks a finished run of the lesson's policy against its goal", async () => {
    const { store, runs, document } = await started();
    run(runs, 'r1', [ev.exec(), ev.exit(0)]);
    expect(store.getState().runningLessonId).toBe('first');
    runs.getState().stateChanged({ runId: 'r1', mode: 'check', state: 'exited' }, 2);
    expect(store.getState().runningLessonId).toBeNull();
    expect(store.getState().result).toMatchObject({
      lessonId: 'first',
      met: false,
      source: 'run',
      mode: 'check',
      reasons: ['first: the policy is not solved'],
    });
    expect(check).toHaveBeenLastCalledWith(LESSONS[0], {
      policyText: document.getState().text,
      mode: 'check',
      events: [ev.exec(), ev.exit(0)],
    });

    await store.getState().showSolution();
    expect(store.getState().result).toBeNull();
    run(runs, 'r2', [ev.exec(), ev.exit(0)]);
    runs.getState().stateChanged({ runId: 'r2', mode: 'check', state: 'exited' }, 3);
    expect(store.getState().result).toMatchObject({ met: true, reasons: [] });
    expect(store.getState().met).toEqual(['first']);
  });

  it('checks the policy as it was when the run started, not as edited since', async () => {
    const { store, runs, document } = await started();
    const text = document.getState().text;
    run(runs, 'r1', [ev.exit(0)]);
    document.getState().setText('# typed during the run\n');
    runs.getState().stateChanged({ runId: 'r1', mode: 'check', state: 'exited' }, 2);
    expect(check).toHaveBeenLastCalledWith(
      LESSONS[0],
      expect.objectContaining({ policyText: text }),
    );
    expect(store.getState().result?.lessonId).toBe('first');
  });

  it('checks a run that did not start, with no events', async () => {
    const { store, runs } = await started();
    runs.getState().requested('check', 0);
    runs.getState().startFailed('the backend is gone', 1);
    expect(store.getState().result).toMatchObject({ lessonId: 'first', met: false });
    expect(check).toHaveBeenLastCalledWith(LESSONS[0], expect.objectContaining({ events: [] }));
  });

  it('ignores runs of other policies, and stops watching when asked', async () => {
    const { store, runs, document, stop } = await started();
    document.getState().setText('target: { command: [/bin/ls] }\n');
    check.mockClear();
    run(runs, 'r1', [ev.exit(0)]);
    runs.getState().stateChanged({ runId: 'r1', mode: 'check', state: 'exited' }, 2);
    expect(check).not.toHaveBeenCalled();
    expect(store.getState().result).toBeNull();

    await store.getState().start();
    stop();
    run(runs, 'r2', [ev.exit(0)]);
    runs.getState().stateChanged({ runId: 'r2', mode: 'check', state: 'exited' }, 3);
    expect(check).not.toHaveBeenCalled();
  });
});

describe('lessons store: remembered progress', () => {
  it('restores met lessons and the position, dropping what the catalog does not know', () => {
    const store = createLessonsStore(LIBRARY);
    store.getState().restore({
      met: ['second', 'gone', 'first'],
      position: { lessonId: 'first', step: 99 },
    });
    expect(store.getState()).toMatchObject({
      met: ['first', 'second'],
      selectedId: 'first',
      step: 2,
    });
    store.getState().restore({ met: [], position: { lessonId: 'gone', step: 0 } });
    expect(store.getState()).toMatchObject({ met: [], selectedId: 'first' });
  });
});

describe('lessonOfPolicy', () => {
  const targets = { first: '/c/first', second: '/c/second', authoring: '/c/authoring' };

  it('finds the lesson by its program, the active lesson first', () => {
    expect(lessonOfPolicy(LESSONS, { activeId: null, targets }, 'x /c/second y')?.id).toBe(
      'second',
    );
    const both = '/c/first /c/second';
    expect(lessonOfPolicy(LESSONS, { activeId: 'second', targets }, both)?.id).toBe('second');
    expect(lessonOfPolicy(LESSONS, { activeId: null, targets }, both)?.id).toBe('first');
  });

  it('never matches lessons without runs or without a compiled program', () => {
    expect(lessonOfPolicy(LESSONS, { activeId: 'authoring', targets }, '/c/authoring')).toBe(
      undefined,
    );
    expect(lessonOfPolicy(LESSONS, { activeId: null, targets: {} }, '/c/first')).toBe(undefined);
  });
});

describe('mentionsPath', () => {
  it('matches whole paths only', () => {
    expect(mentionsPath('command: [/c/first]', '/c/first')).toBe(true);
    expect(mentionsPath('command: ["/c/first", -v]', '/c/first')).toBe(true);
    expect(mentionsPath('/c/first', '/c/first')).toBe(true);
    expect(mentionsPath('command: [/c/first-2]', '/c/first')).toBe(false);
    expect(mentionsPath('command: [/c/first.old]', '/c/first')).toBe(false);
    expect(mentionsPath('/c/first.old /c/first]', '/c/first')).toBe(true);
    expect(mentionsPath('anything', '')).toBe(false);
  });
});

function setupDeps(): LessonsDeps {
  return {
    client: { invoke: (async () => ({ path: '/x' })) as BackendClient['invoke'] },
    document: createDocumentStore(''),
    confirmDiscard: async () => true,
    confirm: async () => true,
  };
}

describe('the shipped course in the panel', () => {
  it('a lesson about the policy: the starting policy is not met, the solution is', async () => {
    const { LESSON_LIBRARY } = await import('../components/lessons/library');
    const found = LESSON_LIBRARY.lessons.find((l) => l.goal.mode === null);
    expect(found, 'the course has a lesson about the policy alone').toBeDefined();
    const lesson = found!;
    const document = createDocumentStore('');
    const store = createLessonsStore(LESSON_LIBRARY);
    const prepared: string[] = [];
    store.getState().show({
      client: {
        invoke: (async (_m: string, p: { id: string }) => {
          prepared.push(p.id);
          return { path: `/cache/${p.id}` };
        }) as BackendClient['invoke'],
      },
      document,
      confirmDiscard: async () => true,
      confirm: async () => true,
    });
    store.getState().select(lesson.id);
    expect(await store.getState().start()).toBe(true);
    store.getState().checkPolicy();
    expect(store.getState().result).toMatchObject({ lessonId: lesson.id, met: false });
    expect(store.getState().result?.reasons.length).toBeGreaterThan(0);
    expect(await store.getState().showSolution()).toBe(true);
    store.getState().checkPolicy();
    expect(store.getState().result).toMatchObject({ met: true, source: 'policy' });
    expect(store.getState().met).toEqual([lesson.id]);
    expect(prepared).toEqual(lesson.target === null ? [] : [lesson.id, lesson.id]);
  });
});
