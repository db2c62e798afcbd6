import { decodeProgram, SOCK_FILTER_SIZE } from '../../app/bpf/encode';
import type { BpfProgram } from '../../app/bpf/program';
import { BPF } from '../../app/linux/constants';
import { errnoName } from '../../app/linux/errno';
import { decodeSockFprog, sockFprogLayout } from '../../app/linux/sock-fprog';
import type { Arch } from '../../app/linux/syscalls';
import { libc, type Libc } from './libc';
import { processVmRead } from './remote-memory';

/**
 * Reads the seccomp filter a target passes to seccomp()/prctl(PR_SET_SECCOMP) out of its memory
 * while it waits in the notification: first the `struct sock_fprog` at the syscall's pointer
 * argument (laid out for the caller's ABI), then its `len` instructions, at most BPF_MAXINSNS.
 *
 * The memory belongs to whatever process now has that pid. Pass `isStillValid` (the
 * SECCOMP_IOCTL_NOTIF_ID_VALID check of the notification) so that bytes read from a process that
 * died and whose pid was reused are thrown away; it is called after both reads.
 */

export type RemoteFilterResult =
  | {
      readonly ok: true;
      /** `len` of the sock_fprog: the number of instructions. */
      readonly length: number;
      /** Where the instructions are in the target. */
      readonly filterAddress: bigint;
      /** The instructions as read (`struct sock_filter` array). */
      readonly bytes: Uint8Array;
      readonly program: BpfProgram;
    }
  | { readonly ok: false; readonly error: string };

export interface RemoteFilterOptions {
  /** True while the notification (and so the process) is still the one the address came from. */
  readonly isStillValid?: () => boolean;
}

type Bytes = { readonly bytes: Buffer } | { readonly error: string };

/** `length` bytes at `address` in process `pid` (process_vm_readv), all or nothing. */
export function readRemoteBytes(c: Libc, pid: number, address: bigint, length: number): Bytes {
  if (address === 0n) return { error: 'the pointer is NULL' };
  const local = Buffer.alloc(length);
  const n = processVmRead(c, pid, address, c.address(local), length);
  if (n < 0) {
    return {
      error: `cannot read ${length} bytes at 0x${address.toString(16)}: ${errnoName(c.lastErrno())}`,
    };
  }
  if (n !== length) {
    return { error: `only ${n} of ${length} bytes at 0x${address.toString(16)} are readable` };
  }
  return { bytes: local };
}

function lengthProblem(length: number): string | undefined {
  if (length === 0) return 'the sock_fprog has len 0: the kernel refuses an empty filter (EINVAL)';
  if (length > BPF.BPF_MAXINSNS) {
    return `the sock_fprog has len ${length}, more than BPF_MAXINSNS (${BPF.BPF_MAXINSNS}): the kernel refuses it (EINVAL)`;
  }
  return undefined;
}

const NO_LONGER_VALID =
  'the notification is no longer valid (the process died or its pid was reused): bytes discarded';

export function readRemoteFilter(
  pid: number,
  arch: Arch,
  fprogAddress: bigint,
  options: RemoteFilterOptions = {},
): RemoteFilterResult {
  const c = libc();
  const layout = sockFprogLayout(arch);
  const header = readRemoteBytes(c, pid, fprogAddress, layout.size);
  if ('error' in header) return { ok: false, error: `sock_fprog: ${header.error}` };
  const fprog = decodeSockFprog(header.bytes, layout);
  const problem = lengthProblem(fprog.length);
  if (problem) return { ok: false, error: problem };
  const filter = readRemoteBytes(c, pid, fprog.filter, fprog.length * SOCK_FILTER_SIZE);
  if ('error' in filter) return { ok: false, error: `filter: ${filter.error}` };
  if (options.isStillValid && !options.isStillValid()) return { ok: false, error: NO_LONGER_VALID };
  const bytes = new Uint8Array(filter.bytes);
  return {
    ok: true,
    length: fprog.length,
    filterAddress: fprog.filter,
    bytes,
    program: decodeProgram(bytes),
  };
}
