import { describe, expect, it } from 'vitest';
import { formatRlimitAmount, parseRlimitValue, softAboveHard } from './rlimit-values';

describe('parseRlimitValue', () => {
  it('reads numbers, decimal strings and unlimited', () => {
    expect(parseRlimitValue('nofile', 0)).toEqual({ value: 0n });
    expect(parseRlimitValue('nofile', 1024)).toEqual({ value: 1024n });
    expect(parseRlimitValue('nofile', '4096')).toEqual({ value: 4096n });
    expect(parseRlimitValue('as', 'unlimited')).toEqual({ value: 'unlimited' });
    expect(parseRlimitValue('as', '18446744073709551615')).toEqual({ value: (1n << 64n) - 1n });
  });

  it('reads sizes in powers of 1024 for byte limits', () => {
    expect(parseRlimitValue('as', '1G')).toEqual({ value: 1n << 30n });
    expect(parseRlimitValue('stack', '8M')).toEqual({ value: 8n << 20n });
    expect(parseRlimitValue('core', '512k')).toEqual({ value: 512n << 10n });
    expect(parseRlimitValue('fsize', '2 GiB')).toEqual({ value: 2n << 30n });
    expect(parseRlimitValue('memlock', '64MB')).toEqual({ value: 64n << 20n });
    expect(parseRlimitValue('data', '3T')).toEqual({ value: 3n << 40n });
  });

  it('refuses sizes for counts and times', () => {
    expect(parseRlimitValue('nofile', '64M')).toEqual({
      error:
        'nofile is a count, not a size: K/M/G/T suffixes apply to as, core, data, fsize, memlock, msgqueue, rss, stack',
    });
    expect(parseRlimitValue('cpu', '1K')).toMatchObject({ error: /cpu is in seconds, not a size/ });
    expect(parseRlimitValue('nice', '1K')).toMatchObject({ error: /nice is a level/ });
  });

  it('refuses negative, fractional, inexact and oversized values', () => {
    expect(parseRlimitValue('nofile', -1)).toEqual({
      error: 'a limit is a whole number ≥ 0, not -1',
    });
    expect(parseRlimitValue('cpu', 1.5)).toMatchObject({ error: /whole number/ });
    expect(parseRlimitValue('as', 2 ** 60)).toMatchObject({
      error: /too large for YAML to read exactly/,
    });
    expect(parseRlimitValue('as', '18446744073709551616')).toEqual({
      error: '18446744073709551616 does not fit in 64 bits',
    });
    expect(parseRlimitValue('as', '17179869184T')).toMatchObject({ error: /does not fit/ });
  });

  it('says how to write no limit, and what else is wrong', () => {
    expect(parseRlimitValue('as', 'infinity')).toEqual({
      error: 'write "unlimited" for no limit, not "infinity"',
    });
    expect(parseRlimitValue('as', 'lots')).toEqual({
      error: '"lots" is not a limit: write a number, a size such as 64M, or unlimited',
    });
    expect(parseRlimitValue('nofile', 'lots')).toEqual({
      error: '"lots" is not a limit: write a number or unlimited',
    });
    expect(parseRlimitValue('nofile', true)).toMatchObject({ error: /expected a number/ });
  });
});

describe('softAboveHard', () => {
  it('orders numbers below unlimited', () => {
    expect(softAboveHard(1n, 2n)).toBe(false);
    expect(softAboveHard(2n, 2n)).toBe(false);
    expect(softAboveHard(3n, 2n)).toBe(true);
    expect(softAboveHard('unlimited', 2n)).toBe(true);
    expect(softAboveHard(5n, 'unlimited')).toBe(false);
    expect(softAboveHard('unlimited', 'unlimited')).toBe(false);
  });

  it('formats amounts back', () => {
    expect(formatRlimitAmount(42n)).toBe('42');
    expect(formatRlimitAmount('unlimited')).toBe('unlimited');
  });
});
