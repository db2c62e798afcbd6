import type { Libc } from './libc';

const CHUNK = 4096;
const local = Buffer.alloc(CHUNK);
const localIov = Buffer.alloc(16);
const remoteIov = Buffer.alloc(16);

/** Read up to `length` bytes at `address` in process `tid` (process_vm_readv); null if unreadable. */
function readRemote(c: Libc, tid: number, address: bigint, length: number): Buffer | null {
  if (address === 0n) return null;
  localIov.writeBigUInt64LE(c.address(local), 0);
  localIov.writeBigUInt64LE(BigInt(Math.min(length, CHUNK)), 8);
  remoteIov.writeBigUInt64LE(address, 0);
  remoteIov.writeBigUInt64LE(BigInt(Math.min(length, CHUNK)), 8);
  const n = c.processVmReadv(tid, localIov, 1, remoteIov, 1);
  return n > 0 ? Buffer.from(local.subarray(0, n)) : null;
}

/**
 * A NUL-terminated string in the target's memory. Reads stop at page ends so that a string near
 * the end of a mapping is still found.
 */
export function readRemoteString(c: Libc, tid: number, address: bigint, max = 4096): string | null {
  const parts: Buffer[] = [];
  let total = 0;
  let at = address;
  while (total < max) {
    const toPageEnd = 4096 - Number(at % 4096n);
    const chunk = readRemote(c, tid, at, Math.min(toPageEnd, max - total));
    if (!chunk) break;
    const nul = chunk.indexOf(0);
    parts.push(nul >= 0 ? chunk.subarray(0, nul) : chunk);
    total += chunk.length;
    if (nul >= 0) return Buffer.concat(parts).toString('utf8');
    at += BigInt(chunk.length);
  }
  return parts.length > 0 ? Buffer.concat(parts).toString('utf8') : null;
}

/** A NULL-terminated array of string pointers (argv) in the target's memory, at most `max` items. */
export function readRemoteArgv(c: Libc, tid: number, address: bigint, max = 64): string[] | null {
  const table = readRemote(c, tid, address, max * 8);
  if (!table) return null;
  const out: string[] = [];
  for (let i = 0; i + 8 <= table.length && out.length < max; i += 8) {
    const pointer = table.readBigUInt64LE(i);
    if (pointer === 0n) break;
    out.push(readRemoteString(c, tid, pointer) ?? '?');
  }
  return out;
}
