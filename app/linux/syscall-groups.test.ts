import { describe, expect, it } from 'vitest';
import { SUPPORTED_ARCHES } from './arches';
import {
  expandGroup,
  expandGroupDetailed,
  syscallGroup,
  syscallGroupNames,
  SYSCALL_GROUPS_SOURCE,
  ungroupedSyscalls,
} from './syscall-groups';
import { syscallNumber } from './syscalls';

describe('systemd syscall groups', () => {
  it('has systemd’s groups with descriptions', () => {
    expect(syscallGroupNames()).toEqual(
      expect.arrayContaining([
        '@default',
        '@basic-io',
        '@file-system',
        '@network-io',
        '@process',
        '@signal',
        '@system-service',
        '@known',
      ]),
    );
    for (const name of syscallGroupNames()) {
      const group = syscallGroup(name);
      expect(group?.description, name).toBeTruthy();
      expect(group?.members.length, name).toBeGreaterThan(0);
    }
    expect(SYSCALL_GROUPS_SOURCE).toMatch(/^systemd \d+/);
  });

  it('finds a group with or without the @', () => {
    expect(syscallGroup('basic-io')).toBe(syscallGroup('@basic-io'));
    expect(syscallGroup('@basic-io')?.members).toEqual(expect.arrayContaining(['read', 'write']));
    expect(syscallGroup('@no-such-group')).toBeUndefined();
  });

  it('keeps nesting in members and expands it recursively', () => {
    const service = syscallGroup('@system-service');
    expect(service?.members).toEqual(expect.arrayContaining(['@basic-io', '@file-system']));
    const expanded = expandGroup('@system-service', 'x86_64');
    expect(expanded).toEqual(expect.arrayContaining(['read', 'openat', 'execve', 'ioctl']));
    expect(expanded.some((n) => n.startsWith('@'))).toBe(false);
    expect(new Set(expanded).size).toBe(expanded.length);
    // Everything in a nested group is in the expansion of the outer one.
    for (const name of expandGroup('@file-system', 'x86_64')) expect(expanded).toContain(name);
  });

  it('keeps only what the arch has, and reports the rest', () => {
    const x86 = expandGroupDetailed('@default', 'x86_64');
    expect(x86.syscalls).toContain('arch_prctl');
    expect(x86.unknown).toEqual(expect.arrayContaining(['cacheflush', 'riscv_flush_icache']));
    expect(x86.syscalls).not.toContain('cacheflush');
    const arm = expandGroupDetailed('@default', 'arm');
    expect(arm.syscalls).toContain('cacheflush');
    expect(arm.unknown).toContain('arch_prctl');
    for (const arch of SUPPORTED_ARCHES) {
      const { syscalls, unknown } = expandGroupDetailed('@known', arch);
      for (const name of syscalls) expect(syscallNumber(arch, name), name).toBeDefined();
      for (const name of unknown) expect(syscallNumber(arch, name), name).toBeUndefined();
    }
  });

  it('resolves aliases: arm’s sync_file_range2 in @sync', () => {
    expect(expandGroup('@sync', 'arm')).toContain('sync_file_range2');
  });

  it('gives each arch the numbers it really uses for a group', () => {
    const numbers = (arch: 'aarch64' | 'x86_64') =>
      expandGroup('@basic-io', arch).map((n) => syscallNumber(arch, n));
    expect(numbers('aarch64')).toContain(63); // read
    expect(numbers('x86_64')).toContain(0); // read
  });

  it('lists the ungrouped syscalls systemd knows', () => {
    expect(ungroupedSyscalls().length).toBeGreaterThan(0);
    expect(ungroupedSyscalls().some((n) => n.startsWith('#'))).toBe(false);
  });

  it('refuses unknown group names', () => {
    expect(() => expandGroup('@nope', 'x86_64')).toThrow(/unknown syscall group @nope/);
  });
});
