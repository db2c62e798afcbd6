import { describe, expect, it } from 'vitest';
import { requests } from '../api/contract';
import { parsePolicy } from '../policy/parse';
import { lessonById, lessonByIdOrNumber, lessons } from './catalog';
import { instantiatePolicy } from './instantiate';
import { TARGET_PLACEHOLDER } from './lesson';

const TARGET = '/home/student/.cache/sandbox-studio/lessons/0123abcd/program';

function parsed(text: string) {
  const { policy, diagnostics } = parsePolicy(instantiatePolicy(text, TARGET));
  return { policy, errors: diagnostics.filter((d) => d.severity === 'error') };
}

describe('the lesson catalog', () => {
  it('numbers the eight lessons of issue 7 in order, with unique ids the contract accepts', () => {
    expect(lessons.map((l) => l.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(lessons.map((l) => l.id)).size).toBe(lessons.length);
    for (const lesson of lessons) {
      expect(requests['lessons.prepare'].params.safeParse({ id: lesson.id }).success).toBe(true);
    }
  });

  it('names each target after its lesson, and has a run goal exactly when there is a program', () => {
    for (const lesson of lessons) {
      if (lesson.target) {
        expect(lesson.target.source).toBe(`${lesson.id}.c`);
        expect(lesson.goal.mode).not.toBeNull();
      } else {
        expect(lesson.goal.mode).toBeNull();
      }
    }
    expect(lessons.filter((l) => l.target === null).map((l) => l.id)).toEqual(['capsicum-windows']);
  });

  it('gives every lesson a title, summary, goal and steps with text', () => {
    for (const lesson of lessons) {
      expect(lesson.title.length).toBeGreaterThan(5);
      expect(lesson.summary.length).toBeGreaterThan(40);
      expect(lesson.goal.description.length).toBeGreaterThan(20);
      expect(lesson.steps.length).toBeGreaterThanOrEqual(3);
      for (const step of lesson.steps) {
        expect(step.title.trim()).not.toBe('');
        expect(step.body.trim()).not.toBe('');
        expect(step.body).not.toMatch(/\n{3,}/);
      }
    }
  });

  describe.each(lessons.map((l) => [l.id, l] as const))('%s', (_id, lesson) => {
    it('has a starting policy that parses without errors once instantiated', () => {
      const { policy, errors } = parsed(lesson.startingPolicy);
      expect(errors).toEqual([]);
      expect(policy).toBeDefined();
    });

    it('has a solution policy that parses without errors once instantiated', () => {
      const { policy, errors } = parsed(lesson.solutionPolicy);
      expect(errors).toEqual([]);
      expect(policy).toBeDefined();
    });

    it('runs the compiled program with its arguments, and leaves no placeholder behind', () => {
      for (const text of [lesson.startingPolicy, lesson.solutionPolicy]) {
        const instantiated = instantiatePolicy(text, TARGET);
        expect(instantiated).not.toContain(TARGET_PLACEHOLDER);
        const command = parsed(text).policy?.target?.command;
        if (lesson.target) expect(command?.[0]).toBe(TARGET);
        else expect(command).toBeUndefined();
      }
      if (lesson.target) {
        expect(parsed(lesson.startingPolicy).policy?.target?.command).toEqual([
          TARGET,
          ...lesson.target.args,
        ]);
      }
    });

    it('differs between the starting policy and the solution', () => {
      expect(lesson.solutionPolicy).not.toBe(lesson.startingPolicy);
    });
  });

  it('finds lessons by id and by number', () => {
    expect(lessonById('tsync')?.number).toBe(5);
    expect(lessonById('nope')).toBeUndefined();
    expect(lessonByIdOrNumber('1')?.id).toBe('strict-mode');
    expect(lessonByIdOrNumber(' landlock ')?.number).toBe(7);
    expect(lessonByIdOrNumber('9')).toBeUndefined();
    expect(lessonByIdOrNumber('0')).toBeUndefined();
    expect(lessonByIdOrNumber('01')).toBeUndefined();
    expect(lessonByIdOrNumber('')).toBeUndefined();
  });
});
