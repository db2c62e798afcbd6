import { describe, expect, it } from 'vitest';
import { AUDIT_ARCH, X86 } from '../../app/linux/constants';
import { syscallNumber } from '../../app/linux/syscalls';
import { TraceEvent } from '../../app/trace/events';
import { decodeSyscallRecords, SyscallRecordWriter } from './syscall-records';

function argsBuffer(values: readonly bigint[]): Buffer {
  const buf = Buffer.alloc(8 + 48);
  values.forEach((v, i) => buf.writeBigUInt64LE(v, 8 + 8 * i));
  return buf;
}

describe('syscall record batches', () => {
  it('round-trips syscall and denied events with names of every x86 ABI', () => {
    const writer = new SyscallRecordWriter(4);
    const openat = syscallNumber('x86_64', 'openat') ?? 0;
    const x32Read = syscallNumber('x32', 'read') ?? 0;
    const i386Open = syscallNumber('i386', 'open') ?? 0;
    const base = { pid: 10, tid: 11, denied: false, action: 'kill-process' };
    const x86 = AUDIT_ARCH.AUDIT_ARCH_X86_64;
    writer.add({ ...base, t: 1.5, nr: openat, arch: x86 }, argsBuffer([1n, 2n ** 64n - 1n]), 8);
    writer.add(
      { ...base, t: 2, nr: x32Read, arch: x86, denied: true, action: 'errno EACCES' },
      argsBuffer([]),
      8,
    );
    writer.add(
      { ...base, t: 3, nr: i386Open, arch: AUDIT_ARCH.AUDIT_ARCH_I386 },
      argsBuffer([]),
      8,
    );
    writer.add({ ...base, t: 4, nr: 9999, arch: 0x1234 }, argsBuffer([]), 8);
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
      8,
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
      8,
    );
    const second = writer.take();
    expect(first.meta.buffer).not.toBe(second.meta.buffer);
    expect(decodeSyscallRecords(first)[0]).toMatchObject({ action: 'a' });
    expect(decodeSyscallRecords(second)[0]).toMatchObject({ action: 'b' });
  });
});
