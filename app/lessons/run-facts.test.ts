import { describe, expect, it } from 'vitest';
import type { DeniedEvent, TraceEvent } from '../trace/events';
import { deniedArg, parseMask, RunFacts, stdoutLines } from './run-facts';

const chunk = (data: string, t = 1): TraceEvent => ({ type: 'stdout', t, data });

describe('stdoutLines', () => {
  it('joins chunks that split lines and keeps a last line without its newline', () => {
    const events = [chunk('[ONE] fir'), chunk('st\n[TWO] sec'), chunk('ond\n[THREE] killed here')];
    expect(stdoutLines(events)).toEqual(['[ONE] first', '[TWO] second', '[THREE] killed here']);
  });

  it('leaves stderr out', () => {
    const stderr: TraceEvent = { type: 'stderr', t: 1, data: '[NOT] a marker\n' };
    expect(stdoutLines([stderr, chunk('[YES] one\n')])).toEqual(['[YES] one']);
  });
});

describe('RunFacts', () => {
  const events: TraceEvent[] = [
    { type: 'exec', t: 0, pid: 7, tid: 7, path: '/p', argv: ['/p'] },
    chunk('plain text\n[WORK] a\n[WORK] b\n[lower] not a marker\n[BLOCKED]\n'),
    { type: 'error', t: 1, message: 'best effort', severity: 'warning' },
    { type: 'error', t: 2, message: 'failed', layer: 'landlock' },
    { type: 'exit', t: 3, pid: 7, code: null, signal: 'SIGSYS' },
  ];
  const facts = new RunFacts(events);

  it('reads the [TAG] markers of stdout, in order', () => {
    expect(facts.markers).toEqual([
      { tag: 'WORK', text: 'a' },
      { tag: 'WORK', text: 'b' },
      { tag: 'BLOCKED', text: '' },
    ]);
    expect(facts.all('WORK')).toEqual(['a', 'b']);
    expect(facts.first('WORK')).toBe('a');
    expect(facts.has('BLOCKED')).toBe(true);
    expect(facts.has('lower')).toBe(false);
  });

  it('separates errors from warnings and describes the exit', () => {
    expect(facts.errors.map((e) => e.message)).toEqual(['failed']);
    expect(facts.warnings.map((e) => e.message)).toEqual(['best effort']);
    expect(facts.killed).toBe(true);
    expect(facts.exitedZero).toBe(false);
    expect(facts.describeExit()).toBe('was killed by SIGSYS');
    expect(new RunFacts([]).describeExit()).toBe('did not report an exit');
  });
});

describe('deniedArg and parseMask', () => {
  const denial: DeniedEvent = {
    type: 'denied',
    t: 0,
    pid: 1,
    tid: 1,
    name: 'mmap',
    nr: 9,
    arch: 'x86_64',
    args: ['0x0', '0x1000', '0x7', '0x22', '0xffffffffffffffff', '0x0'],
    action: 'errno EPERM',
  };

  it('reads arguments as 64-bit numbers, and nothing from an audit record', () => {
    expect(deniedArg(denial, 2)).toBe(7n);
    expect(deniedArg(denial, 4)).toBe(0xffffffffffffffffn);
    expect(deniedArg({ ...denial, args: [] }, 2)).toBeUndefined();
    expect(deniedArg({ ...denial, args: ['junk', '', '', '', '', ''] }, 0)).toBeUndefined();
  });

  it('reads /proc capability masks', () => {
    expect(parseMask('0000000000000400')).toBe(0x400n);
    expect(parseMask('000001fffeffffff')).toBe(0x1fffeffffffn);
    expect(parseMask('xyz')).toBeUndefined();
    expect(parseMask(undefined)).toBeUndefined();
  });
});
