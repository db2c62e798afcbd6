/**
 * Syscall events travel from the notification worker to the main thread as flat typed arrays,
 * transferred rather than cloned: the worker sits on the target's critical path (the target waits
 * for each reply), so building and cloning an object per notification there slows the target
 * down, while decoding on the main thread runs on the other core. Texts read from the target
 * (paths, descriptor targets) travel as their raw bytes too, decoded on the main thread.
 */
import { archForAudit } from '../../app/linux/arches';
import { displaySyscallName } from '../../app/linux/syscalls';
import type { DeniedEvent, SyscallEvent } from '../../app/trace/events';
import { NOTIF } from '../../native-bridge/linux/seccomp-abi';

/** t, pid, tid, nr, arch, kind (0 syscall, 1 denied), action label index. */
const META_STRIDE = 7;
const ARG_COUNT = 6;
const ARG_BYTES = 8 * ARG_COUNT;
const ARG_WORDS = ARG_BYTES / 4;
/** Where the arguments start in struct seccomp_notif, in 32-bit words. */
const NOTIF_ARGS_WORD = NOTIF.args / 4;
/** Texts this short are copied byte by byte (cheaper than making a view to copy from). */
const SHORT_TEXT = 64;
/** record index, argument index, note kind, byte offset, byte length. */
const NOTE_STRIDE = 5;
const INITIAL_TEXT_BYTES = 64 * 1024;
/** A batch whose texts reach this size is sent without waiting to fill up with records. */
const TEXT_FLUSH_BYTES = 256 * 1024;

/** What a text attached to a record is. */
export const NOTE_KIND = { string: 0, fd: 1 } as const;
export type NoteKind = (typeof NOTE_KIND)[keyof typeof NOTE_KIND];

export interface SyscallRecordBatch {
  readonly count: number;
  readonly meta: Float64Array<ArrayBuffer>;
  /** Six little-endian u64 per record, as struct seccomp_data holds them. */
  readonly args: Uint8Array<ArrayBuffer>;
  /** Action labels this batch refers to by index. */
  readonly labels: readonly string[];
  readonly noteCount: number;
  /** Per note: record index, argument index, kind (NOTE_KIND), offset and length in `text`. */
  readonly notes: Uint32Array<ArrayBuffer>;
  /** UTF-8 bytes of every note, back to back. */
  readonly text: Uint8Array<ArrayBuffer>;
}

/** Argument index ('0'…'5') → the string it pointed at. */
export type ArgStrings = Readonly<Partial<Record<'0' | '1' | '2' | '3' | '4' | '5', string>>>;

export interface SyscallRecord {
  readonly t: number;
  readonly pid: number;
  readonly tid: number;
  readonly nr: number;
  readonly arch: number;
  readonly denied: boolean;
  readonly action: string;
}

export class SyscallRecordWriter {
  private meta: Float64Array<ArrayBuffer>;
  private args: Uint8Array<ArrayBuffer>;
  private args32: Uint32Array<ArrayBuffer>;
  private notes: Uint32Array<ArrayBuffer>;
  private text: Uint8Array<ArrayBuffer>;
  private count = 0;
  private noteCount = 0;
  private textLength = 0;
  private labels: string[] = [];
  private readonly labelIndex = new Map<string, number>();
  private lastLabel: string | undefined;
  private lastLabelIndex = 0;

  constructor(private readonly capacity: number) {
    this.meta = new Float64Array(capacity * META_STRIDE);
    this.args = new Uint8Array(capacity * ARG_BYTES);
    this.args32 = new Uint32Array(this.args.buffer);
    this.notes = new Uint32Array(capacity * NOTE_STRIDE);
    this.text = new Uint8Array(INITIAL_TEXT_BYTES);
  }

  get length(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count >= this.capacity || this.textLength >= TEXT_FLUSH_BYTES;
  }

  /** The arguments are copied from `notification`, a struct seccomp_notif as 32-bit words. */
  add(record: SyscallRecord, notification: Uint32Array): void {
    const m = this.count * META_STRIDE;
    const meta = this.meta;
    meta[m] = record.t;
    meta[m + 1] = record.pid;
    meta[m + 2] = record.tid;
    meta[m + 3] = record.nr;
    meta[m + 4] = record.arch;
    meta[m + 5] = record.denied ? 1 : 0;
    meta[m + 6] = this.label(record.action);
    const args32 = this.args32;
    const a = this.count * ARG_WORDS;
    for (let i = 0; i < ARG_WORDS; i++) args32[a + i] = notification[NOTIF_ARGS_WORD + i] ?? 0;
    this.count += 1;
  }

