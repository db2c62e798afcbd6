import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TraceEvent, type SyscallEvent } from '../trace/events';
import { FormatError, type FormatWarning } from './format-result';
import { MAX_LINE_CHARS, StraceLogReader, type StraceReadOptions } from './strace-reader';
import { Y_TT_LOG, YY_LOG } from './strace-test-samples';

function readPieces(pieces: readonly string[], options: StraceReadOptions = {}) {
  const events: TraceEvent[] = [];
  const warnings: FormatWarning[] = [];
  const reader = new StraceLogReader(
    { event: (e) => events.push(e), warning: (w) => warnings.push(w) },
    options,
  );
  for (const piece of pieces) reader.push(piece);
  reader.end();
  return { events, warnings, reader };
}

const calls = (events: readonly TraceEvent[], name: string) =>
  events.filter((e): e is SyscallEvent => e.type === 'syscall' && e.name === name);

describe('StraceLogReader on strace -f -y -tt output', () => {
  const { events, warnings } = readPieces([Y_TT_LOG]);

  it('gives valid events and no warnings', () => {
    expect(warnings).toEqual([]);
    for (const event of events) expect(TraceEvent.parse(event)).toEqual(event);
  });

  it('keeps path strings and what fds referred to, keyed by argument index', () => {
    expect(calls(events, 'access')[0]).toMatchObject({
      args: ['0x0', '0x4', '0x0', '0x0', '0x0', '0x0'],
      strings: { '0': '/etc/ld.so.preload' },
    });
    const [cache, , hostname] = calls(events, 'openat');
    expect(cache).toMatchObject({
      args: ['0xffffffffffffff9c', '0x0', '0x80000', '0x0', '0x0', '0x0'],
      strings: { '1': '/etc/ld.so.cache' },
      fds: { '0': '/tmp/s2' },
    });
    expect(hostname?.strings).toEqual({ '1': '/etc/hostname' });
    expect(calls(events, 'newfstatat')[0]).toMatchObject({
      args: ['0x3', '0x0', '0x0', '0x1000', '0x0', '0x0'],
      strings: { '1': '' },
      fds: { '0': '/etc/hostname' },
    });
    expect(calls(events, 'fadvise64')[0]?.args[3]).toBe('0x2');
    // Buffers are data, not names: read(2)'s and write(2)'s are not kept, as in a live run.
    const [read] = calls(events, 'read');
    expect(read).toMatchObject({ args: ['0x3', '0x0', '0x20000', '0x0', '0x0', '0x0'] });
    expect(read?.strings).toBeUndefined();
    expect(read?.fds).toEqual({ '0': '/etc/hostname' });
    expect(calls(events, 'write')[0]).toMatchObject({ fds: { '0': '/dev/null' } });
    expect(calls(events, 'write')[0]?.strings).toBeUndefined();
    expect(calls(events, 'dup2')[0]).toMatchObject({
      args: ['0x3', '0x1', '0x0', '0x0', '0x0', '0x0'],
      fds: { '0': '/dev/null' },
    });
    expect(calls(events, 'close')[0]?.fds).toEqual({
      '0': '/tmp/bash_jobs.0/7e0365219757/stdout',
    });
    expect(calls(events, 'execve')[1]?.strings).toEqual({ '0': '/usr/bin/cat' });
  });

  it('joins split calls at the time they started, and times lines from the first', () => {
    const [split] = calls(events, 'wait4');
    expect(split).toMatchObject({
      t: 2.975,
      args: ['0xffffffffffffffff', '0x7fff433bf18c', '0x1', '0x0', '0x0', '0x0'],
    });
    expect(events.at(-1)).toEqual({ type: 'exit', t: 13.801, pid: 2451, code: 3, signal: null });
    expect(events.filter((e) => e.type === 'exec').map((e) => e.type === 'exec' && e.argv)).toEqual(
      [
        ['sh', '-c', 'cat /etc/hostname > /dev/null & '],
        ['cat', '/etc/hostname'],
      ],
    );
  });
});

describe('StraceLogReader on strace -f -yy output', () => {
  const { events, warnings } = readPieces([YY_LOG]);

  it('evaluates socket and eventfd constants and keeps socket, pipe and device targets', () => {
    expect(warnings).toEqual([]);
    const [tcp, tcp2, unix] = calls(events, 'socket');
    expect(tcp?.args.slice(0, 3)).toEqual(['0x2', '0x80001', '0x0']);
    expect(tcp2?.args[2]).toBe('0x6');
    expect(unix?.args.slice(0, 3)).toEqual(['0x1', '0x80001', '0x0']);
    expect(calls(events, 'bind')[0]?.fds).toEqual({ '0': 'TCP:[1621911]' });
    expect(calls(events, 'listen')[0]?.fds).toEqual({ '0': 'TCP:[127.0.0.1:37291]' });
    expect(calls(events, 'eventfd2')[0]?.args[1]).toBe('0x80000');
    expect(calls(events, 'pidfd_open')[0]?.fds).toBeUndefined();
    expect(calls(events, 'dup2')[0]?.fds).toEqual({ '0': '/dev/null' });
    expect(calls(events, 'ioctl').map((e) => e.fds?.['0'])).toEqual([
      '/tmp/s2/a<b>cé d',
      '/dev/null',
    ]);
  });

  it('decodes escaped bytes of paths as UTF-8', () => {
    const file = calls(events, 'openat').find((e) => e.strings?.['1']?.startsWith('/tmp/s2/a'));
    expect(file?.strings).toEqual({ '1': '/tmp/s2/a<b>cé d' });
    expect(file?.args[3]).toBe('0x1b6');
  });
});

