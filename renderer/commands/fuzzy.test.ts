import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzyMatch } from './fuzzy';

const matched = (text: string, query: string): string =>
  (fuzzyMatch(query, text)?.ranges ?? []).map(([s, e]) => text.slice(s, e)).join('');

describe('fuzzyMatch', () => {
  it('matches characters in order, ignoring case and spaces', () => {
    expect(fuzzyMatch('sva', 'Save As')).not.toBeNull();
    expect(fuzzyMatch('SAVE as', 'Save As')).not.toBeNull();
    expect(fuzzyMatch('vsa', 'Save As')).toBeNull();
    expect(fuzzyMatch('x', 'Save As')).toBeNull();
  });

  it('matches everything with an empty query', () => {
    expect(fuzzyMatch('', 'Learn')).toEqual({ score: 0, ranges: [] });
    expect(fuzzyMatch('   ', 'Learn')).toEqual({ score: 0, ranges: [] });
  });

  it('prefers word starts for highlighting', () => {
    expect(matched('File: Save Policy As…', 'spa')).toBe('SPA');
    expect(fuzzyMatch('spa', 'File: Save Policy As…')?.ranges).toEqual([
      [6, 7],
      [11, 12],
      [18, 19],
    ]);
  });

  it('joins consecutive characters into one range', () => {
    expect(fuzzyMatch('save', 'File: Save Policy')?.ranges).toEqual([[6, 10]]);
  });

  it('ranks prefix and word-start matches above scattered ones', () => {
    const score = (query: string, text: string) => fuzzyMatch(query, text)?.score ?? -Infinity;
    expect(score('save as', 'File: Save Policy As…')).toBeGreaterThan(
      score('save as', 'File: Discard Recovered Unsaved Changes'),
    );
    expect(score('learn', 'Run: Learn')).toBeGreaterThan(score('learn', 'View: Clear Entries Now'));
    expect(score('ct', 'View: Switch Color Theme')).toBeGreaterThan(
      score('ct', 'View: Dismiss Notifications'),
    );
  });

  it('always highlights exactly the query, in order (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.string({ maxLength: 6 }), (text, raw) => {
        const query = raw.replace(/\s+/g, '');
        const result = fuzzyMatch(query, text);
        if (!result) return;
        expect(matched(text, query).toLowerCase()).toBe(query.toLowerCase());
        for (const [s, e] of result.ranges) expect(s).toBeLessThan(e);
      }),
    );
  });

  it('finds a match whenever the query is a subsequence (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (text, picks) => {
          const indexes = [...new Set(picks.map((p) => p % text.length))].sort((a, b) => a - b);
          const query = indexes
            .map((i) => text[i])
            .join('')
            .replace(/\s+/g, '');
          // toLowerCase can change lengths for a few characters; stay with ones it does not.
          fc.pre(text.toLowerCase().length === text.length);
          expect(fuzzyMatch(query, text)).not.toBeNull();
        },
      ),
    );
  });
});
