import { describe, expect, it } from 'vitest';
import { X86 } from './constants';
import {
  displaySyscallName,
  SUPPORTED_ARCHES,
  syscallEntries,
  syscallName,
  syscallNames,
  syscallNumber,
  SYSCALL_TABLE_SOURCE,
  type Arch,
} from './syscalls';

// Numbers every reference (man 2 syscall, strace, libseccomp) agrees on, one or two per arch.
const WELL_KNOWN: readonly [Arch, string, number][] = [
  ['x86_64', 'read', 0],
  ['x86_64', 'write', 1],
  ['x86_64', 'openat', 257],
  ['x86_64', 'exit_group', 231],
  ['i386', 'exit', 1],
  ['i386', 'write', 4],
  ['i386', 'socketcall', 102],
  ['i386', 'mmap2', 192],
  ['aarch64', 'openat', 56],
  ['aarch64', 'read', 63],
  ['aarch64', 'exit_group', 94],
  ['arm', 'write', 4],
  ['arm', 'openat', 322],
  ['riscv64', 'openat', 56],
  ['riscv64', 'write', 64],
];

describe('syscall tables', () => {
  it('covers the six ABIs', () => {
    expect(SUPPORTED_ARCHES).toEqual(['x86_64', 'i386', 'x32', 'aarch64', 'arm', 'riscv64']);
  });

  it.each(WELL_KNOWN)('%s %s = %d', (arch, name, nr) => {
    expect(syscallNumber(arch, name)).toBe(nr);
    expect(syscallName(arch, nr)).toBe(name);
  });

  it.each([
    ['x86_64', 340, 420],
    ['i386', 400, 480],
    ['x32', 320, 420],
    ['aarch64', 280, 340],
    ['arm', 380, 440],
    ['riscv64', 280, 340],
  ] as const)('%s has a plausible number of syscalls', (arch, min, max) => {
    const count = syscallEntries(arch).length;
    expect(count).toBeGreaterThanOrEqual(min);
    expect(count).toBeLessThanOrEqual(max);
  });

  it('stores x32 numbers as seccomp_data.nr holds them: with __X32_SYSCALL_BIT', () => {
    const bit = X86.__X32_SYSCALL_BIT;
    expect(bit).toBe(0x40000000);
    expect(syscallNumber('x32', 'read')).toBe(bit + 0);
    for (const { name, nr } of syscallEntries('x32')) {
      expect((nr & bit) !== 0, name).toBe(true);
    }
    // x32's own entries for calls whose x86_64 versions take 64-bit structures.
    expect(syscallNumber('x32', 'rt_sigaction')).toBe(bit + 512);
    expect(syscallNumber('x86_64', 'rt_sigaction')).toBe(13);
  });

  it('knows which syscalls an arch lacks', () => {
    expect(syscallNumber('aarch64', 'open')).toBeUndefined();
    expect(syscallNumber('riscv64', 'fork')).toBeUndefined();
    expect(syscallNumber('x86_64', 'socketcall')).toBeUndefined();
    expect(syscallNumber('x86_64', 'no_such_call')).toBeUndefined();
    expect(syscallName('x86_64', 100_000)).toBeUndefined();
  });

  it("includes arm's private syscalls above __ARM_NR_BASE and its aliases", () => {
    const cacheflush = syscallNumber('arm', 'cacheflush');
    expect(cacheflush).toBeDefined();
    expect(cacheflush).toBe((syscallNumber('arm', 'breakpoint') ?? 0) + 1);
    expect(cacheflush).toBeGreaterThan(0xf0000);
    expect(syscallNumber('arm', 'sync_file_range2')).toBe(
      syscallNumber('arm', 'arm_sync_file_range'),
    );
    expect(syscallName('arm', syscallNumber('arm', 'sync_file_range2') ?? -1)).toBe(
      'arm_sync_file_range',
    );
    expect(syscallNames('arm')).toContain('sync_file_range2');
    expect(syscallEntries('arm').map((e) => e.name)).not.toContain('sync_file_range2');
  });

  it('gives riscv64 its arch-specific call after __NR_arch_specific_syscall', () => {
    expect(syscallNumber('riscv64', 'riscv_flush_icache')).toBe(244 + 15);
  });

  it.each(SUPPORTED_ARCHES)('%s: one name per number, entries in number order', (arch) => {
    const entries = syscallEntries(arch);
    const numbers = entries.map((e) => e.nr);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect([...numbers].sort((a, b) => a - b)).toEqual(numbers);
    for (const { name, nr } of entries) {
      expect(syscallName(arch, nr)).toBe(name);
      expect(syscallNumber(arch, name)).toBe(nr);
    }
  });

  it('displays unknown numbers as nr_N', () => {
    expect(displaySyscallName('x86_64', 0)).toBe('read');
    expect(displaySyscallName('aarch64', 999)).toBe('nr_999');
  });

  it('says where the table came from', () => {
    expect(SYSCALL_TABLE_SOURCE).toMatch(/^linux-libc-dev \S+/);
  });
});
