import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../app/trace/events';
import { narrowingsFor, valueText } from './narrowing';
import { ArgumentTally, observedArguments } from './observed-arguments';

function call(name: string, args: readonly (number | bigint)[], type = 'syscall'): TraceEvent {
  const hex = [0, 1, 2, 3, 4, 5].map(
    (i) => `0x${BigInt.asUintN(64, BigInt(args[i] ?? 0)).toString(16)}`,
  );
  return { type, t: 0, pid: 1, tid: 1, name, nr: 0, arch: 'x86_64', args: hex } as TraceEvent;
}

describe('observedArguments', () => {
  it('collects distinct values per argument of syscall and denied events', () => {
    const observed = observedArguments([
      call('ioctl', [1, 0x5401]),
      call('ioctl', [2, 0x5401]),
      call('ioctl', [1, 0x541b], 'denied'),
      { type: 'stdout', t: 0, data: 'x' },
      {
        type: 'denied',
        t: 0,
        pid: 1,
        tid: 1,
        name: 'ioctl',
        nr: 16,
        arch: 'x86_64',
        args: [],
        action: 'kill-process',
        source: 'audit',
      },
    ]);
    const ioctl = observed.get('ioctl')!;
    expect(ioctl.calls).toBe(3);
    expect([...ioctl.values[0]!]).toEqual([1n, 2n]);
    expect([...ioctl.values[1]!]).toEqual([0x5401n, 0x541bn]);
    expect([...ioctl.values[5]!]).toEqual([0n]);
  });

  it('gives up on arguments with more values than the limit', () => {
    const events = [1, 2, 3, 4].map((n) => call('write', [1, n]));
    const write = observedArguments(events, 3).get('write')!;
    expect(write.values[1]).toBeNull();
    expect([...write.values[0]!]).toEqual([1n]);
  });

  it('reads values as unsigned 64-bit', () => {
    const observed = observedArguments([call('openat', [-100n])]);
    expect([...observed.get('openat')!.values[0]!]).toEqual([0xffffffffffffff9cn]);
  });
});

describe('valueText', () => {
  it('names a value only when one constant has it on every arch', () => {
    expect(valueText(0x5401n, ['x86_64'])).toBe('TCGETS');
    expect(valueText(0x5401n, ['x86_64', 'aarch64'])).toBe('TCGETS');
    expect(valueText(1n, ['x86_64'])).toBe('1');
    expect(valueText(0x12345678n, ['x86_64'])).toBe('0x12345678');
    expect(valueText(BigInt.asUintN(64, -100n), ['x86_64'])).toMatch(
      /^(AT_FDCWD|0xffffffffffffff9c)$/,
    );
  });
});

describe('narrowingsFor', () => {
  it('proposes the selecting argument of ioctl with its observed values', () => {
    const observed = observedArguments([call('ioctl', [1, 0x5401]), call('ioctl', [3, 0x5401])]);
    expect(narrowingsFor('ioctl', observed.get('ioctl')!, ['x86_64'])).toEqual([
      {
        syscall: 'ioctl',
        arg: 1,
        param: 'unsigned long request',
        values: [0x5401n],
        condition: 'arg1 == TCGETS',
      },
    ]);
  });

  it('lists several values as a set, and skips addresses', () => {
    const observed = observedArguments([
      call('mmap', [0x7f0000, 4096, 3, 0x22, 0xffffffff, 0]),
      call('mmap', [0x7f1000, 8192, 1, 0x22, 0xffffffff, 0]),
    ]);
    const proposals = narrowingsFor('mmap', observed.get('mmap')!, ['x86_64']);
    expect(proposals.map((p) => p.condition)).toEqual(['arg3 == 0x22', 'arg2 in {1, 3}']);
    expect(proposals.every((p) => p.arg !== 0)).toBe(true);
  });

  it('falls back to other arguments when none selects, and knows nothing of undocumented calls', () => {
    const observed = observedArguments([call('close', [3]), call('io_uring_setup', [1])]);
    expect(narrowingsFor('close', observed.get('close')!, ['x86_64'])[0]?.condition).toBe(
      'arg0 == 3',
    );
    expect(narrowingsFor('io_uring_setup', observed.get('io_uring_setup')!, ['x86_64'])).toEqual(
      [],
    );
  });
});

describe('ArgumentTally', () => {
  it('adds events as they come, to the same live result', () => {
    const tally = new ArgumentTally();
    tally.add(call('ioctl', [1, 0x5401]));
    const observed = tally.observed;
    expect(observed.get('ioctl')?.calls).toBe(1);
    tally.add(call('ioctl', [1, 0x541b]));
    tally.add({ type: 'exit', t: 0, pid: 1, code: 0, signal: null });
    expect(observed.get('ioctl')?.calls).toBe(2);
    expect([...observed.get('ioctl')!.values[1]!]).toEqual([0x5401n, 0x541bn]);
  });
});
