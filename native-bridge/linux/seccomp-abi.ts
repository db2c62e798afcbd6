import { SECCOMP } from '../../app/linux/constants';

/**
 * The uapi layouts the supervisor reads and writes (include/uapi/linux/seccomp.h):
 *   struct seccomp_notif      { u64 id; u32 pid; u32 flags; struct seccomp_data data; }  (80 bytes)
 *   struct seccomp_data       { int nr; u32 arch; u64 instruction_pointer; u64 args[6]; }
 *   struct seccomp_notif_resp { u64 id; s64 val; s32 error; u32 flags; }                  (24 bytes)
 * Sizes are also checked at run time with SECCOMP_GET_NOTIF_SIZES.
 */
export const NOTIF = {
  id: 0,
  pid: 8,
  flags: 12,
  nr: 16,
  arch: 20,
  ip: 24,
  args: 32,
  size: 80,
} as const;
export const RESP = { id: 0, val: 8, error: 16, flags: 20, size: 24 } as const;

/** _IOW(type, nr, size) from asm-generic/ioctl.h: dir(1=write)<<30 | size<<16 | type<<8 | nr. */
function iocWrite(type: number, nr: number, size: number): number {
  return ((1 << 30) | (size << 16) | (type << 8) | nr) >>> 0;
}

const magic = SECCOMP.SECCOMP_IOC_MAGIC;
// Cross-check the encoding against a value the generator took from the headers.
if (iocWrite(magic, 2, 8) !== SECCOMP.SECCOMP_IOCTL_NOTIF_ID_VALID) {
  throw new Error('ioctl encoding does not match SECCOMP_IOCTL_NOTIF_ID_VALID from the headers');
}

export const IOCTL = {
  recv: SECCOMP.SECCOMP_IOCTL_NOTIF_RECV,
  send: SECCOMP.SECCOMP_IOCTL_NOTIF_SEND,
  idValid: SECCOMP.SECCOMP_IOCTL_NOTIF_ID_VALID,
  // Linux 6.6 added SECCOMP_IOCTL_NOTIF_SET_FLAGS = SECCOMP_IOW(4, __u64) and its only flag
  // SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP = 1; Debian 12's headers (6.1) predate both.
  setFlags: iocWrite(magic, 4, 8),
} as const;
export const USER_NOTIF_FD_SYNC_WAKE_UP = 1;
