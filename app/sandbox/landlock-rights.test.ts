import { describe, expect, it } from 'vitest';
import { LANDLOCK, landlockConstant } from '../linux/layer-constants';
import {
  FS_RIGHT_ABI,
  grantOf,
  landlockFileAccess,
  landlockFsRightNames,
  landlockFsRights,
  landlockGrantRights,
  landlockNetRight,
  landlockNetRights,
  NET_RIGHT_ABI,
} from './landlock-rights';

const fs = (name: string) => landlockConstant(`LANDLOCK_ACCESS_FS_${name}`);
const headerRights = (prefix: string) =>
  [...LANDLOCK.keys()].filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length));

describe('Landlock rights', () => {
  it('classifies every right the header defines, and only those', () => {
    expect(Object.keys(FS_RIGHT_ABI).sort()).toEqual(headerRights('LANDLOCK_ACCESS_FS_').sort());
    expect(Object.keys(NET_RIGHT_ABI).sort()).toEqual(headerRights('LANDLOCK_ACCESS_NET_').sort());
  });

  it('puts every file system right in exactly one grant', () => {
    for (const right of Object.keys(FS_RIGHT_ABI)) expect(grantOf(right)).toBeDefined();
    const [read, write, execute] = [
      landlockGrantRights('read'),
      landlockGrantRights('write'),
      landlockGrantRights('execute'),
    ];
    expect(read & write).toBe(0n);
    expect(read & execute).toBe(0n);
    expect(write & execute).toBe(0n);
    expect(read | write | execute).toBe(landlockFsRights());
  });

  it('maps read, write and execute to the documented bits', () => {
    expect(landlockGrantRights('read')).toBe(fs('READ_FILE') | fs('READ_DIR'));
    expect(landlockGrantRights('execute')).toBe(fs('EXECUTE'));
    expect(landlockFsRightNames(landlockGrantRights('write'))).toEqual([
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
    ]);
  });

  it('grows with the ABI version', () => {
    const abi1 = (1n << 13n) - 1n; // EXECUTE .. MAKE_SYM
    expect(landlockFsRights(1)).toBe(abi1);
    expect(landlockFsRights(2)).toBe(abi1 | fs('REFER'));
    expect(landlockFsRights(3)).toBe(landlockFsRights(2) | fs('TRUNCATE'));
    expect(landlockFsRights(4)).toBe(landlockFsRights(3));
    expect(landlockFsRights(5)).toBe(landlockFsRights(4) | fs('IOCTL_DEV'));
    expect(landlockFsRights(7)).toBe(landlockFsRights());
    expect(landlockGrantRights('write', 1) & fs('TRUNCATE')).toBe(0n);
    expect(landlockGrantRights('write', 3) & fs('TRUNCATE')).toBe(fs('TRUNCATE'));
    expect(landlockNetRights(3)).toBe(0n);
    expect(landlockNetRights(4)).toBe(landlockNetRight('bind') | landlockNetRight('connect'));
  });

  it('keeps only file rights for a rule on a file', () => {
    const all = landlockFsRights();
    expect(landlockFsRightNames(landlockFileAccess(all))).toEqual([
      'EXECUTE',
      'WRITE_FILE',
      'READ_FILE',
      'TRUNCATE',
      'IOCTL_DEV',
    ]);
    expect(landlockFileAccess(landlockGrantRights('read'))).toBe(fs('READ_FILE'));
  });
});
