import { describe, expect, it } from 'vitest';
import { SECCOMP } from '../linux/constants';
import {
  describeLibseccompAction,
  libseccompActionValue,
  libseccompRequest,
  sameLibseccompAction,
} from './libseccomp-filter';

describe('libseccompRequest', () => {
  it('writes the JSON the export script reads, 64-bit values as hex strings', () => {
    const request = libseccompRequest({
      arches: ['x86_64', 'x32'],
      defaultAction: { kind: 'errno', errno: 1 },
      badArchAction: { kind: 'kill-process' },
      optimize: 2,
      rules: [
        {
          syscall: 'mmap',
          action: { kind: 'trace', data: 7 },
          args: [
            { arg: 2, op: 'MASKED_EQ', mask: (1n << 64n) - 1n, value: 4n },
            { arg: 0, op: 'EQ', value: 0n },
          ],
        },
      ],
    });
    expect(JSON.parse(JSON.stringify(request))).toEqual({
      arches: ['x86_64', 'x32'],
      default: { kind: 'errno', errno: 1 },
      badArch: { kind: 'kill-process' },
      optimize: 2,
      rules: [
        {
          syscall: 'mmap',
          action: { kind: 'trace', data: 7 },
          args: [
            { arg: 2, op: 'MASKED_EQ', mask: '0xffffffffffffffff', value: '0x4' },
            { arg: 0, op: 'EQ', value: '0x0' },
          ],
        },
      ],
    });
  });
});

describe('libseccomp actions', () => {
  it('have the kernel return values', () => {
    expect(libseccompActionValue({ kind: 'trace', data: 0x1_0005 })).toBe(
      (SECCOMP.SECCOMP_RET_TRACE | 5) >>> 0,
    );
    expect(libseccompActionValue({ kind: 'errno', errno: 13 })).toBe(
      (SECCOMP.SECCOMP_RET_ERRNO | 13) >>> 0,
    );
    expect(sameLibseccompAction({ kind: 'allow' }, { kind: 'allow' })).toBe(true);
    expect(sameLibseccompAction({ kind: 'errno', errno: 1 }, { kind: 'errno', errno: 2 })).toBe(
      false,
    );
    expect(describeLibseccompAction({ kind: 'trace', data: 3 })).toBe('trace 3');
    expect(describeLibseccompAction({ kind: 'errno', errno: 3 })).toBe('errno 3');
    expect(describeLibseccompAction({ kind: 'log' })).toBe('log');
  });
});
