import { describe, expect, it } from 'vitest';
import { actionHoverLines } from './action-docs';
import {
  argumentHover,
  constantHover,
  groupHover,
  policyHover,
  syscallHover,
} from './hover-content';

const POLICY = `version: 1
linux:
  seccomp:
    arch: [x86_64, aarch64]
    default: kill-process
    rules:
      - allow: [openat, "@basic-io"]
      - allow: ioctl
        when: "arg1 in {TCGETS, FIONREAD}"
      - errno: EACCES
        syscalls: [mmap]
`;

const hoverAt = (marker: string, skip = 0) => policyHover(POLICY, POLICY.indexOf(marker) + skip);

describe('syscallHover', () => {
  it('shows the description, the C signature, numbers per arch and the page', () => {
    const lines = syscallHover('openat');
    expect(lines[0]).toBe('**openat** — open and possibly create a file');
    expect(lines[1]).toBe(
      '```c\nint openat(int dirfd, const char *pathname, int flags, mode_t mode)\n```',
    );
    expect(lines).toContain(
      'Numbers: x86_64 257 · i386 295 · x32 0x40000101 · aarch64 56 · arm 322 · riscv64 56',
    );
    expect(lines.at(-1)).toBe('man open(2)');
  });

  it('says when the signature is a wrapper of another name, or when no page exists', () => {
    expect(syscallHover('pread64').join('\n')).toMatch(/C library's `pread`/);
    expect(syscallHover('io_uring_setup')).toContain('No man page for it on this machine.');
    expect(syscallHover('open').join('\n')).toMatch(/aarch64 —/);
    expect(syscallHover('nonsense')).toEqual([]);
  });
});

describe('groupHover', () => {
  it('lists members and counts per arch', () => {
    const lines = groupHover('@basic-io', ['x86_64']);
    expect(lines[0]).toMatch(/^\*\*@basic-io\*\* — /);
    expect(lines[1]).toContain('read');
    expect(lines[2]).toMatch(/^Syscalls: \d+ on x86_64$/);
    expect(groupHover('@nothing', ['x86_64'])).toEqual([]);
  });
});

describe('constantHover', () => {
  it('groups arches with the same value and names missing ones', () => {
    expect(constantHover('TCGETS', ['x86_64', 'i386'])).toEqual([
      '**TCGETS** = 0x5401 (21505) on x86_64, i386',
    ]);
    expect(constantHover('AT_FDCWD', ['x86_64'])).toEqual([
      '**AT_FDCWD** = -100 (0xffffffffffffff9c) on x86_64',
    ]);
    expect(constantHover('NOPE', ['x86_64'])).toEqual([]);
  });
});

describe('argumentHover', () => {
  it("names each syscall's parameter, with the 32-bit hint for ints", () => {
    expect(argumentHover(1, ['ioctl'])).toEqual([
      '**arg1** — argument 1 of the syscall, as a 64-bit register value',
      'ioctl: `unsigned long request`',
    ]);
    expect(argumentHover(2, ['mmap', 'getpid'])[1]).toMatch(
      /^mmap: `int prot` — a 32-bit `int`: `\(int\)arg2` compares only the low half$/,
    );
    expect(argumentHover(2, ['getpid'])[1]).toBe('getpid: takes no argument 2');
  });
});

describe('actionHoverLines', () => {
  it('explains an action and its return value', () => {
    expect(actionHoverLines('kill-process')[0]).toMatch(/whole process is killed/);
    const errno = actionHoverLines('errno EACCES');
    expect(errno[1]).toBe('EACCES = 13: Permission denied');
    expect(errno[2]).toBe('Filter return value: `ERRNO(13)` (0x0005000d)');
    expect(actionHoverLines('errno')[0]).toMatch(/fails with this error/);
    expect(actionHoverLines('explode')).toEqual([]);
  });
});

describe('policyHover', () => {
  it('explains what is under the cursor, with its range', () => {
    const openat = hoverAt('openat', 2);
    expect(openat?.contents[0]).toMatch(/^\*\*openat\*\*/);
    expect(openat?.start).toBe(POLICY.indexOf('openat'));
    expect(openat?.end).toBe(POLICY.indexOf('openat') + 6);
    expect(hoverAt('"@basic-io"', 2)?.contents[0]).toMatch(/@basic-io/);
    expect(hoverAt('kill-process')?.contents[0]).toMatch(/^\*\*kill-process\*\*/);
    expect(hoverAt('EACCES')?.contents[0]).toBe('**EACCES** = 13 — Permission denied');
  });

  it('explains arguments and constants inside a condition, on the policy’s arches', () => {
    const arg = hoverAt('arg1', 1);
    expect(arg?.contents[1]).toBe('ioctl: `unsigned long request`');
    expect(arg?.start).toBe(POLICY.indexOf('arg1'));
    expect(arg?.end).toBe(POLICY.indexOf('arg1') + 4);
    const constant = hoverAt('FIONREAD', 3);
    expect(constant?.contents[0]).toMatch(
      /^\*\*FIONREAD\*\* = 0x541b \(21531\) on x86_64, aarch64$/,
    );
    expect(hoverAt(' in {', 1)).toBeUndefined();
    expect(hoverAt('version')).toBeUndefined();
  });
});
