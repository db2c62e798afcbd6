import { describe, expect, it } from 'vitest';
import { TraceEvent } from '../trace/events';
import { FormatError, lineRange } from './format-result';
import { MAX_WARNING_EVENTS, straceRun, warningEvents } from './strace-trace';

// `strace -f -tt -o FILE sh -c 'true & wait'`, abridged: the parent's wait4 is split by the
// child's calls, so the log is not in the order the calls started.
const LOG = `100   10:00:00.000000 execve("/usr/bin/sh", ["sh", "-c", "true & wait"], 0x7ffd /* 3 vars */) = 0
100   10:00:00.001000 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 101
100   10:00:00.002000 wait4(-1,  <unfinished ...>
101   10:00:00.003000 execve("/usr/bin/true", ["true"], 0x55 /* 3 vars */) = 0
101   10:00:00.004000 exit_group(0)     = ?
101   10:00:00.004100 +++ exited with 0 +++
100   10:00:00.004200 <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 101
100   10:00:00.005000 exit_group(0)     = ?
100   10:00:00.005100 +++ exited with 0 +++
`;

describe('straceRun', () => {
  const run = straceRun(LOG);

  it('gives valid trace events in the order the calls started', () => {
    for (const event of run.events) expect(TraceEvent.safeParse(event).success).toBe(true);
    const times = run.events.map((e) => e.t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const calls = run.events.filter((e) => e.type === 'syscall').map((e) => `${e.pid}:${e.name}`);
    expect(calls).toEqual([
      '100:execve',
      '100:clone',
      '100:wait4',
      '101:execve',
      '101:exit_group',
      '100:exit_group',
    ]);
  });

  it('keeps the log order for calls that started at the same time', () => {
    const types = run.events.filter((e) => e.t === 0).map((e) => e.type);
    // The exec event follows its execve call.
    expect(types).toEqual(['syscall', 'exec']);
  });

  it('names the command of the first exec, with its path', () => {
    expect(run.command).toEqual(['/usr/bin/sh', '-c', 'true & wait']);
    expect(run.warnings).toEqual([]);
  });

  it('has no command when the log shows no exec (strace -p)', () => {
    expect(straceRun('7 getpid() = 7\n').command).toEqual([]);
  });

  it('passes the arch on and reports malformed lines at their place', () => {
    expect(straceRun('7 getpid() = 7\n', { arch: 'aarch64' }).events[0]).toMatchObject({
      arch: 'aarch64',
      nr: 172,
    });
    let error: unknown;
    try {
      straceRun('7 getpid() = 7\nnonsense here\n');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).range?.start).toMatchObject({ line: 2, column: 1 });
  });
});

describe('warningEvents', () => {
  const text = 'a\nb\nc\n';

  it('turns warnings into warning events at the start, with FILE:LINE:COL', () => {
    const events = warningEvents('t.log', [
      { message: 'read resumed without its start', range: lineRange(text, 2) },
      { message: 'no place' },
    ]);
    expect(events).toEqual([
      {
        type: 'error',
        t: 0,
        severity: 'warning',
        message: 't.log:2:1: read resumed without its start',
      },
      { type: 'error', t: 0, severity: 'warning', message: 't.log: no place' },
    ]);
  });

  it('keeps at most MAX_WARNING_EVENTS and says how many it left out', () => {
    const many = Array.from({ length: MAX_WARNING_EVENTS + 3 }, (_, i) => ({ message: `w${i}` }));
    const events = warningEvents('t.log', many);
    expect(events).toHaveLength(MAX_WARNING_EVENTS + 1);
    expect(events.at(-1)?.message).toBe('t.log: 3 more warnings not shown');
    expect(warningEvents('t.log', many.slice(0, MAX_WARNING_EVENTS + 1)).at(-1)?.message).toBe(
      't.log: 1 more warning not shown',
    );
  });

  it('counts the warnings a streamed import did not keep', () => {
    const kept = [{ message: 'w0' }, { message: 'w1' }];
    expect(warningEvents('t.log', kept, 250).map((e) => e.message)).toEqual([
      't.log: w0',
      't.log: w1',
      't.log: 248 more warnings not shown',
    ]);
  });
});
