import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AUDIT_ARCH, X86 } from '../../app/linux/constants';
import { syscallNumber } from '../../app/linux/syscalls';
import { TraceEvent } from '../../app/trace/events';
import { NOTIF } from '../../native-bridge/linux/seccomp-abi';
import {
  decodeSyscallRecords,
  hex64,
  NOTE_KIND,
  SyscallRecordWriter,
  transferablesOf,
} from './syscall-records';

/** A struct seccomp_notif with these arguments, as the worker's 32-bit view of it. */
function argsBuffer(values: readonly bigint[]): Uint32Array {
  const buf = Buffer.alloc(NOTIF.size);
  values.forEach((v, i) => buf.writeBigUInt64LE(v, NOTIF.args + 8 * i));
  return new Uint32Array(buf.buffer, buf.byteOffset, NOTIF.size / 4);
}

describe('syscall record batches', () => {
  it('round-trips syscall and denied events with names of every x86 ABI', () => {
    const writer = new SyscallRecordWriter(4);
    const openat = syscallNumber('x86_64', 'openat') ?? 0;
    const x32Read = syscallNumber('x32', 'read') ?? 0;
    const i386Open = syscallNumber('i386', 'open') ?? 0;
    const base = { pid: 10, tid: 11, denied: false, action: 'kill-process' };
    const x86 = AUDIT_ARCH.AUDIT_ARCH_X86_64;
    writer.add({ ...base, t: 1.5, nr: openat, arch: x86 }, argsBuffer([1n, 2n ** 64n - 1n]));
    writer.add(
      { ...base, t: 2, nr: x32Read, arch: x86, denied: true, action: 'errno EACCES' },
      argsBuffer([]),
    );
    writer.add({ ...base, t: 3, nr: i386Open, arch: AUDIT_ARCH.AUDIT_ARCH_I386 }, argsBuffer([]));
    writer.add({ ...base, t: 4, nr: 9999, arch: 0x1234 }, argsBuffer([]));
    expect(writer.full).toBe(true);
    const batch = writer.take();
    expect(writer.length).toBe(0);
    expect(batch.labels).toEqual(['kill-process', 'errno EACCES']);
    const events = decodeSyscallRecords(batch);
    for (const event of events) expect(() => TraceEvent.parse(event)).not.toThrow();
    expect(events[0]).toEqual({
      type: 'syscall',
      t: 1.5,
      pid: 10,
      tid: 11,
      name: 'openat',
      nr: openat,
      arch: 'x86_64',
      args: ['0x1', '0xffffffffffffffff', '0x0', '0x0', '0x0', '0x0'],
      action: 'kill-process',
    });
    expect(events[1]).toMatchObject({
      type: 'denied',
      name: 'read',
      arch: 'x32',
      action: 'errno EACCES',
    });
    expect(x32Read & X86.__X32_SYSCALL_BIT).not.toBe(0);
    expect(events[2]).toMatchObject({ name: 'open', arch: 'i386' });
    expect(events[3]).toMatchObject({ name: 'nr_9999', arch: '0x1234' });
  });

  it('starts each batch with fresh buffers and labels', () => {
    const writer = new SyscallRecordWriter(2);
    writer.add(
      {
        t: 0,
        pid: 1,
        tid: 1,
        nr: 0,
        arch: AUDIT_ARCH.AUDIT_ARCH_X86_64,
        denied: false,
        action: 'a',
      },
      argsBuffer([]),
    );
    const first = writer.take();
    writer.add(
      {
        t: 0,
        pid: 1,
        tid: 1,
        nr: 0,
        arch: AUDIT_ARCH.AUDIT_ARCH_X86_64,
        denied: false,
        action: 'b',
      },
      argsBuffer([]),
    );
    const second = writer.take();
    expect(first.meta.buffer).not.toBe(second.meta.buffer);
    expect(decodeSyscallRecords(first)[0]).toMatchObject({ action: 'a' });
    expect(decodeSyscallRecords(second)[0]).toMatchObject({ action: 'b' });
  });

  const record = (t: number) => ({
    t,
    pid: 1,
    tid: 1,
    nr: syscallNumber('x86_64', 'openat') ?? 0,
    arch: AUDIT_ARCH.AUDIT_ARCH_X86_64,
    denied: false,
    action: 'kill-process',
  });

  it('attaches strings and descriptor targets to their records, decoded as UTF-8', () => {
    const writer = new SyscallRecordWriter(8);
    writer.add(record(1), argsBuffer([]));
    writer.add(record(2), argsBuffer([]));
    const path = Buffer.from('xx/tmp/é ü.txt\0', 'utf8');
    writer.noteBytes(1, NOTE_KIND.string, path, 2, path.indexOf(0));
    writer.noteString(0, NOTE_KIND.fd, '/home/ünï');
    writer.add(record(3), argsBuffer([]));
    const events = decodeSyscallRecords(writer.take());
    expect(events[0]).not.toHaveProperty('strings');
    expect(events[0]).not.toHaveProperty('fds');
    expect(events[1]).toMatchObject({
      strings: { '1': '/tmp/é ü.txt' },
      fds: { '0': '/home/ünï' },
    });
    expect(events[2]).not.toHaveProperty('strings');
    for (const event of events) expect(() => TraceEvent.parse(event)).not.toThrow();
  });

  it('takes back the notes of a record whose notification went stale', () => {
    const writer = new SyscallRecordWriter(4);
    writer.add(record(1), argsBuffer([]));
    writer.noteString(1, NOTE_KIND.string, '/kept');
    writer.add(record(2), argsBuffer([]));
    const mark = writer.noteMark;
    writer.noteString(1, NOTE_KIND.string, '/dropped');
    writer.noteString(0, NOTE_KIND.fd, 'pipe:[1]');
    writer.dropNotesFrom(mark);
    writer.noteString(1, NOTE_KIND.string, '/after');
    const batch = writer.take();
    expect(batch.noteCount).toBe(2);
    const events = decodeSyscallRecords(batch);
    expect(events[0]).toMatchObject({ strings: { '1': '/kept' } });
    expect(events[1]).toMatchObject({ strings: { '1': '/after' } });
    expect(events[1]).not.toHaveProperty('fds');
  });

  it('grows for long and many texts, and is full once its texts are large', () => {
    const writer = new SyscallRecordWriter(512);
    const long = 'a'.repeat(4096);
    // 10 × 6 texts of 4 KB: 240 KB, over the first buffer's 64 KB, under the 256 KB limit.
    for (let i = 0; i < 10; i++) {
      writer.add(record(i), argsBuffer([BigInt(i)]));
      for (let arg = 0; arg < 6; arg++) writer.noteString(arg, NOTE_KIND.string, `${long}${i}`);
    }
    expect(writer.full).toBe(false);
    for (let i = 10; i < 80 && !writer.full; i++) {
      writer.add(record(i), argsBuffer([]));
      writer.noteString(0, NOTE_KIND.string, long);
    }
    expect(writer.full).toBe(true);
    const batch = writer.take();
    const events = decodeSyscallRecords(batch);
    expect(events.length).toBeLessThan(80);
    expect(events[9]).toMatchObject({ args: ['0x9', '0x0', '0x0', '0x0', '0x0', '0x0'] });
    expect(events[9]?.type === 'syscall' && events[9].strings?.['5']).toBe(`${long}9`);
    expect(transferablesOf(batch)).toHaveLength(4);
  });

  it('ignores notes when there is no record to attach them to', () => {
    const writer = new SyscallRecordWriter(2);
    writer.noteString(0, NOTE_KIND.string, '/nowhere');
    expect(writer.take().noteCount).toBe(0);
  });
});

describe('hex64', () => {
  it('prints u64 halves as the kernel’s value, without leading zeros', () => {
    const cases: [number, number, bigint][] = [
      [0, 0, 0n],
      [3, 0, 3n],
      [0x7fffffff, 0, 0x7fffffffn],
      [0x80000000, 0, 0x80000000n],
      [0xa733a90c, 0, 0xa733a90cn],
      [0xffffffff, 0, 0xffffffffn],
      [0x0000000c, 0x7ffd, 0x7ffd0000000cn],
      [0xa733a90c, 0x7ffd, 0x7ffda733a90cn],
      [0xffffff9c, 0xffffffff, 0xffffffffffffff9cn],
      [0x00010000, 0x80000000, 0x8000000000010000n],
    ];
    for (const [low, high, value] of cases) {
      expect(hex64(low, high)).toBe(`0x${value.toString(16)}`);
    }
  });

  it('agrees with BigInt on any pair of halves', () => {
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    fc.assert(
      fc.property(u32, u32, (low, high) => {
        const value = (BigInt(high) << 32n) | BigInt(low);
        expect(hex64(low, high)).toBe(`0x${value.toString(16)}`);
      }),
    );
  });
});
