import { describe, expect, it } from 'vitest';
import { AUDIT_ARCH } from '../linux/constants';
import type { TraceEvent } from '../trace/events';
import { ARG_WORDS } from './event-data';
import { NO_GROUP, NO_TUPLE, TraceIndex, TUPLE } from './trace-index';
import { hashTuple, TupleTable, type TupleStore } from './tuple-table';

const X86_64 = AUDIT_ARCH.AUDIT_ARCH_X86_64 >>> 0;
const args = (...values: number[]) =>
  [0, 1, 2, 3, 4, 5].map((i) => `0x${(values[i] ?? 0).toString(16)}`);

function syscall(
  nr: number,
  a: string[] = args(),
  action = 'kill-process',
  arch = 'x86_64',
): TraceEvent {
  return { type: 'syscall', t: 0, pid: 1, tid: 1, name: `nr${nr}`, nr, arch, args: a, action };
}
function audit(nr: number, action: string): TraceEvent {
  return {
    type: 'denied',
    t: 0,
    pid: 1,
    tid: 1,
    name: `nr${nr}`,
    nr,
    arch: 'x86_64',
    args: [],
    action,
    source: 'audit',
  };
}
const stdout: TraceEvent = { type: 'stdout', t: 0, data: 'hi\n' };

describe('TraceIndex', () => {
  it('gives each distinct (arch, nr, args, observed) tuple one id, in order of first sight', () => {
    const index = new TraceIndex();
    index.append([
      syscall(0, args(3, 0x1000, 10)),
      stdout,
      syscall(0, args(3, 0x1000, 10)),
      syscall(0, args(4, 0x1000, 10)),
      syscall(1, args(3, 0x1000, 10)),
      syscall(0, args(3, 0x1000, 10), 'errno EPERM'),
      syscall(0, args(3, 0x1000, 10), 'kill-process', 'i386'),
    ]);
    expect([...index.eventTuples()]).toEqual([0, NO_TUPLE, 0, 1, 2, 3, 4]);
    expect(index.eventCount).toBe(7);
    expect(index.tupleCount).toBe(5);
    expect(index.groups.map((g) => [g.nr, g.tuples])).toEqual([
      [0, [0, 1, 3]],
      [1, [2]],
      [0, [4]],
    ]);
    expect(index.groups[0]?.audit).toBe(X86_64);
    expect(index.positionInGroup(3)).toBe(2);
    expect(index.observed(index.observedIdOf(3))).toEqual({
      action: 'errno EPERM',
      kindOnly: false,
    });
    expect(index.tupleOfEvent(1)).toBe(NO_TUPLE);
    expect(index.tupleOfEvent(99)).toBe(NO_TUPLE);
  });

  it('keeps the arguments as words, low half first', () => {
    const index = new TraceIndex();
    index.appendEvent(syscall(0, ['0x1', '0xffffffff00000002', '0x0', '0x0', '0x0', '0x5']));
    expect([...index.words.subarray(0, ARG_WORDS)]).toEqual([
      1, 0, 2, 0xffffffff, 0, 0, 0, 0, 0, 0, 5, 0,
    ]);
  });

  it('tells hex spellings of the same value apart only by value', () => {
    const index = new TraceIndex();
    index.append([
      syscall(0, args(0xab)),
      syscall(0, ['0xAB', '0x00', '0x0', '0x0', '0x0', '0x0']),
    ]);
    expect(index.tupleCount).toBe(1);
  });

  it('marks audit records (no arguments) and keeps them apart from calls with zero arguments', () => {
    const index = new TraceIndex();
    index.append([audit(2, 'errno'), syscall(2, args(), 'errno'), audit(2, 'errno')]);
    expect([...index.eventTuples()]).toEqual([0, 1, 0]);
    expect(index.flagsOf(0)).toBe(TUPLE.noArgs);
    expect(index.flagsOf(1)).toBe(0);
    expect(index.observed(index.observedIdOf(0)).kindOnly).toBe(true);
    expect(index.groupOf(0)).toBe(index.groupOf(1));
  });

  it('puts every event it cannot judge in one malformed tuple, in no group', () => {
    const index = new TraceIndex();
    index.append([
      syscall(0, args(), 'kill-process', 'sparc'),
      syscall(0.5),
      syscall(0, ['0x0', 'zz', '0x0', '0x0', '0x0', '0x0']),
      syscall(0, ['0x0']),
      syscall(0),
    ]);
    expect([...index.eventTuples()]).toEqual([0, 0, 0, 0, 1]);
    expect(index.flagsOf(0)).toBe(TUPLE.malformed);
    expect(index.groupOf(0)).toBe(NO_GROUP);
    expect(index.groups).toHaveLength(1);
  });

  it('grows past its initial capacity without losing anything', () => {
    const index = new TraceIndex();
    const events = Array.from({ length: 20_000 }, (_, i) =>
      syscall((i % 5000) % 7, args(i % 5000)),
    );
    for (let i = 0; i < events.length; i += 999) index.append(events.slice(i, i + 999));
    expect(index.eventCount).toBe(20_000);
    expect(index.tupleCount).toBe(5000);
    const tuples = index.eventTuples();
    for (let i = 0; i < events.length; i++) {
      const t = tuples[i] ?? -1;
      expect(index.words[t * ARG_WORDS]).toBe(i % 5000);
    }
  });

  it('splits a group by the given words and keeps that partition up to date', () => {
    const index = new TraceIndex();
    index.append([
      syscall(9, args(1, 7)),
      syscall(9, args(2, 7)),
      syscall(9, args(1, 8)),
      audit(9, 'kill-process'),
    ]);
    const byArg1 = index.partition(0, [2]);
    expect(byArg1.representatives).toEqual([0, 2]);
    expect([0, 1, 2, 3].map((p) => byArg1.classAt(p))).toEqual([0, 0, 1, -1]);
    expect(index.partition(0, [2])).toBe(byArg1);
    index.appendEvent(syscall(9, args(5, 8)));
    expect(index.partition(0, [2]).classAt(4)).toBe(1);
    const byBoth = index.partition(0, [0, 2]);
    expect(byBoth.representatives).toEqual([0, 1, 2, 4]);
    expect(() => index.partition(5, [0])).toThrow(RangeError);
  });
});

