import type { Libc } from './libc';

const PAGE = 4096;
const TWO_32 = 2 ** 32;

/**
 * Reads NUL-terminated strings from another process's memory (process_vm_readv) into one reused
 * buffer. It runs for every path argument of every reported syscall while the caller waits, so it
 * makes no BigInt and no string: addresses come in as two 32-bit halves, and the bytes stay in
 * `bytes` for the caller to copy where they go.
 */
export class RemoteStringReader {
  /** The last string read is `bytes[0, length)`, without its NUL. */
  readonly bytes: Buffer;
  private readonly localIov = Buffer.alloc(16);
  private readonly remoteIov = Buffer.alloc(16);
  private readonly local32 = new Uint32Array(this.localIov.buffer, this.localIov.byteOffset, 4);
  private readonly remote32 = new Uint32Array(this.remoteIov.buffer, this.remoteIov.byteOffset, 4);
  private readonly baseLow: number;
  private readonly baseHigh: number;

  /** `max`: the longest string kept (longer ones are cut there), PATH_MAX by default. */
  constructor(
    private readonly c: Libc,
    readonly max = PAGE,
  ) {
    this.bytes = Buffer.alloc(max);
    const base = c.address(this.bytes);
    this.baseLow = Number(base & 0xffffffffn);
    this.baseHigh = Number(base >> 32n);
  }

  /**
   * Reads the string at address `low + high·2³²` in process `tid`: its length in bytes (at most
   * `max`), or -1 when nothing there is readable. Reads stop at page ends, so a string near the
   * end of a mapping is still found; most strings take one call.
   */
  read(tid: number, low: number, high: number): number {
    if (low === 0 && high === 0) return -1;
    let total = 0;
    let atLow = low;
    let atHigh = high;
    while (total < this.max) {
      const length = Math.min(PAGE - (atLow % PAGE), this.max - total);
      const n = this.readAt(tid, atLow, atHigh, total, length);
      if (n <= 0) return total > 0 ? total : -1;
      const nul = this.nulIn(total, total + n);
      if (nul >= 0) return nul;
      total += n;
      atLow += n;
      if (atLow >= TWO_32) {
        atLow -= TWO_32;
        atHigh += 1;
      }
    }
    return total;
  }

  /** The first NUL in `bytes[from, to)`, or -1 (a loop: most strings are short). */
  private nulIn(from: number, to: number): number {
    const bytes = this.bytes;
    for (let i = from; i < to; i++) if (bytes[i] === 0) return i;
    return -1;
  }

  /** One process_vm_readv of `length` bytes into `bytes[offset…]`: bytes read, or -1. */
  private readAt(tid: number, low: number, high: number, offset: number, length: number): number {
    let localLow = this.baseLow + offset;
    let localHigh = this.baseHigh;
    if (localLow >= TWO_32) {
      localLow -= TWO_32;
      localHigh += 1;
    }
    const local = this.local32;
    local[0] = localLow;
    local[1] = localHigh;
    local[2] = length;
    local[3] = 0;
    const remote = this.remote32;
    remote[0] = low;
    remote[1] = high;
    remote[2] = length;
    remote[3] = 0;
    return this.c.processVmReadv(tid, this.localIov, 1, this.remoteIov, 1);
  }
}
