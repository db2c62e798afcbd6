import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../app/trace/events';
import { testEvents as ev } from '../../test-helpers';
import { EVENT_COLUMNS, eventCells, eventMatches, formatTime } from './event-cells';

describe('event cells', () => {
  it('shows a syscall with its arguments decoded, and each raw value in the detail', () => {
    expect(eventCells(ev.syscall('openat', 1.5, 42))).toEqual({
      time: '1.50',
      type: 'syscall',
      pid: '42',
      tid: '42',
      name: 'openat',
      args: '0, 0x1, O_RDWR, 03',
      argsDetail: 'dirfd = 0  (0x0)\npathname = 0x1\nflags = O_RDWR  (0x2)\nmode = 03  (0x3)',
      action: '',
    });
  });

  it('shows a denial with its action', () => {
    expect(eventCells(ev.denied('write', 'errno EACCES')).action).toBe('errno EACCES');
  });

  it('shows an exec as its command line', () => {
    expect(eventCells(ev.exec()).name).toBe('/bin/ls /');
  });

  it('shows output on one row', () => {
    const cells = eventCells(ev.stdout('bin\nboot\n'));
    expect(cells).toMatchObject({ type: 'stdout', pid: '', tid: '', name: 'bin ⏎ boot' });
  });

  it('shows exits by status or signal', () => {
    expect(eventCells(ev.exit(0)).name).toBe('exit status 0');
    expect(eventCells(ev.exit(null, 'SIGSYS')).name).toBe('killed by SIGSYS');
  });

  it('shows signals with their reason and errors with layer and errno', () => {
    const signal: TraceEvent = {
      type: 'signal',
      t: 1,
      pid: 7,
      signal: 'SIGSYS',
      reason: 'seccomp',
    };
    expect(eventCells(signal)).toMatchObject({ pid: '7', tid: '', name: 'SIGSYS (seccomp)' });
    const error: TraceEvent = {
      type: 'error',
      t: 1,
      message: 'landlock failed',
      layer: 'landlock',
      errnoName: 'EPERM',
    };
    expect(eventCells(error)).toMatchObject({ name: 'landlock failed', action: 'landlock EPERM' });
  });

  it('fills every column for every event type', () => {
    const all: TraceEvent[] = [
      ev.exec(),
      ev.syscall('read'),
      ev.denied('read', 'trap'),
      { type: 'signal', t: 0, pid: 1, signal: 'SIGTERM' },
      ev.exit(1),
      ev.stdout('a'),
      { type: 'stderr', t: 0, data: 'b' },
      { type: 'error', t: 0, message: 'm' },
    ];
    for (const event of all) {
      const cells = eventCells(event);
      for (const column of EVENT_COLUMNS) expect(typeof cells[column]).toBe('string');
    }
  });

  it('filters over type, name and action, case-insensitively', () => {
    expect(eventMatches(ev.syscall('openat'), 'OPEN')).toBe(true);
    expect(eventMatches(ev.syscall('openat'), 'syscall')).toBe(true);
    expect(eventMatches(ev.denied('write', 'kill-process'), 'kill')).toBe(true);
    expect(eventMatches(ev.syscall('openat'), 'read')).toBe(false);
    expect(eventMatches(ev.syscall('openat'), '  ')).toBe(true);
  });

  it('formats times with two decimals', () => {
    expect(formatTime(0)).toBe('0.00');
    expect(formatTime(1234.567)).toBe('1234.57');
  });
});
