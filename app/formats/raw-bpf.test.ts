import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../bpf/compile';
import { fixtureBytes, LIBSECCOMP_FIXTURES } from '../bpf/decompile-fixtures';
import { disassemble, toHex } from '../bpf/disasm';
import { encodeProgram } from '../bpf/encode';
import { FormatError } from './format-result';
import { firstDifference, parsedPolicy, resolvedText } from './format-test-helpers';
import { importRawBpf } from './raw-bpf';

const POLICY = `version: 1
linux:
  seccomp:
    arch: [x86_64]
    default: errno EPERM
    rules:
      - allow: [read, write, exit_group]
      - allow: [ioctl]
        when: "arg1 == 0x5401"
`;

function importError(input: Uint8Array | string): FormatError {
  try {
    importRawBpf(input);
  } catch (error) {
    if (error instanceof FormatError) return error;
    throw error;
  }
  throw new Error('expected a FormatError');
}

describe('importRawBpf', () => {
  const compiled = compilePolicy(parsedPolicy(POLICY)).program;

  it('decompiles binary sock_filter bytes into an equivalent policy', () => {
    const result = importRawBpf(encodeProgram(compiled), { source: 'filter.bpf' });
    expect(result.warnings).toEqual([]);
    expect(result.policyText).toContain('filter.bpf');
    expect(result.disassembly).toContain('return ALLOW');
    expect(firstDifference(resolvedText(POLICY), resolvedText(result.policyText))).toBeUndefined();
  });

  it('reads seccomp-tools listings and hex text alike', () => {
    for (const text of [disassemble(compiled), toHex(compiled)]) {
      const result = importRawBpf(text);
      expect(result.program).toEqual(compiled);
      expect(
        firstDifference(resolvedText(POLICY), resolvedText(result.policyText)),
      ).toBeUndefined();
    }
  });

  it("decompiles libseccomp's filters", () => {
    const fixture = LIBSECCOMP_FIXTURES[0]!;
    const result = importRawBpf(fixtureBytes(fixture));
    parsedPolicy(result.policyText);
  });

  it('reports malformed input with its location', () => {
    const bad = importError('A = sys_number\nif (A == read) goto nowhere\nreturn ALLOW\n');
    expect(bad.range?.start.line).toBe(2);
    expect(importError(new Uint8Array([0, 0, 0]))).toBeInstanceOf(FormatError);
    // A filter the kernel would refuse (no return at the end).
    expect(importError('A = sys_number\n').message).toMatch(/refuse|return/i);
  });
});
