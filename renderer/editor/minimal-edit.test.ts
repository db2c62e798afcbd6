import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minimalEdit } from './minimal-edit';

function apply(before: string, edit: ReturnType<typeof minimalEdit>): string {
  if (!edit) return before;
  return before.slice(0, edit.start) + edit.text + before.slice(edit.end);
}

describe('minimalEdit', () => {
  it('is undefined for equal texts', () => {
    expect(minimalEdit('abc', 'abc')).toBeUndefined();
  });

  it('replaces only the changed middle', () => {
    expect(minimalEdit('rules: []\n', 'rules: [read]\n')).toEqual({
      start: 8,
      end: 8,
      text: 'read',
    });
    expect(minimalEdit('abcdef', 'abXYef')).toEqual({ start: 2, end: 4, text: 'XY' });
  });

  it('handles insertions and deletions at either end', () => {
    expect(minimalEdit('abc', 'xabc')).toEqual({ start: 0, end: 0, text: 'x' });
    expect(minimalEdit('abc', 'ab')).toEqual({ start: 2, end: 3, text: '' });
  });

  it('never splits a surrogate pair', () => {
    const edit = minimalEdit('a😀b', 'a😃b');
    expect(edit).toEqual({ start: 1, end: 3, text: '😃' });
  });

  it('always turns before into after', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        expect(apply(a, minimalEdit(a, b))).toBe(b);
      }),
    );
  });
});
