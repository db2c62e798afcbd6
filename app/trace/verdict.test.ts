import { describe, expect, it } from 'vitest';
import type { TraceEvent } from './events';
import { describeExit, firstProcessExit, summarizeRun, tallySyscalls } from './verdict';

const ARGS = ['0x0', '0x0', '0x0', '0x0', '0x0', '0x0'];

function exec(pid: number, t = 0): TraceEvent {
  return { type: 'exec', t, pid, tid: pid, path: '/bin/prog', argv: ['prog'] };
}
function syscall(name: string, pid = 100, nr = 1): TraceEvent {
  return { type: 'syscall', t: 1, pid, tid: pid, name, nr, arch: 'x86_64', args: ARGS };
}
function denied(name: string, action: string, pid = 100): TraceEvent {
  return { type: 'denied', t: 2, pid, tid: pid, name, nr: 2, arch: 'x86_64', args: ARGS, action };
}
function exit(pid: number, code: number | null, signal: string | null = null): TraceEvent {
  return { type: 'exit', t: 3, pid, code, signal };
}
function error(message: string, layer?: string): TraceEvent {
  return { type: 'error', t: 0, message, ...(layer ? { layer } : {}) };
}

describe('summarizeRun in check mode', () => {
  it('is clean when nothing was denied and the first process exited 0', () => {
    const v = summarizeRun('check', [
      exec(100),
      { type: 'stdout', t: 1, data: 'hi\n' },
      exit(100, 0),
    ]);
    expect(v.clean).toBe(true);
    expect(v.headline).toContain('ran cleanly');
    expect(v.details).toEqual(['the process exited with status 0']);
  });

  it('names the denial and the exit status for errno denials', () => {
    const v = summarizeRun('check', [exec(100), denied('openat', 'errno EACCES'), exit(100, 1)]);
    expect(v.clean).toBe(false);
    expect(v.headline).toBe('denied openat (errno EACCES); the process exited with status 1');
  });

  it('says the kill action killed the process', () => {
    const v = summarizeRun('check', [
      exec(100),
      denied('write', 'kill-process'),
      exit(100, null, 'SIGSYS'),
    ]);
    expect(v.clean).toBe(false);
    expect(v.headline).toBe('denied write (kill-process): the process was killed by SIGSYS');
  });

  it('is not clean when denied although the process exited 0', () => {
    const v = summarizeRun('check', [exec(100), denied('openat', 'errno EPERM'), exit(100, 0)]);
    expect(v.clean).toBe(false);
    expect(v.headline).toBe('denied openat (errno EPERM); the process exited with status 0');
  });

  it('lists each distinct denial with its count and pids, sorted by name', () => {
    const v = summarizeRun('check', [
      exec(100),
      denied('openat', 'errno EACCES', 100),
      denied('mkdir', 'errno EPERM', 101),
      denied('openat', 'errno EACCES', 101),
      denied('openat', 'errno EACCES', 100),
      exit(101, 0),
      exit(100, 3),
    ]);
    expect(v.headline).toBe(
      'denied openat (errno EACCES) and 1 more; the process exited with status 3',
    );
    expect(v.details).toEqual([
      'mkdir (errno EPERM): 1 time, pid 101',
      'openat (errno EACCES): 3 times, pids 100, 101',
      'the process exited with status 3',
    ]);
  });

  it('is not clean when the process exited non-zero without denials', () => {
    const v = summarizeRun('check', [exec(100), exit(100, 2)]);
    expect(v.clean).toBe(false);
    expect(v.headline).toBe('nothing was denied, but the process exited with status 2');
  });

  it('is not clean when an error event was reported', () => {
    const v = summarizeRun('check', [error('cannot apply rlimits', 'rlimits'), exit(100, 0)]);
    expect(v.clean).toBe(false);
    expect(v.headline).toBe('the run failed: cannot apply rlimits');
    expect(v.details).toContain('error: cannot apply rlimits (rlimits)');
  });

  it('is not clean when the target never started', () => {
    const v = summarizeRun('check', []);
    expect(v.clean).toBe(false);
    expect(v.headline).toBe('nothing was denied, but the target never started');
  });
});

describe('summarizeRun in learn mode', () => {
  it('reports the syscalls not yet allowed, sorted, with counts', () => {
    const v = summarizeRun('learn', [
      exec(100),
      syscall('openat'),
      syscall('close'),
      syscall('openat', 101),
      exit(100, 0),
    ]);
    expect(v.clean).toBe(false);
    expect(v.headline).toBe('learned 2 syscalls not yet allowed: close, openat');
    expect(v.details).toEqual([
      'close: 1 time, pid 100',
      'openat: 2 times, pids 100, 101',
      'the process exited with status 0',
    ]);
  });

  it('uses the singular for one syscall and shortens long lists', () => {
    expect(summarizeRun('learn', [syscall('read')]).headline).toBe(
      'learned 1 syscall not yet allowed: read',
    );
    const names = Array.from({ length: 13 }, (_, i) => `sys${String(i).padStart(2, '0')}`);
    const v = summarizeRun(
      'learn',
      names.map((n) => syscall(n)),
    );
    expect(v.headline).toBe(
      `learned 13 syscalls not yet allowed: ${names.slice(0, 10).join(', ')} and 3 more`,
    );
  });

  it('says nothing new when the policy already allows everything', () => {
    const v = summarizeRun('learn', [exec(100), exit(100, 0)]);
    expect(v.clean).toBe(true);
    expect(v.headline).toBe('nothing new: the policy already allows everything this run used');
  });

  it('reports a failed run', () => {
    const v = summarizeRun('learn', [error('launcher missing')]);
    expect(v.clean).toBe(false);
    expect(v.headline).toBe('the run failed: launcher missing');
  });
});

describe('firstProcessExit', () => {
  it("takes the exit of the first exec'd pid, not the first exit", () => {
    const events = [exec(100), exec(101), exit(101, 7), exit(100, 0)];
    expect(firstProcessExit(events)).toMatchObject({ pid: 100, code: 0 });
  });

  it('falls back to the last exit when the first pid never exits', () => {
    expect(firstProcessExit([exec(100), exit(101, 1), exit(102, 4)])).toMatchObject({ pid: 102 });
    expect(firstProcessExit([exit(5, 1)])).toMatchObject({ pid: 5 });
    expect(firstProcessExit([exec(1)])).toBeUndefined();
  });
});

describe('describeExit', () => {
  it('describes each outcome', () => {
    expect(describeExit([exec(1), exit(1, 0)])).toBe('the process exited with status 0');
    expect(describeExit([exec(1), exit(1, null, 'SIGKILL')])).toBe(
      'the process was killed by SIGKILL',
    );
    expect(describeExit([exec(1)])).toBe('the process did not report an exit');
    expect(describeExit([])).toBe('the target never started');
  });
});

describe('tallySyscalls', () => {
  it('keeps different actions of the same syscall apart', () => {
    const t = tallySyscalls(
      [denied('openat', 'errno EACCES'), denied('openat', 'kill-process'), syscall('openat')],
      'denied',
    );
    expect(t.map((x) => [x.name, x.action, x.count])).toEqual([
      ['openat', 'errno EACCES', 1],
      ['openat', 'kill-process', 1],
    ]);
  });
});
