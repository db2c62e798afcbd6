import { describe, expect, it } from 'vitest';
// The reference profile in shared/ (bench/profiles has the same content, formatted).
import dockerText from '../../bench/profiles/docker-default.json?raw';
import { FormatError } from './format-result';
import { firstDifference, resolvedText } from './format-test-helpers';
import { importOciProfile } from './oci-import';
import { DOCKER_DEFAULT_CAPABILITIES, ociToResolvedPolicy } from './oci-seccomp';
import { parseOciSeccomp } from './oci-seccomp-schema';

function meaning(text: string, options: Parameters<typeof ociToResolvedPolicy>[1] = {}) {
  const { profile } = parseOciSeccomp(text);
  if (!profile) throw new Error('test profile does not parse');
  return ociToResolvedPolicy(profile, options);
}

function importError(text: string, options = {}): FormatError {
  try {
    importOciProfile(text, options);
  } catch (error) {
    if (error instanceof FormatError) return error;
    throw error;
  }
  throw new Error('expected a FormatError');
}

describe("importOciProfile: Docker's default profile", () => {
  const imported = importOciProfile(dockerText, { source: 'docker-default.json' });

  it('writes a commented policy that parses without errors', () => {
    const text = imported.policyText;
    expect(text).toMatch(
      /^# Imported by sandbox-studio from the OCI seccomp profile docker-default/,
    );
    expect(text).toContain('arch: [x86_64, i386, x32]');
    expect(text).toContain('default: errno EPERM');
    expect(text).toContain('needs CAP_SYS_ADMIN');
    expect(text).toContain('when: "arg0 != 40"');
    expect(text).toContain('when: "arg0 in {0, 8, 0x20000, 0x20008, 0xffffffff}"');
    expect(text).toContain('when: "arg0 & 0x7e020000 == 0"');
    expect(text).toMatch(/- errno: ENOSYS\n\s+syscalls: \[clone3\]/);
    expect(text).not.toMatch(/\bbpf\b/);
    resolvedText(text);
  });

  it('means what runc’s libseccomp filter means, on every syscall and argument edge', () => {
    const ours = resolvedText(imported.policyText);
    expect(firstDifference(ours, meaning(dockerText), { x32LowArgsOnly: true })).toBeUndefined();
  });

  it('is told apart from a policy that differs in one argument value', () => {
    const changed = imported.policyText.replace('0x20008, ', '');
    const difference = firstDifference(resolvedText(changed), meaning(dockerText));
    expect(difference).toMatchObject({ nr: 135, args: expect.arrayContaining(['0x20008']) });
  });

  it('warns that x32 arguments are compared on 64 bits', () => {
    expect(imported.warnings.map((w) => w.message)).toEqual([expect.stringContaining('x32')]);
  });

  it('follows the chosen capability set', () => {
    const caps = [...DOCKER_DEFAULT_CAPABILITIES, 'SYS_ADMIN', 'cap_bpf'];
    const admin = importOciProfile(dockerText, { capabilities: caps });
    expect(admin.policyText).not.toContain('arg0 & 0x7e020000');
    expect(admin.policyText).toMatch(/\bbpf\b/);
    expect(admin.policyText).not.toContain('ENOSYS');
    const ours = resolvedText(admin.policyText);
    const reference = meaning(dockerText, {
      capabilities: [...DOCKER_DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN', 'CAP_BPF'],
    });
    expect(firstDifference(ours, reference, { x32LowArgsOnly: true })).toBeUndefined();
  });

  it('follows the host arch and kernel version', () => {
    const arm = importOciProfile(dockerText, { arch: 'aarch64', kernelVersion: '4.4' });
    expect(arm.policyText).toContain('arch: [aarch64, arm]');
    expect(arm.policyText).toContain('arm_fadvise64_64');
    expect(arm.policyText).not.toContain('process_vm_readv');
    const ours = resolvedText(arm.policyText);
    const reference = meaning(dockerText, { arch: 'aarch64', kernelVersion: '4.4' });
    expect(firstDifference(ours, reference)).toBeUndefined();
  });
});

const profile = (body: object) => JSON.stringify(body, null, 2);

describe('importOciProfile: every operator and action', () => {
  const text = profile({
    defaultAction: 'SCMP_ACT_KILL_PROCESS',
    architectures: ['SCMP_ARCH_X86_64'],
    syscalls: [
      { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
      { names: ['openat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 },
      { names: ['ptrace'], action: 'SCMP_ACT_TRACE', errnoRet: 7 },
      { names: ['kill'], action: 'SCMP_ACT_TRAP' },
      { names: ['getpid'], action: 'SCMP_ACT_LOG' },
      { names: ['tkill'], action: 'SCMP_ACT_KILL' },
      { names: ['mount'], action: 'SCMP_ACT_NOTIFY' },
      {
        names: ['mmap'],
        action: 'SCMP_ACT_ALLOW',
        args: [
          { index: 2, value: 4, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' },
          { index: 1, value: 4096, op: 'SCMP_CMP_LE' },
        ],
      },
      {
        names: ['lseek'],
        action: 'SCMP_ACT_ALLOW',
        args: [{ index: 2, value: 3, op: 'SCMP_CMP_LT' }],
      },
      {
        names: ['lseek'],
        action: 'SCMP_ACT_ERRNO',
        errnoRet: 22,
        args: [{ index: 2, value: 3, op: 'SCMP_CMP_GE' }],
      },
      {
        names: ['fcntl'],
        action: 'SCMP_ACT_ALLOW',
        // value bits outside the mask are ignored (libseccomp: value & mask)
        args: [{ index: 1, value: 0xff, valueTwo: 0x1ff, op: 'SCMP_CMP_MASKED_EQ' }],
      },
      {
        names: ['dup'],
        action: 'SCMP_ACT_ALLOW',
        args: [{ index: 0, value: 18446744073709551615n.toString(), op: 'SCMP_CMP_GT' }],
      },
      {
        // two comparisons of one argument: runc OR-s them
        names: ['close'],
        action: 'SCMP_ACT_ALLOW',
        args: [
          { index: 0, value: 1, op: 'SCMP_CMP_EQ' },
          { index: 0, value: 2, op: 'SCMP_CMP_EQ' },
        ],
      },
    ],
  }).replace('"18446744073709551615"', '18446744073709551615');

  it('keeps every action and comparison, and means the same', () => {
    const { policyText } = importOciProfile(text);
    expect(policyText).toContain('errno: EACCES');
    expect(policyText).toContain('action: trace 7');
    expect(policyText).toContain('action: trap');
    expect(policyText).toContain('action: log');
    expect(policyText).toContain('action: kill-thread');
    expect(policyText).toContain('action: notify');
    expect(policyText).toContain('"arg2 & 4 == 0 && arg1 <= 0x1000"');
    expect(policyText).toContain('"arg1 & 255 == 255"');
    expect(policyText).toContain('"arg0 > 0xffffffffffffffff"');
    expect(policyText).toContain('"arg0 in {1, 2}"');
    expect(firstDifference(resolvedText(policyText), meaning(text))).toBeUndefined();
  });
});

describe('importOciProfile: malformed input', () => {
  it('reports JSON syntax errors with a line and column', () => {
    const error = importError('{\n  "defaultAction": "SCMP_ACT_ALLOW",\n  "syscalls": [}\n');
    expect(error.range?.start.line).toBe(3);
  });

  it('reports unknown keys, actions and operators where they are', () => {
    const text = profile({
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', exclude: {} }],
    });
    const error = importError(text);
    expect(error.message).toContain('exclude');
    expect(error.range?.start.line).toBe(9);
    expect(importError(profile({ defaultAction: 'SCMP_ACT_MAYBE' })).message).toMatch(/SCMP_ACT/);
  });

  it('refuses rules whose order libseccomp leaves undefined', () => {
    const text = profile({
      defaultAction: 'SCMP_ACT_ERRNO',
      architectures: ['SCMP_ARCH_X86_64'],
      syscalls: [
        {
          names: ['ioctl'],
          action: 'SCMP_ACT_ALLOW',
          args: [{ index: 1, value: 5, op: 'SCMP_CMP_GE' }],
        },
        {
          names: ['ioctl'],
          action: 'SCMP_ACT_KILL',
          args: [{ index: 1, value: 9, op: 'SCMP_CMP_LE' }],
        },
      ],
    });
    const error = importError(text);
    expect(error.message).toMatch(/both match/);
    expect(error.range?.start.line).toBeGreaterThan(5);
  });

  it('refuses values wider than a 32-bit arch’s arguments', () => {
    const text = profile({
      defaultAction: 'SCMP_ACT_ERRNO',
      architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'],
      syscalls: [
        {
          names: ['dup'],
          action: 'SCMP_ACT_ALLOW',
          args: [{ index: 0, value: 4294967296, op: 'SCMP_CMP_EQ' }],
        },
      ],
    });
    const error = importError(text);
    expect(error.message).toMatch(/i386/);
    expect(error.range?.start.line).toBe(8);
  });

  it('refuses unknown capabilities and arches', () => {
    expect(importError(dockerText, { capabilities: ['CAP_FLY'] }).message).toContain('CAP_FLY');
    const text = profile({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_PPC64LE'] });
    expect(importError(text).message).toContain('SCMP_ARCH_PPC64LE');
  });
});
