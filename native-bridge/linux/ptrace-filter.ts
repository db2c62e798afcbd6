import koffi from 'koffi';
import { decodeProgram } from '../../app/bpf/encode';
import type { BpfProgram } from '../../app/bpf/program';
import { constantValue } from '../../app/linux/arch-constants';
import { errnoByName, errnoName } from '../../app/linux/errno';

/**
 * Reads the seccomp filters of a running process (index 0 is the most recently installed: the
 * first to run) with PTRACE_SECCOMP_GET_FILTER: seize it,
 * interrupt it, wait for the stop, read filter 0, 1, … until ENOENT, detach. Every step runs on
 * this one thread, as ptrace requires (the tracer is a thread, not a process). Needs
 * CAP_SYS_ADMIN; the kernel also refuses while the caller itself runs under seccomp.
 */

export type FilterDump =
  | { readonly ok: true; readonly filters: readonly BpfProgram[] }
  | {
      readonly ok: false;
      readonly step: string;
      readonly errno?: number;
      readonly message: string;
    };

interface PtraceCalls {
  ptrace(request: number, pid: number, addr: bigint, data: Buffer | null): number;
  waitpid(pid: number, status: Buffer, options: number): number;
  errno(): number;
}

let calls: PtraceCalls | undefined;

function bind(): PtraceCalls {
  if (calls) return calls;
  const lib = koffi.load('libc.so.6');
  const ptrace = lib.func('long ptrace(int, int, uint64_t, void *)');
  const waitpid = lib.func('int waitpid(int, void *, int)');
  calls = {
    ptrace: (request, pid, addr, data) => Number(ptrace(request, pid, addr, data)),
    waitpid: (pid, status, options) => Number(waitpid(pid, status, options)),
    errno: () => koffi.errno(),
  };
  return calls;
}

function constant(name: string): number {
  const value = constantValue('x86_64', name);
  if (value === undefined) throw new Error(`${name} is missing from the generated tables`);
  return Number(value);
}

/** struct sock_filter is 8 bytes; a filter has at most BPF_MAXINSNS (4096) instructions. */
const MAX_FILTER_BYTES = 4096 * 8;
/** A process can have at most 32768 instructions over all its filters, so at most that many filters. */
const MAX_FILTERS = 512;

/** A process in uninterruptible sleep does not stop; the caller's thread must not hang on it. */
const STOP_WAIT_MS = 2000;
const pause = new Int32Array(new SharedArrayBuffer(4));

/** Polls waitpid(WNOHANG) for the interrupt stop, sleeping 1 ms between tries. */
function waitForStop(c: PtraceCalls, pid: number): boolean {
  const status = Buffer.alloc(4);
  const options = constant('__WALL') | constant('WNOHANG');
  const deadline = Date.now() + STOP_WAIT_MS;
  do {
    const r = c.waitpid(pid, status, options);
    if (r === pid) return true;
    if (r < 0) return false;
    Atomics.wait(pause, 0, 0, 1);
  } while (Date.now() < deadline);
  return false;
}

export function dumpSeccompFilters(pid: number): FilterDump {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return { ok: false, step: 'platform', message: 'reading filters needs Linux on x86_64' };
  }
  const c = bind();
  if (c.ptrace(constant('PTRACE_SEIZE'), pid, 0n, null) < 0) return fail(c, 'PTRACE_SEIZE');
  try {
    if (c.ptrace(constant('PTRACE_INTERRUPT'), pid, 0n, null) < 0) {
      return fail(c, 'PTRACE_INTERRUPT');
    }
    if (!waitForStop(c, pid)) {
      return {
        ok: false,
        step: 'waitpid',
        message: `process ${pid} did not stop within ${STOP_WAIT_MS} ms`,
      };
    }
    return readFilters(c, pid);
  } finally {
    c.ptrace(constant('PTRACE_DETACH'), pid, 0n, null);
  }
}

function readFilters(c: PtraceCalls, pid: number): FilterDump {
  const GET_FILTER = constant('PTRACE_SECCOMP_GET_FILTER');
  const ENOENT = errnoByName('ENOENT')?.value;
  const buffer = Buffer.alloc(MAX_FILTER_BYTES);
  const filters: BpfProgram[] = [];
  for (let index = 0; index < MAX_FILTERS; index++) {
    // With a NULL buffer the kernel returns the filter's length in instructions.
    const length = c.ptrace(GET_FILTER, pid, BigInt(index), null);
    if (length < 0) {
      if (c.errno() === ENOENT) break; // no filter at this index: all read
      return fail(c, 'PTRACE_SECCOMP_GET_FILTER');
    }
    if (length * 8 > MAX_FILTER_BYTES) {
      return {
        ok: false,
        step: 'PTRACE_SECCOMP_GET_FILTER',
        message: `filter ${index} has ${length} instructions`,
      };
    }
    if (c.ptrace(GET_FILTER, pid, BigInt(index), buffer) !== length) {
      return fail(c, 'PTRACE_SECCOMP_GET_FILTER');
    }
    filters.push(decodeProgram(new Uint8Array(buffer.subarray(0, length * 8))));
  }
  return { ok: true, filters };
}

function fail(c: PtraceCalls, step: string): FilterDump {
  const errno = c.errno();
  return { ok: false, step, errno, message: `${step} failed: ${errnoName(errno) ?? errno}` };
}
