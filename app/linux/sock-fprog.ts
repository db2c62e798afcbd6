import { archInfo } from './arches';
import type { Arch } from './syscalls';

/**
 * `struct sock_fprog { unsigned short len; struct sock_filter *filter; }` as a process of `arch`
 * lays it out in its memory. The kernel reads the 32-bit layout (`struct compat_sock_fprog`,
 * kernel/seccomp.c) whenever `in_compat_syscall()`: for i386, arm and also x32, whose pointers
 * are 32 bits although its syscall arguments are 64.
 */
export interface SockFprogLayout {
  readonly size: number;
  readonly lengthOffset: number;
  readonly filterOffset: number;
  readonly pointerBytes: 4 | 8;
}

export function sockFprogLayout(arch: Arch): SockFprogLayout {
  return archInfo(arch).longBits === 64
    ? { size: 16, lengthOffset: 0, filterOffset: 8, pointerBytes: 8 }
    : { size: 8, lengthOffset: 0, filterOffset: 4, pointerBytes: 4 };
}

export interface SockFprog {
  /** Number of instructions. */
  readonly length: number;
  /** Address of the first `struct sock_filter` in the process. */
  readonly filter: bigint;
}

/** Reads a little-endian sock_fprog (every arch the studio supports is little-endian). */
export function decodeSockFprog(bytes: Uint8Array, layout: SockFprogLayout): SockFprog {
  if (bytes.length < layout.size) {
    throw new RangeError(`a sock_fprog is ${layout.size} bytes here; got ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint16(layout.lengthOffset, true);
  const filter =
    layout.pointerBytes === 8
      ? view.getBigUint64(layout.filterOffset, true)
      : BigInt(view.getUint32(layout.filterOffset, true));
  return { length, filter };
}
