import { describe, expect, it } from 'vitest';
// The reference profile in shared/ (bench/profiles has the same content, formatted).
import dockerText from '../../bench/profiles/docker-default.json?raw';
import { parse } from 'yaml';
import { FormatError } from './format-result';
import { firstDifference, parsedPolicy, resolvedText } from './format-test-helpers';
import { exportK8sSeccompProfile, importK8sSeccompProfile } from './k8s-spo';
import { importOciProfile } from './oci-import';

const dockerPolicy = importOciProfile(dockerText).policyText;

const RESOURCE = `apiVersion: security-profiles-operator.x-k8s.io/v1beta1
kind: SeccompProfile
metadata:
  name: nginx
  namespace: web
  annotations:
    description: "an nginx profile"
spec:
  defaultAction: SCMP_ACT_ERRNO
  architectures:
    - SCMP_ARCH_X86_64
  syscalls:
    - action: SCMP_ACT_ALLOW
      names: [read, write, exit_group, futex]
    - action: SCMP_ACT_ERRNO
      errnoRet: "13"
      names: [openat]
    - action: SCMP_ACT_ALLOW
      names: [ioctl]
      args:
        - index: 1
          op: SCMP_CMP_EQ
    - action: SCMP_ACT_ALLOW
      names: [mmap]
      args:
        - index: 2
          value: 4
          valueTwo: 0
          op: SCMP_CMP_MASKED_EQ
`;

function importError(text: string): FormatError {
  try {
    importK8sSeccompProfile(text);
  } catch (error) {
    if (error instanceof FormatError) return error;
    throw error;
  }
  throw new Error('expected a FormatError');
}

describe('SeccompProfile import', () => {
  it('imports the spec, string errnoRet and omitted zero values included', () => {
    const { policyText, warnings } = importK8sSeccompProfile(RESOURCE);
    expect(warnings).toEqual([]);
    expect(policyText).toContain('SeccompProfile nginx');
    expect(policyText).toContain('errno: EACCES');
    expect(policyText).toContain('when: "arg1 == 0"');
    expect(policyText).toContain('when: "arg2 & 4 == 0"');
    resolvedText(policyText);
  });

  it('warns about a base profile it cannot follow', () => {
    const text = RESOURCE.replace('spec:\n', 'spec:\n  baseProfileName: runc-v1.0.0\n');
    const { warnings } = importK8sSeccompProfile(text);
    expect(warnings).toEqual([
      { message: expect.stringContaining('runc-v1.0.0'), range: expect.objectContaining({}) },
    ]);
    expect(warnings[0]?.range?.start.line).toBe(9);
  });

  it('reports malformed resources with their location', () => {
    expect(
      importError(RESOURCE.replace('kind: SeccompProfile', 'kind: Pod')).range?.start.line,
    ).toBe(2);
    const badOp = importError(RESOURCE.replace('op: SCMP_CMP_EQ', 'op: SCMP_CMP_ABOUT'));
    expect(badOp.range?.start.line).toBe(22);
    const unknownKey = importError(
      RESOURCE.replace('      names: [openat]', '      nmes: [openat]'),
    );
    expect(unknownKey.message).toMatch(/"nmes"|"names"/);
    expect(unknownKey.range?.start.line).toBeGreaterThanOrEqual(15);
    expect(unknownKey.range?.start.line).toBeLessThanOrEqual(18);
    const syntax = importError('spec: [\n');
    expect(syntax.range?.start.line).toBeGreaterThanOrEqual(1);
    expect(importError(RESOURCE.replace('v1beta1', 'v9')).message).toContain('apiVersion');
  });
});

describe('SeccompProfile round trip', () => {
  it("export → import gives Docker's default policy back, equivalent on every input", () => {
    const exported = exportK8sSeccompProfile(parsedPolicy(dockerPolicy), { namespace: 'apps' });
    const doc = parse(exported.text, { intAsBigInt: true }) as {
      kind: string;
      metadata: { name: string; namespace: string };
      spec: { syscalls: { errnoRet?: string }[] };
    };
    expect(doc.kind).toBe('SeccompProfile');
    expect(doc.metadata).toEqual({ name: 'oci-seccomp-profile', namespace: 'apps' });
    expect(doc.spec.syscalls.some((s) => s.errnoRet === '38')).toBe(true);
    const back = importK8sSeccompProfile(exported.text).policyText;
    expect(firstDifference(resolvedText(dockerPolicy), resolvedText(back))).toBeUndefined();
  });

  it('warns that the default errno becomes EPERM', () => {
    const policy = parsedPolicy(
      'version: 1\nlinux:\n  seccomp:\n    default: errno EACCES\n    rules:\n      - allow: [read]\n',
    );
    const { warnings } = exportK8sSeccompProfile(policy);
    expect(warnings).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('EPERM instead of errno EACCES'),
      }),
    ]);
    expect(warnings[0]?.range?.start.line).toBe(4);
  });
});
