import { describe, expect, it } from 'vitest';
import type { TraceEvent } from './events';
import { buildProcessTree, flattenProcessTree } from './process-tree';

const events: TraceEvent[] = [
  { type: 'process', t: 1, pid: 10, ppid: 1 },
  { type: 'exec', t: 1, pid: 10, tid: 10, path: '/bin/sh', argv: ['sh', '-c', 'x'] },
  { type: 'process', t: 2, pid: 11, ppid: 10 },
  { type: 'process', t: 3, pid: 12, ppid: 10 },
  { type: 'exec', t: 3, pid: 12, tid: 12, path: '/usr/bin/python3', argv: ['python3'] },
  { type: 'thread', t: 4, pid: 12, tid: 13 },
  { type: 'thread', t: 4.5, pid: 12, tid: 13 },
  { type: 'process', t: 5, pid: 14, ppid: 12 },
  { type: 'exit', t: 6, pid: 11, code: 3, signal: null },
  { type: 'exit', t: 7, pid: 10, code: null, signal: 'SIGKILL' },
  { type: 'process', t: 8, pid: 20, ppid: 99 },
];

describe('buildProcessTree', () => {
  it('nests processes under their parents with threads, execs and exits', () => {
    const roots = buildProcessTree(events);
    expect(roots.map((r) => r.pid)).toEqual([10, 20]);
    const [shell] = roots;
    expect(shell?.children.map((c) => c.pid)).toEqual([11, 12]);
    expect(shell?.exit).toEqual({ t: 7, code: null, signal: 'SIGKILL' });
    const python = shell?.children[1];
    expect(python?.execs.map((e) => e.path)).toEqual(['/usr/bin/python3']);
    expect(python?.threads).toEqual([13]);
    expect(python?.children.map((c) => c.pid)).toEqual([14]);
    expect(shell?.children[0]?.exit?.code).toBe(3);
  });

  it('flattens parents before children and creates nodes for events of unseen processes', () => {
    const roots = buildProcessTree([
      { type: 'exit', t: 1, pid: 5, code: 0, signal: null },
      ...events,
    ]);
    expect(flattenProcessTree(roots).map((n) => n.pid)).toEqual([5, 10, 11, 12, 14, 20]);
  });
});
