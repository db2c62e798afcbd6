import { actionReturnValue, decodeReturnValue } from '../../app/bpf/actions';
import { runFilter } from '../../app/bpf/emulate';
import type { BpfProgram, SeccompData } from '../../app/bpf/program';
import type { LibseccompFilter } from '../../app/formats/libseccomp-filter';
import { interpretResolved } from '../../app/policy/interpret';
import type { ResolvedPolicy } from '../../app/policy/resolved';
import { libseccompExpectation } from './libseccomp-expectation';

/** One input on which a program did not return what it should. */
export interface Finding {
  readonly who: 'libseccomp' | 'ours';
  readonly data: SeccompData;
  readonly expected: number;
  readonly got: number;
  /** A libseccomp mismatch where it is known to be wrong (see libseccomp-expectation.ts). */
  readonly knownBug?: string;
}

export interface CheckSummary {
  readonly inputs: number;
  /** Inputs where libseccomp behaves differently from the policy on purpose (and was checked). */
  readonly documented: number;
  /** Inputs outside what the libseccomp model covers (skipped for libseccomp only). */
  readonly unmodelled: number;
  readonly findings: readonly Finding[];
}

/**
 * Runs libseccomp's program (and ours, when given) on every input in our emulator. libseccomp must
 * return what the policy means (or its documented deviation); ours must return exactly what the
 * policy means, so both agree wherever libseccomp's meaning is the policy's.
 */
export function checkPrograms(
  filter: LibseccompFilter,
  policy: ResolvedPolicy,
  libseccomp: BpfProgram,
  ours: BpfProgram | undefined,
  inputs: readonly SeccompData[],
): CheckSummary {
  const findings: Finding[] = [];
  let documented = 0;
  let unmodelled = 0;
  for (const data of inputs) {
    const expectation = libseccompExpectation(filter, policy, data);
    if (expectation.kind === 'unmodelled') unmodelled++;
    else {
      if (expectation.kind === 'documented') documented++;
      const got = runFilter(libseccomp, data).ret;
      if (got !== expectation.ret) {
        const knownBug = expectation.kind === 'same' ? expectation.knownBug : undefined;
        const expected = expectation.ret;
        findings.push({
          who: 'libseccomp',
          data,
          expected,
          got,
          ...(knownBug ? { knownBug } : {}),
        });
      }
    }
    if (ours) {
      const expected = actionReturnValue(interpretResolved(policy, data));
      const got = runFilter(ours, data).ret;
      if (got !== expected) findings.push({ who: 'ours', data, expected, got });
    }
  }
  return { inputs: inputs.length, documented, unmodelled, findings };
}

function verdictName(ret: number): string {
  const action = decodeReturnValue(ret);
  return action.data === 0 ? action.kind : `${action.kind} ${action.data}`;
}

/** A finding as one readable line. */
export function describeFinding(f: Finding): string {
  const args = f.data.args.map((a) => `0x${a.toString(16)}`).join(', ');
  return (
    `${f.who}: arch 0x${f.data.arch.toString(16)} nr ${f.data.nr} (${f.data.nr >>> 0}) args [${args}]: ` +
    `expected ${verdictName(f.expected)}, got ${verdictName(f.got)}`
  );
}