describe('TupleTable', () => {
  it('finds tuples whose hashes collide by comparing their fields and words', () => {
    const words = new Uint32Array(3 * ARG_WORDS);
    words[ARG_WORDS] = 1;
    words[2 * ARG_WORDS + 11] = 1;
    const heads = [0, 1, 2].map(() => ({ audit: 1, nr: 2, observed: 0, flags: 0 }));
    const store: TupleStore = { words, headEquals: (t, h) => h.nr === heads[t]?.nr };
    const table = new TupleTable();
    // Every tuple under the same hash: lookups must still tell them apart.
    for (let t = 0; t < 3; t++) table.insert(t, 42);
    const scratch = new Uint32Array(ARG_WORDS);
    const head = { audit: 1, nr: 2, observed: 0, flags: 0 };
    expect(table.find(store, head, scratch, 0, 42)).toBe(0);
    scratch[11] = 1;
    expect(table.find(store, head, scratch, 0, 42)).toBe(2);
    scratch[0] = 7;
    expect(table.find(store, head, scratch, 0, 42)).toBe(-1);
    expect(table.find(store, { ...head, nr: 3 }, words, ARG_WORDS, 42)).toBe(-1);
  });

  it('hashes every field and word', () => {
    const words = new Uint32Array(ARG_WORDS);
    const head = { audit: 1, nr: 2, observed: 3, flags: 0 };
    const base = hashTuple(head, words, 0);
    expect(hashTuple({ ...head, audit: 2 }, words, 0)).not.toBe(base);
    expect(hashTuple({ ...head, flags: 1 }, words, 0)).not.toBe(base);
    words[11] = 1;
    expect(hashTuple(head, words, 0)).not.toBe(base);
  });
});
