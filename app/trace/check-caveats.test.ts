import { describe, expect, it } from 'vitest';
import { checkModeCaveats } from './check-caveats';
import { summarizeRun } from './verdict';

describe('checkModeCaveats', () => {
  it('names the differences for the actions a check run used, once each', () => {
    const caveats = checkModeCaveats('check', ['trap 7', 'kill-thread', 'trap', 'errno EPERM']);
    expect(caveats).toHaveLength(2);
    expect(caveats[0]).toMatch(/^kill-thread in check mode/);
    expect(caveats[1]).toMatch(/^trap in check mode/);
  });

  it('says nothing for errno (emulated exactly) nor outside check mode', () => {
    expect(checkModeCaveats('check', ['errno EACCES', 'trace 1'])).toEqual([]);
    expect(checkModeCaveats('enforce', ['kill-process'])).toEqual([]);
    expect(checkModeCaveats('learn', ['log'])).toEqual([]);
  });

  it('appear in the check verdict details', () => {
    const verdict = summarizeRun('check', [
      { type: 'exec', t: 0, pid: 1, tid: 1, path: '/bin/x', argv: ['x'] },
      {
        type: 'denied',
        t: 1,
        pid: 1,
        tid: 1,
        name: 'getpid',
        nr: 39,
        arch: 'x86_64',
        args: ['0x0', '0x0', '0x0', '0x0', '0x0', '0x0'],
        action: 'kill-process',
      },
      { type: 'exit', t: 2, pid: 1, code: null, signal: 'SIGSYS' },
    ]);
    expect(verdict.details.at(-1)).toMatch(/^kill-process in check mode/);
  });
});
