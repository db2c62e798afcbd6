import { EDGE_VALUES, interestingValues } from '../bpf/compile-arbitraries';
import { compileResolved } from '../bpf/compile';
import { canonicalReturn } from '../bpf/decompile-actions';
import { runFilter, seccompDataFor } from '../bpf/emulate';
import type { BpfProgram } from '../bpf/program';
import { AUDIT_ARCH } from '../linux/constants';
import type { Policy } from '../policy/model';
import { hasErrors, parsePolicy } from '../policy/parse';
import { resolvePolicy } from '../policy/resolve';
import type { ArgCondition, ResolvedPolicy } from '../policy/resolved';
import { formatDiagnostic } from '../policy/source-range';

/*
 * For the format tests: two policies are equivalent when their compiled filters give every
 * input the same verdict. "Every input": each arch of either policy plus foreign ones, syscall
 * numbers 0..1023, the x32 range and the ends of the number space, and for the numbers either
 * policy tests arguments of, edge values and values around their constants in each argument.
 */

const X32_BIT = 0x40000000;
const X86_64 = AUDIT_ARCH.AUDIT_ARCH_X86_64 >>> 0;
const FOREIGN = [AUDIT_ARCH.AUDIT_ARCH_S390X >>> 0, 0];

/** parsePolicy, failing loudly with the diagnostics and the text. */
export function parsedPolicy(text: string): Policy {
  const { policy, diagnostics } = parsePolicy(text);
  if (!policy || hasErrors(diagnostics)) {
    const lines = diagnostics.map((d) => formatDiagnostic('policy', d)).join('\n');
    throw new Error(`the policy does not parse:\n${lines}\n${text}`);
  }
  return policy;
}

export function resolvedText(text: string): ResolvedPolicy {
  return resolvePolicy(parsedPolicy(text));
}

export interface Difference {
  readonly arch: string;
  readonly nr: number;
  readonly args: readonly string[];
  readonly a: string;
  readonly b: string;
}

export interface Sampling {
  /** On x32 only vary the low 32 bits of arguments (libseccomp compares no more there). */
  readonly x32LowArgsOnly?: boolean;
}

function conditionalNumbers(policy: ResolvedPolicy): Map<number, number[]> {
  const byArch = new Map<number, number[]>();
  for (const arch of policy.arches) {
    const nrs = arch.rules.filter((r) => r.condition.kind !== 'true').map((r) => r.nr >>> 0);
    byArch.set(arch.auditArch >>> 0, [...(byArch.get(arch.auditArch >>> 0) ?? []), ...nrs]);
  }
  return byArch;
}

function numbers(): number[] {
  return [
    ...Array.from({ length: 1024 }, (_, i) => i),
    ...Array.from({ length: 600 }, (_, i) => X32_BIT + i),
    X32_BIT - 1,
    0x7fffffff,
    0xffffffff,
  ];
}

const hex = (v: number | bigint): string => `0x${v.toString(16)}`;

function verdict(p: BpfProgram, arch: number, nr: number, args: readonly bigint[]): number {
  return canonicalReturn(runFilter(p, seccompDataFor(nr, args, arch)).ret);
}

/** The first input on which the two policies' filters disagree, if any. */
export function firstDifference(
  a: ResolvedPolicy,
  b: ResolvedPolicy,
  sampling: Sampling = {},
): Difference | undefined {
  const pa = compileResolved(a).program;
  const pb = compileResolved(b).program;
  const auditArches = [
    ...new Set([...a.arches, ...b.arches].map((p) => p.auditArch >>> 0)),
    ...FOREIGN,
  ];
  const check = (arch: number, nr: number, args: readonly bigint[] = []) => {
    const va = verdict(pa, arch, nr, args);
    const vb = verdict(pb, arch, nr, args);
    if (va === vb) return undefined;
    return { arch: hex(arch), nr, args: args.map(hex), a: hex(va), b: hex(vb) };
  };
  for (const arch of auditArches) {
    for (const nr of numbers()) {
      const found = check(arch, nr);
      if (found) return found;
    }
  }
  const values = [...new Set([...EDGE_VALUES, ...interestingValues(a), ...interestingValues(b)])];
  const tested = [conditionalNumbers(a), conditionalNumbers(b)];
  for (const arch of auditArches) {
    const nrs = new Set(tested.flatMap((m) => m.get(arch) ?? []));
    for (const nr of nrs) {
      const lowOnly = sampling.x32LowArgsOnly && arch === X86_64 && nr >= X32_BIT;
      const own = lowOnly ? values.filter((v) => v <= 0xffff_ffffn) : values;
      for (const value of own) {
        for (let arg = 0; arg < 6; arg++) {
          const args = Array.from({ length: 6 }, (_, i) => (i === arg ? value : 0n));
          const found = check(arch, nr, args) ?? check(arch, nr, Array(6).fill(value));
          if (found) return found;
        }
      }
    }
  }
  return undefined;
}

/** Whether any rule of the policy has an argument condition. */
export function hasConditions(policy: ResolvedPolicy): boolean {
  const conditional = (c: ArgCondition) => c.kind !== 'true';
  return policy.arches.some((arch) => arch.rules.some((r) => conditional(r.condition)));
}
