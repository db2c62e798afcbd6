import { describe, expect, it } from 'vitest';
import { describeAge } from './draft-age';

describe('describeAge', () => {
  const now = 1_700_000_000_000;
  it('says how long ago, in the largest whole unit', () => {
    expect(describeAge(now - 5_000, now)).toBe('just now');
    expect(describeAge(now - 60_000, now)).toBe('1 minute ago');
    expect(describeAge(now - 59 * 60_000, now)).toBe('59 minutes ago');
    expect(describeAge(now - 2 * 3_600_000, now)).toBe('2 hours ago');
    expect(describeAge(now - 3 * 86_400_000, now)).toBe('3 days ago');
  });

  it('treats a time in the future (a clock change) as now', () => {
    expect(describeAge(now + 60_000, now)).toBe('just now');
  });
});
