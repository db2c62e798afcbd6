import type { Libc } from './libc';

const CHUNK = 4096;
const local = Buffer.alloc(CHUNK);
const localIov = Buffer.alloc(16);
const remoteIov = Buffer.alloc(16);
let localAddress: bigint | undefined;

/**
 * process_vm_readv of `length` bytes at `address` in process `pid` into the memory at
 * `intoAddress` (a Buffer's, from `c.address`): the kernel's result, bytes read or -1.
 */
export function processVmRead(
  c: Libc,
  pid: number,
  address: bigint,
  intoAddress: bigint,
  length: number,
): number {
  localIov.writeBigUInt64LE(intoAddress, 0);
  localIov.writeBigUInt64LE(BigInt(length), 8);
  remoteIov.writeBigUInt64LE(address, 0);
  remoteIov.writeBigUInt64LE(BigInt(length), 8);
  return c.processVmReadv(pid, localIov, 1, remoteIov, 1);
}

/**
 * Reads up to `length` bytes (at most one chunk) at `address` in process `tid` into `local`
 * (process_vm_readv); the number of bytes read, 0 if unreadable. Runs for every path argument of
 * every reported syscall, so it reuses one buffer and its address.
 */
function readRemote(c: Libc, tid: number, address: bigint, length: number): number {
  if (address === 0n) return 0;
  localAddress ??= c.address(local);
  const n = processVmRead(c, tid, address, localAddress, Math.min(length, CHUNK));
  return n > 0 ? n : 0;
}

/**
 * A NUL-terminated string in the target's memory. Reads stop at page ends so that a string near
 * the end of a mapping is still found; most paths are read in one call.
 */
export function readRemoteString(c: Libc, tid: number, address: bigint, max = 4096): string | null {
  const parts: Buffer[] = [];
  let total = 0;
  let at = address;
  while (total < max) {
    const toPageEnd = 4096 - Number(at % 4096n);
    const n = readRemote(c, tid, at, Math.min(toPageEnd, max - total));
    if (n === 0) break;
    const nul = local.indexOf(0);
    const end = nul >= 0 && nul < n ? nul : n;
    if (parts.length === 0 && end < n) return local.toString('utf8', 0, end);
    parts.push(Buffer.from(local.subarray(0, end)));
    total += n;
    if (end < n) return Buffer.concat(parts).toString('utf8');
    at += BigInt(n);
  }
  return parts.length > 0 ? Buffer.concat(parts).toString('utf8') : null;
}

/** A NULL-terminated array of string pointers (argv) in the target's memory, at most `max` items. */
export function readRemoteArgv(c: Libc, tid: number, address: bigint, max = 64): string[] | null {
  const n = readRemote(c, tid, address, max * 8);
  if (n === 0) return null;
  const table = Buffer.from(local.subarray(0, n));
  const out: string[] = [];
  for (let i = 0; i + 8 <= table.length && out.length < max; i += 8) {
    const pointer = table.readBigUInt64LE(i);
    if (pointer === 0n) break;
    out.push(readRemoteString(c, tid, pointer) ?? '?');
  }
  return out;
}
