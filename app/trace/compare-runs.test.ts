import { describe, expect, it } from 'vitest';
import { compareRuns, describeExit, describeVerdict } from './compare-runs';
import { RunSummary, RunSummaryBuilder, summarizeEvents } from './run-summary';
import { te } from './trace-test-events';

describe('RunSummaryBuilder', () => {
  it('counts each syscall per verdict and action, with its processes', () => {
    const summary = summarizeEvents([
      te.exec(0, 10),
      te.syscall('openat', 1, 10),
      te.syscall('openat', 2, 11),
      te.denied('openat', 'errno EACCES', 3, 10),
      te.denied('openat', 'errno EACCES', 4, 10),
      te.denied('ptrace', 'kill-process', 5, 11, 12),
      te.error('boom', 6),
      te.error('only a warning', 7, 'warning'),
      te.exit(8, 11, null, 'SIGSYS'),
      te.exit(9, 10, 1),
    ]);
    expect(summary).toEqual({
      events: 10,
      duration: 9,
      processes: 2,
      threads: 3,
      errors: 1,
      targetExit: { pid: 10, code: 1, signal: null },
      syscalls: [
        { name: 'openat', verdict: 'denied', action: 'errno EACCES', count: 2, processes: 1 },
        { name: 'openat', verdict: 'observed', action: '', count: 2, processes: 2 },
        { name: 'ptrace', verdict: 'denied', action: 'kill-process', count: 1, processes: 1 },
      ],
    });
    expect(RunSummary.safeParse(summary).success).toBe(true);
  });

  it('adds batches as they come', () => {
    const builder = new RunSummaryBuilder();
    builder.add([te.syscall('read', 0, 1)]);
    builder.add([te.syscall('read', 1, 1), te.exit(2, 1, 0)]);
    expect(builder.summary().syscalls[0]?.count).toBe(2);
    expect(builder.summary().targetExit).toEqual({ pid: 1, code: 0, signal: null });
  });
});

describe('compareRuns', () => {
  const before = summarizeEvents([
    te.exec(0, 1),
    te.denied('openat', 'errno EACCES', 1, 1),
    te.denied('ioctl', 'errno EPERM', 2, 1),
    te.syscall('read', 3, 1),
    te.syscall('read', 4, 1),
    te.exit(5, 1, 1),
  ]);
  const after = summarizeEvents([
    te.exec(0, 1),
    te.syscall('read', 3, 1),
    te.syscall('read', 4, 1),
    te.syscall('read', 4, 1),
    te.denied('ioctl', 'errno EPERM', 2, 1),
    te.denied('socket', 'kill-process', 2, 1),
    te.exit(5, 1, 0),
  ]);

  it('lists every syscall of either run with what changed', () => {
    const comparison = compareRuns(before, after);
    expect(comparison.rows.map((r) => [r.name, r.verdict, r.a, r.b, r.kind])).toEqual([
      ['ioctl', 'denied', 1, 1, 'same'],
      ['openat', 'denied', 1, 0, 'removed'],
      ['read', 'observed', 2, 3, 'more'],
      ['socket', 'denied', 0, 1, 'new'],
    ]);
    expect(comparison.changes).toBe(3);
    expect(comparison.addedNames).toEqual(['socket']);
    expect(comparison.removedNames).toEqual(['openat']);
    expect(comparison.exit).toEqual({
      a: { pid: 1, code: 1, signal: null },
      b: { pid: 1, code: 0, signal: null },
      changed: true,
    });
    expect(comparison.totals.a).toMatchObject({ events: 6, denials: 2 });
    expect(comparison.totals.b).toMatchObject({ events: 7, denials: 2 });
  });

  it('reports syscalls whose verdict changed', () => {
    const a = summarizeEvents([te.denied('openat', 'errno EACCES', 1, 1)]);
    const b = summarizeEvents([
      te.denied('openat', 'kill-process', 1, 1),
      te.syscall('read', 1, 1),
    ]);
    expect(compareRuns(a, b).verdictChanges).toEqual([
      { name: 'openat', a: ['denied (errno EACCES)'], b: ['denied (kill-process)'] },
      { name: 'read', a: [], b: ['not allowed yet'] },
    ]);
    expect(compareRuns(a, a).verdictChanges).toEqual([]);
    expect(compareRuns(a, a).changes).toBe(0);
  });

  it('says how a run ended and what a verdict is', () => {
    expect(describeExit(null)).toBe('no exit seen');
    expect(describeExit({ pid: 1, code: null, signal: 'SIGSYS' })).toBe('killed by SIGSYS');
    expect(describeExit({ pid: 1, code: 3, signal: null })).toBe('exit status 3');
    expect(describeVerdict({ verdict: 'observed', action: '' })).toBe('not allowed yet');
  });
});
