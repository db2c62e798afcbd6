import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeFileName, POLICY_FILE_NAME, suggestedFileName } from './suggested-name';

describe('suggestedFileName', () => {
  it('keeps the current file name', () => {
    expect(suggestedFileName('Whatever', 'ls.sandbox.yaml')).toBe('ls.sandbox.yaml');
  });

  it('derives a name from the policy name', () => {
    expect(suggestedFileName('OpenSSH pre-auth child', null)).toBe(
      'openssh-pre-auth-child.sandbox.yaml',
    );
    expect(suggestedFileName('Crème brûlée / v2', null)).toBe('creme-brulee-v2.sandbox.yaml');
  });

  it('falls back to "policy"', () => {
    expect(suggestedFileName(undefined, null)).toBe('policy.sandbox.yaml');
    expect(suggestedFileName('   ', null)).toBe('policy.sandbox.yaml');
    expect(suggestedFileName('日本語', null)).toBe('policy.sandbox.yaml');
  });

  it('always produces a name files.saveAs accepts', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (name) => {
        const suggested = suggestedFileName(name, null);
        expect(suggested).toMatch(POLICY_FILE_NAME);
        expect(suggested.length).toBeLessThanOrEqual(200);
      }),
    );
  });
});

describe('normalizeFileName', () => {
  it('completes the suffix', () => {
    expect(normalizeFileName('mine')).toEqual({ name: 'mine.sandbox.yaml' });
    expect(normalizeFileName(' mine.yaml ')).toEqual({ name: 'mine.sandbox.yaml' });
    expect(normalizeFileName('mine.sandbox.yaml')).toEqual({ name: 'mine.sandbox.yaml' });
  });

  it('refuses folders, odd characters and empty names', () => {
    expect(normalizeFileName('')).toHaveProperty('error');
    expect(normalizeFileName('../etc/passwd')).toHaveProperty('error');
    expect(normalizeFileName('a b')).toHaveProperty('error');
    expect(normalizeFileName('x'.repeat(250))).toHaveProperty('error');
  });
});
