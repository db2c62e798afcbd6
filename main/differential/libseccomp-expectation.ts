import { actionReturnValue } from '../../app/bpf/actions';
import type { SeccompData } from '../../app/bpf/program';
import type { LibseccompFilter } from '../../app/formats/libseccomp-filter';
import { AUDIT_ARCH } from '../../app/linux/constants';
import { archPolicyFor, interpretResolved } from '../../app/policy/interpret';
import type { ArgCondition, ResolvedPolicy } from '../../app/policy/resolved';

/*
 * Where libseccomp 2.5.4's filter and the policy's meaning part on purpose (see the notes in
 * app/formats/libseccomp-meaning.ts), so a differential test can check the documented behaviour
 * there instead of skipping it.
 */

const X86_64_ARCH: number = AUDIT_ARCH.AUDIT_ARCH_X86_64 >>> 0;

/**
 * libseccomp compares numbers of syscalls an arch lacks as negative pseudo numbers (__PNR_*,
 * -101 … about -10300); where an arch's code has no range check they are reachable.
 */
const PSEUDO_NR_FLOOR = 2 ** 32 - 11_000;

export type Expectation =
  | {
      readonly kind: 'same';
      readonly ret: number;
      /** Set where libseccomp 2.5.4 is known to get it wrong: a mismatch is its bug. */
      readonly knownBug?: string;
    }
  | { readonly kind: 'documented'; readonly ret: number; readonly why: string }
  | { readonly kind: 'unmodelled'; readonly why: string };

function usesRangeCompare(condition: ArgCondition): boolean {
  switch (condition.kind) {
    case 'cmp':
      return condition.op !== '==';
    case 'and':
    case 'or':
      return condition.items.some(usesRangeCompare);
    case 'not':
      return usesRangeCompare(condition.item);
    default:
      return false;
  }
}

/**
 * libseccomp 2.5.4 bug, found by these tests: when several rules with the same action and
 * argument comparisons name one syscall and one of them uses < <= > >= or !=, the program it
 * generates can take a failed comparison of one rule into the remaining comparisons of another
 * (e.g. `a0 > 0 && a1 == 0` OR `a3 == 0` matches a0 = 0, a1 = 0, a3 = -1). Rules with only == and
 * masked == comparisons, and rules with different actions on disjoint values, come out right.
 */
function knownBug(policy: ResolvedPolicy, data: SeccompData): string | undefined {
  const arch = archPolicyFor(policy, data);
  const rules = arch?.rules.filter((r) => r.nr >>> 0 === data.nr >>> 0) ?? [];
  const chains = rules.filter((r) => r.condition.kind !== 'true');
  const byAction = new Map<number, number>();
  for (const r of chains) {
    const ret = actionReturnValue(r.action);
    byAction.set(ret, (byAction.get(ret) ?? 0) + 1);
  }
  const shared = chains.filter((r) => (byAction.get(actionReturnValue(r.action)) ?? 0) > 1);
  return shared.some((r) => usesRangeCompare(r.condition))
    ? 'libseccomp 2.5.4 merges OR-ed rules with range comparisons wrongly'
    : undefined;
}

/** What libseccomp's program for `filter` returns, given `policy` = its meaning. */
export function libseccompExpectation(
  filter: LibseccompFilter,
  policy: ResolvedPolicy,
  data: SeccompData,
): Expectation {
  const nr = data.nr >>> 0;
  const arch = data.arch >>> 0;
  const listed = policy.arches.some((a) => a.auditArch >>> 0 === arch);
  const x86_64 = filter.arches.includes('x86_64');
  const x32 = filter.arches.includes('x32');
  const native = policy.arches.find((a) => a.arch === 'x86_64');
  if (arch === X86_64_ARCH && x86_64 && !x32 && nr === 0xffffffff && native) {
    return {
      kind: 'documented',
      ret: actionReturnValue(native.defaultAction),
      why: 'x86_64 without x32: libseccomp lets nr -1 (a tracer skip) reach the default action',
    };
  }
  const rangeChecked = arch === X86_64_ARCH && x86_64 && !x32;
  if (listed && !rangeChecked && nr >= PSEUDO_NR_FLOOR) {
    return { kind: 'unmodelled', why: 'libseccomp pseudo syscall numbers' };
  }
  const ret = actionReturnValue(interpretResolved(policy, data));
  const bug = knownBug(policy, data);
  return bug === undefined ? { kind: 'same', ret } : { kind: 'same', ret, knownBug: bug };
}
