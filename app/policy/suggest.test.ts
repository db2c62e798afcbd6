import { describe, expect, it } from 'vitest';
import { closestName, didYouMean, editDistance } from './suggest';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and transpositions', () => {
    expect(editDistance('open', 'open')).toBe(0);
    expect(editDistance('opn', 'open')).toBe(1);
    expect(editDistance('openat', 'open')).toBe(2);
    expect(editDistance('opne', 'open')).toBe(1);
    expect(editDistance('read', 'wrote')).toBe(4);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('stops at the cap', () => {
    expect(editDistance('abcdef', 'uvwxyz', 2)).toBe(2);
  });
});

describe('closestName', () => {
  const names = ['open', 'openat', 'close', 'read', 'readv'];

  it('suggests only close matches', () => {
    expect(closestName('opne', names)).toBe('open');
    expect(closestName('OPENAT', names)).toBe('openat');
    expect(closestName('frobnicate', names)).toBeUndefined();
    expect(didYouMean('reaad', names)).toBe('; did you mean read?');
    expect(didYouMean('zzz', names)).toBe('');
  });
});