describe('StraceLogReader, a piece at a time', () => {
  it('reads a log cut anywhere as it reads it whole', () => {
    const text = `${Y_TT_LOG}${YY_LOG.replaceAll('\n', '\r\n')}2 getpid() = 2`;
    const whole = readPieces([text]);
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(text.length), { maxLength: 12 }), (cuts) => {
        const at = [0, ...[...cuts].sort((a, b) => a - b), text.length];
        const pieces = at.slice(1).map((end, i) => text.slice(at[i], end));
        const read = readPieces(pieces);
        expect(read.events).toEqual(whole.events);
        expect(read.warnings).toEqual(whole.warnings);
      }),
      { numRuns: 60 },
    );
    expect(whole.reader.lines).toBe(text.split('\n').length);
  });

  it('refuses a line longer than MAX_LINE_CHARS without holding more', () => {
    const reader = new StraceLogReader({ event: () => undefined, warning: () => undefined });
    reader.push('1 getpid() = 1\n');
    const piece = 'x'.repeat(1024 * 1024);
    let error: unknown;
    try {
      for (let sent = 0; sent <= MAX_LINE_CHARS; sent += piece.length) reader.push(piece);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).message).toMatch(/longer than \d+ characters/);
    expect((error as FormatError).range?.start).toMatchObject({ line: 2, column: 1, offset: 15 });
  });
});

describe('StraceLogReader warnings', () => {
  const log = [
    '1 access("/a", R_OK|BOGUS_ONE) = 0',
    '1 access("/b", BOGUS_ONE) = 0',
    '2 ioctl(3, _IOC(_IOC_READ, 0x54, 0x2a, 0x2c) <unfinished ...>',
    '1 getpid() = 1',
    '2 <... ioctl resumed>, WEIRD_TWO) = 0',
    '1 frobnicate(1) = 0',
    '1 frobnicate(2) = 0',
    '',
  ].join('\n');
  const lines = log.split('\n');
  const at = (line: number, text: string) => {
    const column = lines[line - 1]!.indexOf(text) + 1;
    const offset = lines.slice(0, line - 1).join('\n').length + (line > 1 ? 1 : 0) + column - 1;
    return { line, column, offset };
  };

  it('reports each unknown name once, at its first place, even in a resumed call', () => {
    const { warnings, events } = readPieces([log]);
    expect(warnings.map((w) => [w.message, w.range?.start])).toEqual([
      [
        'unknown constant BOGUS_ONE (argument 1 of access, x86_64): counted as 0 in the trace (reported once)',
        at(1, 'BOGUS_ONE'),
      ],
      [
        '_IOC(…) (argument 1 of ioctl) is no value the studio can evaluate: 0 in the trace (reported once)',
        at(3, '_IOC'),
      ],
      [
        'unknown constant WEIRD_TWO (argument 2 of ioctl, x86_64): counted as 0 in the trace (reported once)',
        at(5, 'WEIRD_TWO'),
      ],
      ['frobnicate is not a syscall of x86_64: left out of the trace (reported once)', at(6, '1')],
    ]);
    expect(warnings[0]?.range?.end).toMatchObject({ column: at(1, 'BOGUS_ONE').column + 9 });
    // The known part of a flag set stays.
    expect(calls(events, 'access').map((e) => e.args[1])).toEqual(['0x4', '0x0']);
  });

  it('reads only names when asked not to decode arguments', () => {
    const { warnings, events } = readPieces([log], { decodeArguments: false });
    expect(warnings.map((w) => w.message)).toEqual([
      'frobnicate is not a syscall of x86_64: left out of the trace (reported once)',
    ]);
    expect(calls(events, 'access')[0]).toMatchObject({ args: Array(6).fill('0x0') });
    expect(calls(events, 'access')[0]?.strings).toBeUndefined();
  });
});

describe('StraceLogReader process lines', () => {
  it('reads a thread superseded by its execve as no exit', () => {
    const { events } = readPieces([
      '5 clone(child_stack=0x7f, flags=CLONE_VM|CLONE_THREAD|CLONE_SIGHAND) = 6\n',
      '6 execve("/bin/true", ["true"], 0x7f /* 1 var */) = 0\n',
      '6 +++ superseded by execve in pid 5 +++\n',
      '5 exit_group(0) = ?\n5 +++ exited with 0 +++\n',
    ]);
    expect(events.filter((e) => e.type === 'exit')).toEqual([
      { type: 'exit', t: 0, pid: 5, code: 0, signal: null },
    ]);
    expect(events.find((e) => e.type === 'exec')).toMatchObject({ pid: 5, tid: 5 });
  });
});
