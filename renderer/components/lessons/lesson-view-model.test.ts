import { describe, expect, it } from 'vitest';
import type { LessonResult } from '../../state/lessons-store';
import { goalCheckedBy, outcomeView, preparingMessage, stepLabel } from './lesson-view-model';

const result = (over: Partial<LessonResult> = {}): LessonResult => ({
  lessonId: 'one',
  met: false,
  reasons: ['the program was killed by SIGSYS'],
  source: 'run',
  mode: 'check',
  ...over,
});

describe('outcomeView', () => {
  it('says the goal is being checked while a run of the lesson is under way', () => {
    expect(outcomeView('one', { runningLessonId: 'one', result: result(), met: [] })).toEqual({
      kind: 'running',
    });
  });

  it("shows the lesson's own verdict, with how it was reached", () => {
    const notMet = outcomeView('one', { runningLessonId: null, result: result(), met: [] });
    expect(notMet).toMatchObject({
      kind: 'verdict',
      headline: 'Goal not met yet (after a Check run)',
    });
    const met = outcomeView('one', {
      runningLessonId: null,
      result: result({ met: true, source: 'policy', mode: null }),
      met: ['one'],
    });
    expect(met).toMatchObject({ kind: 'verdict', headline: 'Goal met (checked on the policy)' });
    const enforce = outcomeView('one', {
      runningLessonId: null,
      result: result({ met: true, mode: 'enforce' }),
      met: [],
    });
    expect(enforce).toMatchObject({ headline: 'Goal met (after an Enforce run)' });
  });

  it("never shows another lesson's verdict", () => {
    const other = { runningLessonId: 'two', result: result({ lessonId: 'two' }) };
    expect(outcomeView('one', { ...other, met: [] })).toEqual({ kind: 'none' });
    expect(outcomeView('one', { ...other, met: ['one'] })).toEqual({ kind: 'met-before' });
  });
});

describe('labels', () => {
  it('says how the goal is checked', () => {
    expect(goalCheckedBy({ goal: { description: '', mode: 'check' } })).toBe(
      "Checked when a Check run of the lesson's policy ends.",
    );
    expect(goalCheckedBy({ goal: { description: '', mode: null } })).toContain('Check my policy');
  });

  it('counts steps from one', () => {
    expect(stepLabel(0, 4)).toBe('Step 1 of 4');
    expect(stepLabel(3, 4)).toBe('Step 4 of 4');
  });

  it('names the source being compiled', () => {
    expect(preparingMessage({ target: { source: 'strict-mode.c', args: [] } })).toBe(
      'Compiling strict-mode.c with the system C compiler…',
    );
    expect(preparingMessage({ target: null })).toBe('Preparing the lesson…');
  });
});
