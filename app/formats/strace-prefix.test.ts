import { describe, expect, it } from 'vitest';
import { linePrefix, StraceClock, type Stamp } from './strace-prefix';

describe('linePrefix', () => {
  it('reads the thread id, the timestamp and -i, and says where the call starts', () => {
    const line = '2451  17:52:57.583391 execve("/usr/bin/sh", ["sh"], 0x7ffc /* 39 vars */) = 0';
    expect(linePrefix(line)).toEqual({
      id: 2451,
      stamp: { kind: 'clock', seconds: 17 * 3600 + 52 * 60 + 57.583391 },
      body: line.slice(22),
      bodyStart: 22,
    });
    expect(linePrefix('[pid  12] 1700000000.500000 getpid() = 12')).toMatchObject({
      id: 12,
      stamp: { kind: 'seconds', seconds: 1700000000.5 },
      body: 'getpid() = 12',
    });
    // strace -r pads its seconds; -f puts the pid first.
    expect(linePrefix('25014      0.000454 brk(NULL)           = 0x55a5bf664000')).toMatchObject({
      id: 25014,
      stamp: { kind: 'seconds', seconds: 0.000454 },
      body: 'brk(NULL)           = 0x55a5bf664000',
    });
    expect(linePrefix('     0.000000 execve("/usr/bin/true", ["true"], 0x7f) = 0')).toMatchObject({
      stamp: { kind: 'seconds', seconds: 0 },
      body: 'execve("/usr/bin/true", ["true"], 0x7f) = 0',
    });
    expect(linePrefix('17:45:16 brk(NULL) = 0x5')).toMatchObject({
      stamp: { kind: 'clock', seconds: 17 * 3600 + 45 * 60 + 16 },
    });
    expect(linePrefix('[00007f2d7d0b1e1b] getpid() = 7')).toEqual({
      body: 'getpid() = 7',
      bodyStart: 19,
    });
    expect(linePrefix('getpid() = 7')).toEqual({ body: 'getpid() = 7', bodyStart: 0 });
  });
});

function times(stamps: (Stamp | undefined)[]): number[] {
  const clock = new StraceClock();
  return stamps.map((s) => clock.at(s));
}
const clock = (seconds: number): Stamp => ({ kind: 'clock', seconds });
const seconds = (value: number): Stamp => ({ kind: 'seconds', seconds: value });

describe('StraceClock', () => {
  it('counts -t/-tt and -ttt times from the first line, in milliseconds to the microsecond', () => {
    expect(times([clock(100.25), clock(100.2500013), undefined, clock(101)])).toEqual([
      0, 0.001, 0.001, 750,
    ]);
    expect(times([seconds(1795455916.832806), seconds(1795455916.833166)])).toEqual([0, 0.36]);
    expect(times([undefined, undefined])).toEqual([0, 0]);
  });

  it('adds up -r times, which count from the line before', () => {
    expect(times([seconds(0), seconds(0.000454), seconds(0.000303), undefined])).toEqual([
      0, 0.454, 0.757, 0.757,
    ]);
    // A log cut at the start: its first line is still the start of the trace.
    expect(times([seconds(0.5), seconds(0.25)])).toEqual([0, 250]);
  });

  it('goes on past midnight with -tt', () => {
    const day = 86_400;
    expect(times([clock(day - 1), clock(day - 0.5), clock(0.5), clock(1)])).toEqual([
      0, 500, 1500, 2000,
    ]);
  });
});
