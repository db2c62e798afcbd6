import { describe, expect, it } from 'vitest';
import dockerDefault from '../../bench/profiles/docker-default.json?raw';
import { ourArch } from './libseccomp-meaning';
import type { LibseccompFilter } from './libseccomp-filter';
import {
  DOCKER_DEFAULT_CAPABILITIES,
  importDiagnostic,
  OciImportError,
  ociToLibseccomp,
  ociToResolvedPolicy,
} from './oci-seccomp';
import { parseOciSeccomp, type OciSeccompProfile } from './oci-seccomp-schema';

function parsed(text: string): OciSeccompProfile {
  const result = parseOciSeccomp(text);
  if (!result.profile) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.profile;
}

const docker = parsed(dockerDefault);

function rulesFor(filter: LibseccompFilter, name: string) {
  return filter.rules.filter((r) => r.syscall === name);
}

describe("Docker's default profile", () => {
  it('parses without diagnostics, with a range per entry', () => {
    expect(parseOciSeccomp(dockerDefault).diagnostics).toEqual([]);
    expect(docker.syscalls).toHaveLength(31);
    const first = docker.syscalls[0]?.range;
    const second = docker.syscalls[1]?.range;
    expect(first?.start.line).toBeGreaterThan(1);
    expect(second?.start.line).toBeGreaterThan(first?.end.line ?? 0);
  });

  it('becomes the filter runc builds on x86_64 with Docker’s capabilities', () => {
    const filter = ociToLibseccomp(docker);
    expect(filter.arches).toEqual(['x86_64', 'x86', 'x32']);
    expect(filter.defaultAction).toEqual({ kind: 'errno', errno: 1 });
    expect(filter.badArchAction).toEqual({ kind: 'kill-process' });
    expect(rulesFor(filter, 'read')).toEqual([
      expect.objectContaining({ action: { kind: 'allow' }, args: [] }),
    ]);
    // CAP_SYS_ADMIN is not in the set: clone only without namespace flags, clone3 → ENOSYS.
    expect(rulesFor(filter, 'clone').map((r) => r.args)).toEqual([
      [{ arg: 0, op: 'MASKED_EQ', mask: 0x7e020000n, value: 0n }],
    ]);
    expect(rulesFor(filter, 'clone3').map((r) => r.action)).toEqual([{ kind: 'errno', errno: 38 }]);
    expect(rulesFor(filter, 'bpf')).toEqual([]);
    expect(rulesFor(filter, 'chroot')).toHaveLength(1); // CAP_SYS_CHROOT is a default cap
    expect(rulesFor(filter, 'arch_prctl')).toHaveLength(1); // includes.arches amd64
    expect(rulesFor(filter, 'riscv_flush_icache')).toEqual([]);
    expect(rulesFor(filter, 'ptrace')).toHaveLength(1); // minKernel 4.8, kernel unknown: met
    expect(rulesFor(filter, 'personality').map((r) => r.args[0]?.value)).toEqual([
      0n,
      8n,
      0x20000n,
      0x20008n,
      0xffffffffn,
    ]);
  });

  it('follows the capabilities, the kernel version and the host arch', () => {
    const admin = ociToLibseccomp(docker, {
      capabilities: [...DOCKER_DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN'],
    });
    expect(rulesFor(admin, 'clone').map((r) => r.args)).toEqual([[]]);
    expect(rulesFor(admin, 'clone3').map((r) => r.action)).toEqual([{ kind: 'allow' }]);
    expect(rulesFor(admin, 'bpf')).toHaveLength(1);
    const old = ociToLibseccomp(docker, { kernelVersion: '4.4.0' });
    expect(rulesFor(old, 'ptrace')).toEqual([]);
    expect(rulesFor(ociToLibseccomp(docker, { kernelVersion: '4.8' }), 'ptrace')).toHaveLength(1);
    const arm64 = ociToLibseccomp(docker, { arch: 'aarch64' });
    expect(arm64.arches).toEqual(['aarch64', 'arm']);
    expect(rulesFor(arm64, 'arm_fadvise64_64')).toHaveLength(1);
    expect(rulesFor(arm64, 'arch_prctl')).toEqual([]);
  });

  it('means a resolved policy per arch', () => {
    if (!(['x86_64', 'x86', 'x32'] as const).every((a) => ourArch(a))) return;
    const policy = ociToResolvedPolicy(docker);
    expect(policy.arches.map((a) => a.arch)).toEqual(['x86_64', 'i386', 'x32']);
    const x86_64 = policy.arches[0];
    const personality = x86_64?.rules.filter((r) => r.condition.kind === 'cmp') ?? [];
    expect(personality.length).toBeGreaterThanOrEqual(6); // 5 personality values + clone + socket
    expect(x86_64?.defaultAction).toEqual({ kind: 'errno', errno: 1 });
  });
});

describe('parseOciSeccomp errors', () => {
  it('reports JSON syntax errors with a position', () => {
    const result = parseOciSeccomp('{"defaultAction": "SCMP_ACT_ALLOW",\n  "syscalls": [}');
    expect(result.profile).toBeUndefined();
    expect(result.diagnostics[0]?.code).toBe('json-syntax');
    expect(result.diagnostics[0]?.range.start.line).toBe(2);
  });

  it('underlines unknown keys, bad values and missing keys', () => {
    const text = [
      '{',
      '  "defaultAction": "SCMP_ACT_ERRNO",',
      '  "syscalls": [',
      '    { "names": ["read"], "action": "SCMP_ACT_ALLOW", "exclude": { "caps": [] } },',
      '    { "names": ["mmap"], "action": "SCMP_ACT_ALLOW",',
      '      "args": [{ "index": 6, "value": -1, "op": "SCMP_CMP_SOMETIMES" }] },',
      '    { "action": "SCMP_ACT_ALLOW" }',
      '  ]',
      '}',
    ].join('\n');
    const { profile, diagnostics } = parseOciSeccomp(text);
    expect(profile).toBeUndefined();
    const at = diagnostics.map((d) => [d.range.start.line, d.code, d.message]);
    expect(at).toEqual(
      expect.arrayContaining([
        [4, 'unknown-key', expect.stringContaining('"exclude"')],
        [6, 'invalid-value', expect.stringMatching(/5/)],
        [6, 'invalid-value', expect.stringMatching(/non-negative|>=/)],
        [6, 'invalid-value', expect.stringMatching(/SCMP_CMP_EQ/)],
        [7, expect.any(String), expect.stringContaining('"names"')],
      ]),
    );
  });

  it('keeps 64-bit values exact', () => {
    const profile = parsed(
      JSON.stringify({
        defaultAction: 'SCMP_ACT_ALLOW',
        syscalls: [{ names: ['kill'], action: 'SCMP_ACT_ERRNO', args: [] }],
      }).replace(
        '"args":[]',
        '"args":[{"index":0,"value":18446744073709551615,"op":"SCMP_CMP_EQ"}]',
      ),
    );
    expect(profile.syscalls[0]?.args?.[0]?.value).toBe((1n << 64n) - 1n);
  });

  it('rejects an empty document', () => {
    expect(parseOciSeccomp('').diagnostics[0]?.severity).toBe('error');
  });
});

describe('ociToLibseccomp details', () => {
  const profile = (syscalls: unknown[], extra: Record<string, unknown> = {}) =>
    parsed(JSON.stringify({ defaultAction: 'SCMP_ACT_KILL_PROCESS', syscalls, ...extra }));

  it('splits an entry comparing one argument twice into one rule per comparison (runc)', () => {
    const filter = ociToLibseccomp(
      profile([
        {
          names: ['setgid'],
          action: 'SCMP_ACT_ALLOW',
          args: [
            { index: 0, value: 0, op: 'SCMP_CMP_EQ' },
            { index: 0, value: 100, op: 'SCMP_CMP_GE' },
          ],
        },
      ]),
    );
    expect(filter.rules.map((r) => r.args.length)).toEqual([1, 1]);
  });

  it('maps every action, errnoRet defaulting to EPERM', () => {
    const actions = [
      'SCMP_ACT_KILL',
      'SCMP_ACT_KILL_THREAD',
      'SCMP_ACT_KILL_PROCESS',
      'SCMP_ACT_TRAP',
      'SCMP_ACT_ERRNO',
      'SCMP_ACT_TRACE',
      'SCMP_ACT_ALLOW',
      'SCMP_ACT_LOG',
      'SCMP_ACT_NOTIFY',
    ];
    const filter = ociToLibseccomp(profile(actions.map((action) => ({ names: ['read'], action }))));
    expect(filter.rules.map((r) => r.action)).toEqual([
      { kind: 'kill-thread' },
      { kind: 'kill-thread' },
      { kind: 'kill-process' },
      { kind: 'trap' },
      { kind: 'errno', errno: 1 },
      { kind: 'trace', data: 1 },
      { kind: 'allow' },
      { kind: 'log' },
      { kind: 'notify' },
    ]);
  });

  it('takes runtime-spec `architectures` before Docker’s archMap, and the host alone otherwise', () => {
    expect(ociToLibseccomp(profile([])).arches).toEqual(['x86_64']);
    const listed = profile([], { architectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X86_64'] });
    expect(ociToLibseccomp(listed).arches).toEqual(['x86', 'x86_64']);
  });

  it('fails with the entry’s range when the meaning is undefined, and on unknown arches', () => {
    const overlapping = profile([
      {
        names: ['openat'],
        action: 'SCMP_ACT_ALLOW',
        args: [{ index: 2, value: 0, op: 'SCMP_CMP_EQ' }],
      },
      {
        names: ['openat'],
        action: 'SCMP_ACT_ERRNO',
        args: [{ index: 3, value: 0, op: 'SCMP_CMP_EQ' }],
      },
    ]);
    let caught: unknown;
    try {
      ociToResolvedPolicy(overlapping);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(OciImportError);
    const diagnostic = importDiagnostic(caught as OciImportError);
    expect(diagnostic.range.start.line).toBe(1);
    expect(diagnostic.message).toMatch(/can both match/);
    const mips = profile([], { architectures: ['SCMP_ARCH_MIPS'] });
    expect(() => ociToLibseccomp(mips)).toThrow(/SCMP_ARCH_MIPS is not supported/);
  });
});