  /** Where the notes of the last record start: `dropNotesFrom` takes them back. */
  get noteMark(): number {
    return this.noteCount;
  }

  dropNotesFrom(mark: number): void {
    if (mark >= this.noteCount) return;
    this.textLength = this.notes[mark * NOTE_STRIDE + 3] ?? this.textLength;
    this.noteCount = mark;
  }

  /** Attaches `bytes[start, end)` (UTF-8) to the record added last, for argument `arg`. */
  noteBytes(arg: number, kind: NoteKind, bytes: Uint8Array, start: number, end: number): void {
    if (this.count === 0) return;
    const length = end - start;
    this.reserveText(length);
    const text = this.text;
    const at = this.textLength;
    if (length <= SHORT_TEXT) {
      for (let i = 0; i < length; i++) text[at + i] = bytes[start + i] ?? 0;
    } else text.set(bytes.subarray(start, end), at);
    this.pushNote(arg, kind, length);
  }

  /** Attaches a string to the record added last, for argument `arg`. */
  noteString(arg: number, kind: NoteKind, value: string): void {
    if (this.count === 0) return;
    const bytes = Buffer.from(value, 'utf8');
    this.noteBytes(arg, kind, bytes, 0, bytes.length);
  }

  private pushNote(arg: number, kind: NoteKind, length: number): void {
    if ((this.noteCount + 1) * NOTE_STRIDE > this.notes.length) {
      const grown = new Uint32Array(this.notes.length * 2);
      grown.set(this.notes);
      this.notes = grown;
    }
    const n = this.noteCount * NOTE_STRIDE;
    this.notes[n] = this.count - 1;
    this.notes[n + 1] = arg;
    this.notes[n + 2] = kind;
    this.notes[n + 3] = this.textLength;
    this.notes[n + 4] = length;
    this.noteCount += 1;
    this.textLength += length;
  }

  private reserveText(length: number): void {
    if (this.textLength + length <= this.text.length) return;
    let size = this.text.length * 2;
    while (size < this.textLength + length) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.text.subarray(0, this.textLength));
    this.text = grown;
  }

  private label(action: string): number {
    // Most records of a run carry the same action: compare with the last one first.
    if (action === this.lastLabel) return this.lastLabelIndex;
    const index = this.labelIndexOf(action);
    this.lastLabel = action;
    this.lastLabelIndex = index;
    return index;
  }

  private labelIndexOf(action: string): number {
    const known = this.labelIndex.get(action);
    if (known !== undefined) return known;
    this.labels.push(action);
    this.labelIndex.set(action, this.labels.length - 1);
    return this.labels.length - 1;
  }

  /** The records so far, and fresh buffers for the next ones; the arrays can be transferred. */
  take(): SyscallRecordBatch {
    const batch: SyscallRecordBatch = {
      count: this.count,
      meta: this.meta,
      args: this.args,
      labels: this.labels,
      noteCount: this.noteCount,
      notes: this.notes,
      text: this.text,
    };
    this.meta = new Float64Array(this.capacity * META_STRIDE);
    this.args = new Uint8Array(this.capacity * ARG_BYTES);
    this.args32 = new Uint32Array(this.args.buffer);
    this.notes = new Uint32Array(this.capacity * NOTE_STRIDE);
    this.text = new Uint8Array(INITIAL_TEXT_BYTES);
    this.count = 0;
    this.noteCount = 0;
    this.textLength = 0;
    this.labels = [];
    this.labelIndex.clear();
    this.lastLabel = undefined;
    return batch;
  }
}

/** The buffers of a batch, for postMessage's transfer list. */
export function transferablesOf(batch: SyscallRecordBatch): ArrayBuffer[] {
  return [batch.meta.buffer, batch.args.buffer, batch.notes.buffer, batch.text.buffer];
}

/** Two hex digits of every byte value. */
const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Hex of a u32 without leading zeros. Numbers of 2³¹ and up are not small integers to V8, whose
 * toString(16) for them goes through its slow floating-point path: they are printed in halves.
 */
function hex32(value: number): string {
  if (value < 0x80000000) return value.toString(16);
  return (
    (value >>> 16).toString(16) +
    (HEX_BYTE[(value >>> 8) & 0xff] ?? '') +
    (HEX_BYTE[value & 0xff] ?? '')
  );
}

