import type { Arch } from '../linux/syscalls';
import type { SeccompAction } from './model';
import type { SourceRange } from './source-range';

/**
 * A policy resolved for one architecture: syscall names turned into that arch's numbers, groups
 * expanded, argument conditions with their named constants replaced by that arch's values. This
 * is what the compiler and the reference interpreter consume.
 *
 * Semantics (documented for users in the README): for a syscall, the rules that list it are tried
 * in file order; the first whose condition holds decides; if none holds, the default applies.
 */
export type ArgIndex = 0 | 1 | 2 | 3 | 4 | 5;
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

/**
 * `((argN & mask) op value)`. `width: 64` compares the whole 64-bit argument (on 32-bit arches
 * the kernel zero-extends, so the high half is 0); `width: 32` compares only the low half, as C
 * code passing an `int` does (glibc passes AT_FDCWD as 0x00000000ffffff9c, not sign-extended).
 * `signed` makes < <= > >= signed at that width. `value` and `mask` are already truncated to
 * `width` bits (two's complement for negative literals).
 */
export interface ArgCompare {
  readonly kind: 'cmp';
  readonly arg: ArgIndex;
  readonly op: CompareOp;
  readonly value: bigint;
  readonly mask?: bigint;
  readonly width: 32 | 64;
  readonly signed: boolean;
}

export type ArgCondition =
  | ArgCompare
  | { readonly kind: 'and'; readonly items: readonly ArgCondition[] }
  | { readonly kind: 'or'; readonly items: readonly ArgCondition[] }
  | { readonly kind: 'not'; readonly item: ArgCondition }
  | { readonly kind: 'true' }
  | { readonly kind: 'false' };

export const ALWAYS: ArgCondition = { kind: 'true' };

export interface ResolvedRule {
  readonly nr: number;
  readonly action: SeccompAction;
  readonly condition: ArgCondition;
  /** Index of the rule in `linux.seccomp.rules` (after `include:`), for diagnostics and highlighting. */
  readonly ruleIndex: number;
  /** The rule's range in the main file; for an included rule, the range of its `include:` entry. */
  readonly range: SourceRange;
}

export interface ResolvedArchPolicy {
  readonly arch: Arch;
  /** AUDIT_ARCH_* value seen in seccomp_data.arch for this ABI. */
  readonly auditArch: number;
  readonly defaultAction: SeccompAction;
  /** File order. A syscall may appear in several rules (with different conditions). */
  readonly rules: readonly ResolvedRule[];
  /** Names that this arch does not have (e.g. a group member of another ABI); not an error. */
  readonly unresolved: readonly string[];
}

export interface ResolvedPolicy {
  /** One entry per architecture the policy lists, in the order listed. */
  readonly arches: readonly ResolvedArchPolicy[];
  /** What happens to a syscall from an architecture (or ABI, e.g. x32) the policy does not list. */
  readonly badArchAction: SeccompAction;
}
