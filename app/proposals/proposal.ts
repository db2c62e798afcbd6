import type { Arch } from '../linux/syscalls';
import type { RuleSpec } from '../policy/edit-conditional';

export type RiskLevel = 'low' | 'medium' | 'high';

export const RISK_ORDER: Readonly<Record<RiskLevel, number>> = { low: 0, medium: 1, high: 2 };

export interface Risk {
  readonly level: RiskLevel;
  /** Why, one sentence each; empty for a plain low risk. */
  readonly reasons: readonly string[];
}

/**
 * - `narrow`: allow only the argument values observed;
 * - `broad`: allow the syscall whatever its arguments;
 * - `fallback`: make it fail with ENOSYS, so the program takes a path seccomp can check (clone3
 *   → clone). This one does not let the observed calls run.
 */
export type OptionKind = 'narrow' | 'broad' | 'fallback';

export interface ProposalOption {
  readonly kind: OptionKind;
  /** `allow ioctl only for request TCGETS, FIONREAD, as observed`. */
  readonly summary: string;
  readonly rule: RuleSpec;
  /** The rule as YAML (edit-conditional.ts ruleText), what the edit field starts with. */
  readonly ruleText: string;
  /** Whether the observed calls run once the rule is in. */
  readonly allows: boolean;
  readonly risk: Risk;
}

/** One syscall the run saw denied (or not allowed yet), and the rules that would settle it. */
export interface Proposal {
  /** The syscall name: one proposal per syscall. */
  readonly id: string;
  readonly syscall: string;
  readonly arches: readonly Arch[];
  /** Events of this syscall in the run, and the distinct calls this proposal is about. */
  readonly count: number;
  readonly distinctCalls: number;
  readonly pids: readonly number[];
  /** What the run reported (`errno EPERM`, `kill-process`). */
  readonly seen: readonly string[];
  /** What denies it now: `the default (kill-process)`. */
  readonly deniedBy: readonly string[];
  /** Recommended first. */
  readonly options: readonly ProposalOption[];
  /** Why no narrower rule is offered, when the syscall's arguments would matter. */
  readonly note?: string;
}

/**
 * Something denied that gets no proposal: `deliberate` — a rule of this file denies it on purpose
 * (edit that rule to change it); `include` — a rule of an included file, which comes first;
 * `bad-arch` — an ABI the policy does not list; `unknown` — a number or ABI no rule can name.
 */
export interface BlockedObservation {
  readonly kind: 'deliberate' | 'include' | 'bad-arch' | 'unknown';
  readonly syscall: string;
  readonly arch: string;
  /** Distinct calls (events for `unknown` and `bad-arch`). */
  readonly count: number;
  readonly reason: string;
}

export interface ProposalSet {
  readonly proposals: readonly Proposal[];
  readonly blocked: readonly BlockedObservation[];
  /** Set when no proposal can be computed (the policy has errors). */
  readonly problem?: string;
}

export function recommended(proposal: Proposal): ProposalOption {
  const first = proposal.options[0];
  if (!first) throw new Error(`internal error: the proposal for ${proposal.syscall} has no option`);
  return first;
}
