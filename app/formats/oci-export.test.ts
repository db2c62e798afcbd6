import { describe, expect, it } from 'vitest';
// The reference profile in shared/ (bench/profiles has the same content, formatted).
import openssh from '../../examples/openssh-preauth.sandbox.yaml?raw';
import dockerText from '../../bench/profiles/docker-default.json?raw';
import { FormatError } from './format-result';
import { firstDifference, parsedPolicy, resolvedText } from './format-test-helpers';
import { exportOciProfile, policyToOciProfile } from './oci-export';
import { importOciProfile } from './oci-import';
import { parseOciSeccomp } from './oci-seccomp-schema';

/** policy text → OCI JSON → policy text, each step checked. */
function roundTrip(policyText: string) {
  const exported = exportOciProfile(parsedPolicy(policyText));
  expect(parseOciSeccomp(exported.text).diagnostics).toEqual([]);
  return { exported, reimported: importOciProfile(exported.text).policyText };
}

function exportError(policyText: string): FormatError {
  try {
    exportOciProfile(parsedPolicy(policyText));
  } catch (error) {
    if (error instanceof FormatError) return error;
    throw error;
  }
  throw new Error('expected a FormatError');
}

describe('OCI round trip: import → export → import', () => {
  it("gives back Docker's default profile, equivalent on every input", () => {
    const first = importOciProfile(dockerText).policyText;
    const { exported, reimported } = roundTrip(first);
    expect(exported.warnings.map((w) => w.message)).toEqual([expect.stringContaining('x32')]);
    const json = JSON.parse(exported.text) as { architectures: string[]; defaultErrnoRet: number };
    expect(json.architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
    expect(json.defaultErrnoRet).toBe(1);
    expect(firstDifference(resolvedText(first), resolvedText(reimported))).toBeUndefined();
  });

  it('exports the OpenSSH example (masks, sets, errno rules) equivalently', () => {
    const text = openssh;
    const { exported, reimported } = roundTrip(text);
    expect(exported.text).toContain('SCMP_CMP_MASKED_EQ');
    expect(firstDifference(resolvedText(text), resolvedText(reimported))).toBeUndefined();
  });

  it('keeps 64-bit values exact', () => {
    const text = `version: 1
linux:
  seccomp:
    arch: [x86_64]
    default: errno EPERM
    rules:
      - allow: [dup]
        when: "arg0 == 0xfffffffffffffff0 || arg1 < 0x100000000"
      - action: trace 9
        syscalls: [ptrace]
      - action: kill-thread
        syscalls: [kill]
`;
    const { exported, reimported } = roundTrip(text);
    expect(exported.text).toContain('18446744073709551600');
    expect(exported.text).toContain('"SCMP_ACT_TRACE"');
    expect(firstDifference(resolvedText(text), resolvedText(reimported))).toBeUndefined();
  });
});

describe('OCI export warnings and errors', () => {
  it('says what a profile cannot carry, at the policy text', () => {
    const text = `version: 1
linux:
  rlimits: { nofile: 64 }
  seccomp:
    arch: [x86_64, x32]
    default: kill-process
    bad_arch: errno EPERM
    rules:
      - allow: [read]
      - action: trap 5
        syscalls: [write]
      - allow: [lseek]
        when: "arg2 == 1"
`;
    const { warnings } = policyToOciProfile(parsedPolicy(text));
    const at = warnings.map((w) => [w.range?.start.line, w.message]);
    expect(at).toEqual(
      expect.arrayContaining([
        [expect.any(Number), expect.stringContaining('bad_arch')],
        [10, expect.stringContaining('trap 5')],
        [12, expect.stringContaining('x32')],
        [3, expect.stringContaining('rlimits')],
      ]),
    );
  });

  it('refuses 64-bit comparisons on x32, at the rule', () => {
    const error = exportError(`version: 1
linux:
  seccomp:
    arch: [x86_64, x32]
    default: kill-process
    rules:
      - allow: [read]
      - allow: [lseek]
        when: "arg1 == 0x100000000"
`);
    expect(error.message).toMatch(/x32/);
    expect(error.range?.start.line).toBe(8);
  });

  it('exports a policy without seccomp as a profile that allows everything', () => {
    const { profile, warnings } = policyToOciProfile(parsedPolicy('version: 1\nlinux: {}\n'));
    expect(profile.defaultAction).toBe('SCMP_ACT_ALLOW');
    expect(profile.syscalls).toEqual([]);
    expect(warnings).toEqual([]);
  });
});
