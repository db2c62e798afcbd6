import { constantValue } from '../../../app/linux/arch-constants';
import { capabilityName } from '../../../app/linux/capabilities';
import { errnoByName } from '../../../app/linux/errno';
import { PRCTL } from '../../../app/linux/constants';
import { succeeded, syscallFailed, type LayerResult } from './layer-result';
import { layerSyscalls } from './layer-syscalls';

/**
 * Capability sets of the calling thread, with libcap's semantics: each set is replaced by exactly
 * the listed capabilities. Layouts (linux/capability.h):
 *   struct __user_cap_header_struct { __u32 version; int pid; }                          8 bytes
 *   struct __user_cap_data_struct   { __u32 effective, permitted, inheritable; }  × 2 words
 * Word 0 holds capabilities 0–31, word 1 holds 32–63 (the two u32s of the 64-bit ABI, v2/v3).
 */
const HEADER_SIZE = 8;
const WORD_SIZE = 12;
const WORDS = 2;
const MAX_CAP = 63;

export interface CapabilitySets {
  readonly effective: bigint;
  readonly permitted: bigint;
  readonly inheritable: bigint;
}

export function capabilityMask(caps: readonly number[]): bigint {
  return caps.reduce((mask, cap) => mask | (1n << BigInt(cap)), 0n);
}

function prctlOption(name: string): number {
  const value = constantValue('x86_64', name);
  if (value === undefined) throw new Error(`${name} is missing from the generated tables`);
  return Number(value);
}

const named = (cap: number) => capabilityName(cap) ?? `capability ${cap}`;

let version: number | undefined;

/**
 * The capability ABI version the kernel wants, asked the way libcap does: capget with an unknown
 * version and no data makes the kernel write its own version into the header (and return 0).
 * This avoids hard-coding _LINUX_CAPABILITY_VERSION_3; every kernel since 2.6.26 answers v3,
 * whose two data words are what this module sends.
 */
function kernelVersion(): number | LayerResult {
  if (version !== undefined) return version;
  const sys = layerSyscalls();
  const header = Buffer.alloc(HEADER_SIZE);
  if (sys.capget(header, null) < 0) return syscallFailed('capget(version)', sys.lastErrno());
  version = header.readUInt32LE(0);
  return version;
}

function header(): Buffer | LayerResult {
  const v = kernelVersion();
  if (typeof v !== 'number') return v;
  const buffer = Buffer.alloc(HEADER_SIZE);
  buffer.writeUInt32LE(v, 0);
  buffer.writeInt32LE(0, 4); // pid 0: the calling thread
  return buffer;
}

function word(mask: bigint, index: number): number {
  return Number((mask >> BigInt(32 * index)) & 0xffffffffn);
}

export function readCapabilities(): CapabilitySets | LayerResult {
  const head = header();
  if (!Buffer.isBuffer(head)) return head;
  const data = Buffer.alloc(WORD_SIZE * WORDS);
  const sys = layerSyscalls();
  if (sys.capget(head, data) < 0) return syscallFailed('capget', sys.lastErrno());
  const read = (offset: number) =>
    [0, 1].reduce(
      (mask, index) =>
        mask | (BigInt(data.readUInt32LE(index * WORD_SIZE + offset)) << BigInt(32 * index)),
      0n,
    );
  return { effective: read(0), permitted: read(4), inheritable: read(8) };
}

export function writeCapabilities(sets: CapabilitySets): LayerResult {
  const head = header();
  if (!Buffer.isBuffer(head)) return head;
  const data = Buffer.alloc(WORD_SIZE * WORDS);
  for (let index = 0; index < WORDS; index++) {
    data.writeUInt32LE(word(sets.effective, index), index * WORD_SIZE);
    data.writeUInt32LE(word(sets.permitted, index), index * WORD_SIZE + 4);
    data.writeUInt32LE(word(sets.inheritable, index), index * WORD_SIZE + 8);
  }
  const sys = layerSyscalls();
  if (sys.capset(head, data) < 0) return syscallFailed('capset', sys.lastErrno());
  const hex = (mask: bigint) => `0x${mask.toString(16)}`;
  return succeeded(
    `effective ${hex(sets.effective)}, permitted ${hex(sets.permitted)}, inheritable ${hex(sets.inheritable)}`,
  );
}

/**
 * Drops every capability not in `keep` from the bounding set. Needs CAP_SETPCAP, so it runs before
 * capset takes that away. Capabilities the running kernel does not know (PR_CAPBSET_READ says
 * EINVAL past CAP_LAST_CAP) are not in any set, so keeping them means nothing.
 */
export function dropBoundingSet(keep: readonly number[]): LayerResult {
  const sys = layerSyscalls();
  const kept = new Set(keep);
  const einval = errnoByName('EINVAL')?.value;
  let dropped = 0;
  for (let cap = 0; cap <= MAX_CAP; cap++) {
    const present = sys.prctl(PRCTL.PR_CAPBSET_READ, cap, 0, 0, 0);
    if (present < 0) {
      const errno = sys.lastErrno();
      if (errno === einval) break;
      return syscallFailed(`prctl(PR_CAPBSET_READ, ${named(cap)})`, errno);
    }
    if (present === 0 || kept.has(cap)) continue;
    if (sys.prctl(PRCTL.PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
      return syscallFailed(`prctl(PR_CAPBSET_DROP, ${named(cap)})`, sys.lastErrno());
    }
    dropped += 1;
  }
  return succeeded(`bounding set: dropped ${dropped}, kept ${keep.length}`);
}

/**
 * Replaces the ambient set: clear it, then raise each listed capability. The kernel only raises a
 * capability that is in both the permitted and inheritable sets, so this runs after capset.
 */
export function setAmbient(caps: readonly number[]): LayerResult {
  const sys = layerSyscalls();
  const ambient = PRCTL.PR_CAP_AMBIENT;
  if (sys.prctl(ambient, prctlOption('PR_CAP_AMBIENT_CLEAR_ALL'), 0, 0, 0) < 0) {
    return syscallFailed('prctl(PR_CAP_AMBIENT_CLEAR_ALL)', sys.lastErrno());
  }
  const raise = prctlOption('PR_CAP_AMBIENT_RAISE');
  for (const cap of caps) {
    if (sys.prctl(ambient, raise, cap, 0, 0) < 0) {
      return syscallFailed(`prctl(PR_CAP_AMBIENT_RAISE, ${named(cap)})`, sys.lastErrno());
    }
  }
  return succeeded(`ambient ${caps.length === 0 ? 'cleared' : caps.map(named).join(', ')}`);
}

/** PR_SET_KEEPCAPS: whether the permitted set survives a switch away from uid 0. */
export function setKeepCapabilities(keep: boolean): LayerResult {
  const sys = layerSyscalls();
  if (sys.prctl(PRCTL.PR_SET_KEEPCAPS, keep ? 1 : 0, 0, 0, 0) < 0) {
    return syscallFailed(`prctl(PR_SET_KEEPCAPS, ${keep ? 1 : 0})`, sys.lastErrno());
  }
  return succeeded();
}
