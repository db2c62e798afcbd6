import { landlockConstant } from '../linux/layer-constants';

/**
 * What a policy's Landlock grants mean in LANDLOCK_ACCESS_* bits, per Landlock ABI version.
 * Bit values come from the generated tables (linux/landlock.h); which ABI introduced each right
 * and which rights apply to files are facts of the kernel's Landlock documentation, kept here.
 *
 * - read:    READ_FILE, READ_DIR
 * - write:   WRITE_FILE, REMOVE_DIR, REMOVE_FILE, MAKE_* (ABI 1), REFER (ABI 2),
 *            TRUNCATE (ABI 3), IOCTL_DEV (ABI 5)
 * - execute: EXECUTE
 * - net_bind / net_connect: NET_BIND_TCP / NET_CONNECT_TCP (ABI 4)
 */

export type LandlockFsGrant = 'read' | 'write' | 'execute';

/** The ABI version that introduced each LANDLOCK_ACCESS_FS_* right. */
export const FS_RIGHT_ABI: Readonly<Record<string, number>> = {
  EXECUTE: 1,
  WRITE_FILE: 1,
  READ_FILE: 1,
  READ_DIR: 1,
  REMOVE_DIR: 1,
  REMOVE_FILE: 1,
  MAKE_CHAR: 1,
  MAKE_DIR: 1,
  MAKE_REG: 1,
  MAKE_SOCK: 1,
  MAKE_FIFO: 1,
  MAKE_BLOCK: 1,
  MAKE_SYM: 1,
  REFER: 2,
  TRUNCATE: 3,
  IOCTL_DEV: 5,
};

/** The ABI version that introduced each LANDLOCK_ACCESS_NET_* right. */
export const NET_RIGHT_ABI: Readonly<Record<string, number>> = {
  BIND_TCP: 4,
  CONNECT_TCP: 4,
};

/** Network rules (LANDLOCK_RULE_NET_PORT) exist from this ABI on. */
export const LANDLOCK_NET_ABI = 4;

const GRANT_RIGHTS: Readonly<Record<LandlockFsGrant, readonly string[]>> = {
  read: ['READ_FILE', 'READ_DIR'],
  write: [
    'WRITE_FILE',
    'REMOVE_DIR',
    'REMOVE_FILE',
    'MAKE_CHAR',
    'MAKE_DIR',
    'MAKE_REG',
    'MAKE_SOCK',
    'MAKE_FIFO',
    'MAKE_BLOCK',
    'MAKE_SYM',
    'REFER',
    'TRUNCATE',
    'IOCTL_DEV',
  ],
  execute: ['EXECUTE'],
};

/**
 * The rights a rule on a non-directory may carry; landlock_add_rule fails with EINVAL for a file
 * with any other right (security/landlock/fs.c, ACCESS_FILE).
 */
const FILE_RIGHTS = ['EXECUTE', 'WRITE_FILE', 'READ_FILE', 'TRUNCATE', 'IOCTL_DEV'];

const LATEST = Number.POSITIVE_INFINITY;

function fsBit(right: string): bigint {
  return landlockConstant(`LANDLOCK_ACCESS_FS_${right}`);
}

function bitsOf(
  rights: readonly string[],
  abiOf: Readonly<Record<string, number>>,
  bit: (right: string) => bigint,
  abi: number,
): bigint {
  return rights
    .filter((right) => (abiOf[right] ?? LATEST) <= abi)
    .reduce((mask, right) => mask | bit(right), 0n);
}

/** Every file system right of ABI `abi` (all the tables know when omitted). */
export function landlockFsRights(abi: number = LATEST): bigint {
  return bitsOf(Object.keys(FS_RIGHT_ABI), FS_RIGHT_ABI, fsBit, abi);
}

/** Every network right of ABI `abi`; 0 below ABI 4. */
export function landlockNetRights(abi: number = LATEST): bigint {
  return bitsOf(Object.keys(NET_RIGHT_ABI), NET_RIGHT_ABI, netBit, abi);
}

function netBit(right: string): bigint {
  return landlockConstant(`LANDLOCK_ACCESS_NET_${right}`);
}

/** The rights a `read`, `write` or `execute` grant stands for on ABI `abi`. */
export function landlockGrantRights(grant: LandlockFsGrant, abi: number = LATEST): bigint {
  return bitsOf(GRANT_RIGHTS[grant], FS_RIGHT_ABI, fsBit, abi);
}

/** The part of `access` a rule on a regular file (not a directory) may carry. */
export function landlockFileAccess(access: bigint): bigint {
  return access & bitsOf(FILE_RIGHTS, FS_RIGHT_ABI, fsBit, LATEST);
}

/** LANDLOCK_ACCESS_NET_BIND_TCP or LANDLOCK_ACCESS_NET_CONNECT_TCP. */
export function landlockNetRight(kind: 'bind' | 'connect'): bigint {
  return netBit(kind === 'bind' ? 'BIND_TCP' : 'CONNECT_TCP');
}

/** `READ_FILE|READ_DIR` style names of the file system bits in `access`, for messages. */
export function landlockFsRightNames(access: bigint): string[] {
  return Object.keys(FS_RIGHT_ABI).filter((right) => (access & fsBit(right)) !== 0n);
}

/** The grant (`read`, `write`, `execute`) a file system right belongs to. */
export function grantOf(right: string): LandlockFsGrant | undefined {
  return (Object.keys(GRANT_RIGHTS) as LandlockFsGrant[]).find((g) =>
    GRANT_RIGHTS[g].includes(right),
  );
}