/** Eight hex digits of a u32. */
function hex32Padded(value: number): string {
  return (
    (HEX_BYTE[value >>> 24] ?? '') +
    (HEX_BYTE[(value >>> 16) & 0xff] ?? '') +
    (HEX_BYTE[(value >>> 8) & 0xff] ?? '') +
    (HEX_BYTE[value & 0xff] ?? '')
  );
}

/** `0x…` of a u64 given as two u32 halves, without a BigInt (this runs for every event). */
export function hex64(low: number, high: number): string {
  return high === 0 ? `0x${hex32(low)}` : `0x${hex32(high)}${hex32Padded(low)}`;
}

interface SyscallLabels {
  readonly name: string;
  readonly arch: string;
}

const labelsByArch = new Map<number, Map<number, SyscallLabels>>();

/** The syscall's name and our arch name (or `nr_N` and the AUDIT_ARCH in hex), looked up once. */
function labelsOf(auditArch: number, nr: number): SyscallLabels {
  let byNr = labelsByArch.get(auditArch);
  if (!byNr) labelsByArch.set(auditArch, (byNr = new Map()));
  let labels = byNr.get(nr);
  if (!labels) {
    const arch = archForAudit(auditArch, nr);
    labels = arch
      ? { name: displaySyscallName(arch, nr), arch }
      : { name: `nr_${nr}`, arch: `0x${auditArch.toString(16)}` };
    byNr.set(nr, labels);
  }
  return labels;
}

type MutableArgStrings = Partial<Record<'0' | '1' | '2' | '3' | '4' | '5', string>>;

/** The notes of a batch grouped by record: record index → [strings, fds]. */
function decodeNotes(
  batch: SyscallRecordBatch,
): Map<number, [MutableArgStrings?, MutableArgStrings?]> {
  const byRecord = new Map<number, [MutableArgStrings?, MutableArgStrings?]>();
  if (batch.noteCount === 0) return byRecord;
  const text = Buffer.from(batch.text.buffer, batch.text.byteOffset, batch.text.byteLength);
  for (let i = 0; i < batch.noteCount; i++) {
    const n = i * NOTE_STRIDE;
    const record = batch.notes[n] ?? 0;
    const arg = String(batch.notes[n + 1] ?? 0) as '0';
    const slot = batch.notes[n + 2] === NOTE_KIND.fd ? 1 : 0;
    const offset = batch.notes[n + 3] ?? 0;
    const value = text.toString('utf8', offset, offset + (batch.notes[n + 4] ?? 0));
    let entry = byRecord.get(record);
    if (!entry) byRecord.set(record, (entry = []));
    (entry[slot] ??= {})[arg] = value;
  }
  return byRecord;
}

/** A syscall or denied event as decoding builds it. */
interface DecodedRecord extends Omit<SyscallEvent, 'type' | 'strings' | 'fds'> {
  type: 'syscall' | 'denied';
  strings?: ArgStrings;
  fds?: ArgStrings;
}

export function decodeSyscallRecords(batch: SyscallRecordBatch): (SyscallEvent | DeniedEvent)[] {
  const events: (SyscallEvent | DeniedEvent)[] = new Array(batch.count);
  const words = new Uint32Array(batch.args.buffer, batch.args.byteOffset, batch.count * 12);
  const notes = decodeNotes(batch);
  const meta = batch.meta;
  for (let i = 0; i < batch.count; i++) {
    const m = i * META_STRIDE;
    const nr = meta[m + 3] ?? 0;
    const labels = labelsOf(meta[m + 4] ?? 0, nr);
    // seccomp_data's u64 arguments are little-endian (x86_64, the only host the supervisor runs on).
    const w = i * 12;
    const args: string[] = new Array(ARG_COUNT);
    for (let j = 0; j < ARG_COUNT; j++) {
      args[j] = hex64(words[w + 2 * j] ?? 0, words[w + 2 * j + 1] ?? 0);
    }
    const event: DecodedRecord = {
      type: meta[m + 5] === 1 ? 'denied' : 'syscall',
      t: meta[m] ?? 0,
      pid: meta[m + 1] ?? 0,
      tid: meta[m + 2] ?? 0,
      name: labels.name,
      nr,
      arch: labels.arch,
      args,
      action: batch.labels[meta[m + 6] ?? 0] ?? '',
    };
    const note = notes.size > 0 ? notes.get(i) : undefined;
    if (note?.[0]) event.strings = note[0];
    if (note?.[1]) event.fds = note[1];
    // Built in one shape (strings and fds added after) rather than spread: this runs per event.
    events[i] = event as SyscallEvent | DeniedEvent;
  }
  return events;
}
