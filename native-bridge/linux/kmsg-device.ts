import { closeSync, constants, openSync, readFileSync, readSync } from 'node:fs';
import koffi from 'koffi';
import { constantValue } from '../../app/linux/arch-constants';

/**
 * The kernel log device, read the way Documentation/ABI/testing/dev-kmsg describes: every read()
 * returns exactly one record, EAGAIN when none is left (O_NONBLOCK), EPIPE when records were
 * overwritten before they were read (the next read continues with the oldest one left), and
 * lseek(SEEK_END) skips everything already logged. Node has no lseek, hence one koffi binding.
 */

export const KMSG_PATH = '/dev/kmsg';
/** Larger than any record (the kernel's CONSOLE_EXT_LOG_MAX is 8 KiB); smaller buffers get EINVAL. */
const RECORD_BUFFER_SIZE = 16 * 1024;

export type KmsgOpenResult =
  | { readonly ok: true; readonly device: KmsgDevice }
  | { readonly ok: false; readonly code: string; readonly reason: string };

export type KmsgRead =
  | { readonly kind: 'record'; readonly text: string }
  | { readonly kind: 'empty' }
  | { readonly kind: 'overwritten' };

export interface KmsgDevice {
  /** The next record, or why there is none right now. */
  read(): KmsgRead;
  close(): void;
}

type Lseek = (fd: number, offset: number, whence: number) => number | bigint;
let lseekFn: Lseek | undefined;

function lseek(): Lseek {
  if (!lseekFn) {
    const lib = koffi.load('libc.so.6');
    lseekFn = lib.func('int64_t lseek(int, int64_t, int)') as Lseek;
  }
  return lseekFn;
}

function sysctl(name: string): string | undefined {
  try {
    return readFileSync(`/proc/sys/kernel/${name}`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Why opening the device failed, in the words the run view shows. */
export function kmsgOpenReason(code: string, path = KMSG_PATH): string {
  switch (code) {
    case 'EPERM':
    case 'EACCES': {
      const restrict = sysctl('dmesg_restrict');
      return restrict === '1'
        ? `reading ${path} needs CAP_SYSLOG (kernel.dmesg_restrict=1)`
        : `reading ${path} is not permitted (${code})`;
    }
    case 'ENOENT':
      return `there is no ${path} (a container without the kernel log?)`;
    default:
      return `cannot open ${path}: ${code}`;
  }
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

function seekEnd(fd: number): void {
  const whence = Number(constantValue('x86_64', 'SEEK_END') ?? NaN);
  if (!Number.isInteger(whence)) throw new Error('SEEK_END is missing from the generated tables');
  if (Number(lseek()(fd, 0, whence)) < 0) {
    throw new Error(`lseek(${KMSG_PATH}, 0, SEEK_END) failed: errno ${koffi.errno()}`);
  }
}

/** Opens the device non-blocking, positioned after the last record logged so far. */
export function openKmsgAtEnd(path = KMSG_PATH): KmsgOpenResult {
  if (process.platform !== 'linux') {
    return { ok: false, code: 'ENOSYS', reason: 'the kernel log is only readable on Linux' };
  }
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = errorCode(error);
    return { ok: false, code, reason: kmsgOpenReason(code, path) };
  }
  try {
    seekEnd(fd);
  } catch (error) {
    closeSync(fd);
    return { ok: false, code: 'ESPIPE', reason: (error as Error).message };
  }
  const buffer = Buffer.alloc(RECORD_BUFFER_SIZE);
  let open = true;
  return {
    ok: true,
    device: {
      read(): KmsgRead {
        if (!open) return { kind: 'empty' };
        try {
          const n = readSync(fd, buffer, 0, buffer.length, null);
          return n === 0
            ? { kind: 'empty' }
            : { kind: 'record', text: buffer.toString('utf8', 0, n) };
        } catch (error) {
          const code = errorCode(error);
          if (code === 'EAGAIN') return { kind: 'empty' };
          if (code === 'EPIPE') return { kind: 'overwritten' };
          throw error;
        }
      },
      close(): void {
        if (open) closeSync(fd);
        open = false;
      },
    },
  };
}
