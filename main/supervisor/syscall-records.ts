/**
 * Syscall events travel from the notification worker to the main thread as flat typed arrays,
 * transferred rather than cloned: the worker sits on the target's critical path (the target waits
 * for each reply), so building and cloning an object per notification there slows the target
 * down, while decoding on the main thread runs on the other core.
 */
import { archForAudit } from '../../app/linux/arches';
import { displaySyscallName } from '../../app/linux/syscalls';
import type { DeniedEvent, SyscallEvent } from '../../app/trace/events';

/** t, pid, tid, nr, arch, kind (0 syscall, 1 denied), action label index. */
const META_STRIDE = 7;
const ARG_COUNT = 6;

const ARG_BYTES = 8 * ARG_COUNT;

export interface SyscallRecordBatch {
  readonly count: number;
  readonly meta: Float64Array<ArrayBuffer>;
  /** Six little-endian u64 per record, as struct seccomp_data holds them. */
  readonly args: Uint8Array<ArrayBuffer>;
  /** Action labels this batch refers to by index. */
  readonly labels: readonly string[];
  /** Strings read from the target for some records: [record index, argument index → text]. */
  readonly strings: readonly (readonly [number, ArgStrings])[];
  /** What descriptor arguments referred to: [record index, argument index → link target]. */
  readonly fds: readonly (readonly [number, ArgStrings])[];
}

/** Argument index ('0'…'5') → the string it pointed at. */
export type ArgStrings = Readonly<Partial<Record<'0' | '1' | '2' | '3' | '4' | '5', string>>>;

export class SyscallRecordWriter {
  private meta: Float64Array<ArrayBuffer>;
  private args: Uint8Array<ArrayBuffer>;
  private count = 0;
  private labels: string[] = [];
  private strings: [number, ArgStrings][] = [];
  private fds: [number, ArgStrings][] = [];
  private readonly labelIndex = new Map<string, number>();

  constructor(private readonly capacity: number) {
    this.meta = new Float64Array(capacity * META_STRIDE);
    this.args = new Uint8Array(capacity * ARG_BYTES);
  }

  get length(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count >= this.capacity;
  }

  /** `args` is read from the notification buffer at `argsOffset` (six little-endian u64). */
  add(
    record: {
      readonly t: number;
      readonly pid: number;
      readonly tid: number;
      readonly nr: number;
      readonly arch: number;
      readonly denied: boolean;
      readonly action: string;
    },
    notification: Buffer,
    argsOffset: number,
  ): void {
    const m = this.count * META_STRIDE;
    this.meta[m] = record.t;
    this.meta[m + 1] = record.pid;
    this.meta[m + 2] = record.tid;
    this.meta[m + 3] = record.nr;
    this.meta[m + 4] = record.arch;
    this.meta[m + 5] = record.denied ? 1 : 0;
    this.meta[m + 6] = this.label(record.action);
    notification.copy(this.args, this.count * ARG_BYTES, argsOffset, argsOffset + ARG_BYTES);
    this.count += 1;
  }

  /** Attaches strings read from the target, and descriptor targets, to the record added last. */
  annotateLast(strings: ArgStrings | undefined, fds: ArgStrings | undefined): void {
    if (this.count === 0) return;
    if (strings) this.strings.push([this.count - 1, strings]);
    if (fds) this.fds.push([this.count - 1, fds]);
  }

  private label(action: string): number {
    const known = this.labelIndex.get(action);
    if (known !== undefined) return known;
    this.labels.push(action);
    this.labelIndex.set(action, this.labels.length - 1);
    return this.labels.length - 1;
  }

  /** The records so far, and a fresh buffer for the next ones; the arrays can be transferred. */
  take(): SyscallRecordBatch {
    const batch: SyscallRecordBatch = {
      count: this.count,
      meta: this.meta,
      args: this.args,
      labels: this.labels,
      strings: this.strings,
      fds: this.fds,
    };
    this.strings = [];
    this.fds = [];
    this.meta = new Float64Array(this.capacity * META_STRIDE);
    this.args = new Uint8Array(this.capacity * ARG_BYTES);
    this.count = 0;
    this.labels = [];
    this.labelIndex.clear();
    return batch;
  }
}

/** `0x…` of a u64 given as two u32 halves, without a BigInt (this runs for every event). */
function hex64(low: number, high: number): string {
  return high === 0
    ? `0x${low.toString(16)}`
    : `0x${high.toString(16)}${low.toString(16).padStart(8, '0')}`;
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

export function decodeSyscallRecords(batch: SyscallRecordBatch): (SyscallEvent | DeniedEvent)[] {
  const events: (SyscallEvent | DeniedEvent)[] = new Array(batch.count);
  const words = new Uint32Array(batch.args.buffer, batch.args.byteOffset, batch.count * 12);
  for (let i = 0; i < batch.count; i++) {
    const m = i * META_STRIDE;
    const nr = batch.meta[m + 3] ?? 0;
    const labels = labelsOf(batch.meta[m + 4] ?? 0, nr);
    // seccomp_data's u64 arguments are little-endian (x86_64, the only host the supervisor runs on).
    const w = i * 12;
    const args: string[] = new Array(ARG_COUNT);
    for (let j = 0; j < ARG_COUNT; j++) {
      args[j] = hex64(words[w + 2 * j] ?? 0, words[w + 2 * j + 1] ?? 0);
    }
    const fields = {
      t: batch.meta[m] ?? 0,
      pid: batch.meta[m + 1] ?? 0,
      tid: batch.meta[m + 2] ?? 0,
      name: labels.name,
      nr,
      arch: labels.arch,
      args,
    };
    const action = batch.labels[batch.meta[m + 6] ?? 0] ?? '';
    events[i] =
      batch.meta[m + 5] === 1
        ? { type: 'denied', ...fields, action }
        : { type: 'syscall', ...fields, action };
  }
  for (const [index, strings] of batch.strings) {
    const event = events[index];
    if (event) events[index] = { ...event, strings };
  }
  for (const [index, fds] of batch.fds) {
    const event = events[index];
    if (event) events[index] = { ...event, fds };
  }
  return events;
}
