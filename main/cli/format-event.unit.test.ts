import { describe, expect, it } from 'vitest';
import { formatEventLine, formatTallyTable, formatTime, shellQuote } from './format-event';

const args = ['0xffffff9c', '0x7ffd1000', '0x80000', '0x0', '0x0', '0x0'];

describe('formatEventLine', () => {
  it('formats syscalls with time, pid/tid and raw arguments', () => {
    expect(
      formatEventLine({
        type: 'syscall',
        t: 1.23,
        pid: 1234,
        tid: 1235,
        name: 'openat',
        nr: 257,
        arch: 'x86_64',
        args,
      }),
    ).toBe('    1.2ms  1234/1235  openat(0xffffff9c, 0x7ffd1000, 0x80000, 0x0, 0x0, 0x0)');
    expect(
      formatEventLine({
        type: 'denied',
        t: 2500,
        pid: 9,
        tid: 9,
        name: 'openat',
        nr: 257,
        arch: 'x86_64',
        args,
        action: 'errno EACCES',
      }),
    ).toBe(
      '   2.500s  9/9  openat(0xffffff9c, 0x7ffd1000, 0x80000, 0x0, 0x0, 0x0) denied: errno EACCES',
    );
  });

  it('formats process events', () => {
    expect(
      formatEventLine({
        type: 'exec',
        t: 0,
        pid: 5,
        tid: 5,
        path: '/usr/bin/python3',
        argv: ['python3', '-c', 'print(1)'],
      }),
    ).toBe("    0.0ms  5  exec /usr/bin/python3 -c 'print(1)'");
    expect(formatEventLine({ type: 'exit', t: 3, pid: 5, code: 1, signal: null })).toBe(
      '    3.0ms  5  exited with status 1',
    );
    expect(formatEventLine({ type: 'exit', t: 3, pid: 5, code: null, signal: 'SIGSYS' })).toBe(
      '    3.0ms  5  killed by SIGSYS',
    );
    expect(
      formatEventLine({ type: 'signal', t: 3, pid: 5, signal: 'SIGSYS', reason: 'write denied' }),
    ).toBe('    3.0ms  5  signal SIGSYS: write denied');
    expect(
      formatEventLine({
        type: 'error',
        t: 0,
        message: 'cannot set rlimit',
        layer: 'rlimits',
        errnoName: 'EPERM',
      }),
    ).toBe('    0.0ms  error: cannot set rlimit (rlimits, EPERM)');
    expect(formatEventLine({ type: 'stdout', t: 0, data: 'x' })).toBeUndefined();
  });
});

describe('helpers', () => {
  it('formats times in fixed width', () => {
    expect(formatTime(0)).toBe('    0.0ms');
    expect(formatTime(999.94)).toBe('  999.9ms');
    expect(formatTime(12345.6)).toBe('  12.346s');
  });

  it('aligns the tally table', () => {
    expect(
      formatTallyTable([
        { name: 'close', action: '', count: 1, pids: [1] },
        { name: 'openat', action: '', count: 12, pids: [1] },
      ]),
    ).toEqual(['  close   1', '  openat  12']);
  });

  it('quotes words for the shell only when needed', () => {
    expect(shellQuote('/usr/bin/ls')).toBe('/usr/bin/ls');
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('')).toBe("''");
  });
});
