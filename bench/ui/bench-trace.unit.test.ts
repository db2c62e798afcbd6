import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../app/trace/events';
import { benchTrace } from './bench-trace';

const call = (t: number, name: string): TraceEvent => ({
  type: 'syscall',
  t,
  pid: 7,
  tid: 7,
  name,
  nr: 0,
  arch: 'x86_64',
  args: ['0x1', '0x7ffd00001000', '0x0', '0x0', '0x0', '0x0'],
});
const RECORDED: TraceEvent[] = [
  { type: 'exec', t: 0, pid: 7, tid: 7, path: '/bin/true', argv: ['true'] },
  call(1, 'brk'),
  call(2, 'openat'),
  call(3, 'read'),
  { type: 'stdout', t: 4, data: 'hi\n' },
  { type: 'exit', t: 5, pid: 7, code: 0, signal: null },
];

describe('benchTrace', () => {
  it('keeps the start and the end of the recording around the repeated syscalls', () => {
    const trace = benchTrace(RECORDED, 10);
    expect(trace).toHaveLength(10);
    expect(trace[0]?.type).toBe('exec');
    expect(trace.slice(1, 8).map((e) => (e.type === 'syscall' ? e.name : e.type))).toEqual([
      'brk',
      'openat',
      'read',
      'brk',
      'openat',
      'read',
      'brk',
    ]);
    expect(trace.at(-2)?.type).toBe('stdout');
    expect(trace.at(-1)?.type).toBe('exit');
  });

  it('keeps time moving forward', () => {
    const trace = benchTrace(RECORDED, 1000);
    for (let i = 1; i < trace.length; i++) {
      expect(trace[i]!.t).toBeGreaterThanOrEqual(trace[i - 1]!.t);
    }
  });

  it('gives exactly the count asked for, even a tiny one', () => {
    expect(benchTrace(RECORDED, 1)).toHaveLength(1);
    expect(benchTrace(RECORDED, 1)[0]?.type).toBe('syscall');
    expect(benchTrace(RECORDED, 3)).toHaveLength(3);
  });

  it('refuses a recording without syscalls and a count below 1', () => {
    expect(() => benchTrace([RECORDED[0]!], 5)).toThrow(/no syscall events/);
    expect(() => benchTrace(RECORDED, 0)).toThrow(/count/);
  });
});
