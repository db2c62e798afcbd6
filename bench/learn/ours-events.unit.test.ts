import { describe, expect, it } from 'vitest';
import { countOursEvents } from './ours-events';

const syscall = (nr: number) =>
  JSON.stringify({
    type: 'syscall',
    t: 1.5,
    pid: 10,
    tid: 10,
    name: 'read',
    nr,
    arch: 'x86_64',
    args: ['0x0', '0x1', '0x2', '0x0', '0x0', '0x0'],
    action: 'kill-process',
  });
const exec = JSON.stringify({
  type: 'exec',
  t: 0.1,
  pid: 10,
  tid: 10,
  path: '/bin/true',
  argv: [],
});
const exit = (code: number | null, signal: string | null) =>
  JSON.stringify({ type: 'exit', t: 2, pid: 10, code, signal });

describe('countOursEvents', () => {
  it('counts syscall events only, and reads the exit', () => {
    const text = [exec, syscall(0), syscall(1), syscall(0), exit(0, null), ''].join('\n');
    expect(countOursEvents(text)).toEqual({ syscalls: 3, exit: { code: 0, signal: null } });
  });

  it('reports a death by signal', () => {
    expect(countOursEvents([syscall(62), exit(null, 'SIGKILL')].join('\n'))).toEqual({
      syscalls: 1,
      exit: { code: null, signal: 'SIGKILL' },
    });
  });

  it('has no exit when the run printed none', () => {
    expect(countOursEvents(`${syscall(0)}\n\n`)).toEqual({ syscalls: 1 });
    expect(countOursEvents('')).toEqual({ syscalls: 0 });
  });

  it('rejects a line that is not a JSON event, with its line number', () => {
    expect(() => countOursEvents(`${syscall(0)}\nhello`)).toThrow(/line 2 is not JSON: hello/);
    expect(() => countOursEvents('{"type":"syscall"}')).toThrow(/line 1 is not a trace event/);
  });
});
