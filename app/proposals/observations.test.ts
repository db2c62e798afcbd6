import { describe, expect, it } from 'vitest';
import { syscallNumber } from '../linux/syscalls';
import type { TraceEvent } from '../trace/events';
import { collectObservations, MAX_DISTINCT_CALLS } from './observations';
import { audited, denied, learned } from './test-events';

describe('collectObservations', () => {
  it('groups denials and learned syscalls by ABI and number, in order of first appearance', () => {
    const { syscalls, unplaced } = collectObservations([
      denied('ioctl', [1, 0x5401], { pid: 7, action: 'errno EPERM' }),
      { type: 'stdout', t: 2, data: 'hi' },
      learned('getpid', [], { pid: 8 }),
      denied('ioctl', [1, 0x5401], { pid: 9, action: 'kill-process' }),
      denied('ioctl', [2, 0x541b], { pid: 7, action: 'errno EPERM' }),
    ]);
    expect(unplaced).toEqual([]);
    expect(syscalls.map((s) => [s.name, s.count, s.calls.length])).toEqual([
      ['ioctl', 3, 2],
      ['getpid', 1, 1],
    ]);
    const ioctl = syscalls[0]!;
    expect(ioctl).toMatchObject({
      arch: 'x86_64',
      nr: syscallNumber('x86_64', 'ioctl'),
      pids: [7, 9],
      actions: ['errno EPERM', 'kill-process'],
      truncated: false,
      withoutArguments: false,
      shapedValues: [[0x5401n], [0x541bn]],
    });
    expect(ioctl.calls[1]).toEqual([2n, 0x541bn, 0n, 0n, 0n, 0n]);
    expect(syscalls[1]?.shapedValues).toBeUndefined();
  });

  it('leaves out what the policy lets run already (log), and events that are not syscalls', () => {
    const { syscalls } = collectObservations([
      learned('getpid', [], { action: 'log' }),
      { type: 'exit', t: 3, pid: 1, code: 0, signal: null },
    ]);
    expect(syscalls).toEqual([]);
  });

  it('keeps the same syscall on two ABIs apart', () => {
    const { syscalls } = collectObservations([
      denied('ioctl', [1, 0x5401]),
      denied('ioctl', [1, 0x5401], { arch: 'i386' }),
    ]);
    expect(syscalls.map((s) => `${s.arch}:${s.nr}`)).toEqual([
      `x86_64:${syscallNumber('x86_64', 'ioctl')}`,
      `i386:${syscallNumber('i386', 'ioctl')}`,
    ]);
  });

  it('marks audit records, which have no arguments', () => {
    const { syscalls } = collectObservations([audited('ptrace'), audited('ptrace')]);
    expect(syscalls[0]).toMatchObject({
      name: 'ptrace',
      count: 2,
      calls: [],
      withoutArguments: true,
    });
  });

  it('sets aside what no rule can name: unknown ABIs and numbers', () => {
    const strange: TraceEvent[] = [
      {
        ...(denied('getpid') as Extract<TraceEvent, { type: 'denied' }>),
        arch: '0x1234',
        name: 'nr_39',
      },
      {
        ...(denied('getpid') as Extract<TraceEvent, { type: 'denied' }>),
        nr: 4000,
        name: 'nr_4000',
      },
      {
        ...(denied('getpid') as Extract<TraceEvent, { type: 'denied' }>),
        nr: 4000,
        name: 'nr_4000',
      },
    ];
    const { syscalls, unplaced } = collectObservations(strange);
    expect(syscalls).toEqual([]);
    expect(unplaced.map((u) => [u.label, u.arch, u.count])).toEqual([
      ['nr_39', '0x1234', 1],
      ['nr_4000', 'x86_64', 2],
    ]);
    expect(unplaced[1]?.reason).toMatch(/not in the x86_64 table/);
  });

  it('keeps at most MAX_DISTINCT_CALLS tuples, but every distinct shaped value', () => {
    const events: TraceEvent[] = [];
    for (let i = 0; i < MAX_DISTINCT_CALLS + 10; i++) {
      events.push(denied('mmap', [0x1000 * i, 4096, i >= MAX_DISTINCT_CALLS ? 7 : 3]));
    }
    const [mmap] = collectObservations(events).syscalls;
    expect(mmap?.calls).toHaveLength(MAX_DISTINCT_CALLS);
    expect(mmap?.truncated).toBe(true);
    expect(mmap?.count).toBe(MAX_DISTINCT_CALLS + 10);
    expect(mmap?.shapedValues).toEqual([[3n], [7n]]);
  });
});
