import type { Arch } from '../linux/syscalls';
import type { ConditionExpr } from './condition-syntax';
import type { SourceRange } from './source-range';

/**
 * What the seccomp filter does with a syscall. `errno` carries the number the kernel returns;
 * `trap` and `trace` carry the 16-bit SECCOMP_RET_DATA the signal handler or tracer sees.
 */
export type SeccompAction =
  | { readonly kind: 'kill-process' }
  | { readonly kind: 'kill-thread' }
  | { readonly kind: 'trap'; readonly data?: number }
  | { readonly kind: 'errno'; readonly errno: number }
  | { readonly kind: 'trace'; readonly data: number }
  | { readonly kind: 'log' }
  | { readonly kind: 'allow' }
  | { readonly kind: 'notify' };

/**
 * One syscall a rule names. A group entry (`@basic-io`) becomes one ref per member, each with the
 * group's name in `group` and the range of the group entry.
 */
export interface SyscallRef {
  readonly name: string;
  readonly range: SourceRange;
  readonly group?: string;
}

/** A rule's `when:` condition: its text, syntax tree (constants still by name) and range. */
export interface RuleCondition {
  readonly text: string;
  readonly expr: ConditionExpr;
  readonly range: SourceRange;
}

/**
 * Where a rule from an `include:`d file came from. The rule's own ranges point into `file`;
 * `includedAt` is the include entry in the file being parsed, where its diagnostics are shown.
 */
export interface RuleOrigin {
  readonly file: string;
  readonly includedAt: SourceRange;
}

/**
 * One entry of `linux.seccomp.rules`: an action for a list of syscalls, optionally only when a
 * condition on the arguments holds. For a syscall, the first rule (file order) that lists it and
 * whose condition holds decides.
 */
export interface SyscallRule {
  readonly action: SeccompAction;
  readonly syscalls: readonly SyscallRef[];
  readonly condition?: RuleCondition;
  readonly range: SourceRange;
  /** Set for rules that come from an included file. */
  readonly origin?: RuleOrigin;
}

export interface SeccompPolicy {
  readonly arch: readonly Arch[];
  readonly defaultAction: SeccompAction;
  /** Where `default:` is written, when it is. */
  readonly defaultRange?: SourceRange;
  /** For a syscall made through an ABI `arch` does not list. Absent means kill-process. */
  readonly badArchAction?: SeccompAction;
  /** Included files' rules first (in include order), then this file's. */
  readonly rules: readonly SyscallRule[];
}

export interface TargetSpec {
  readonly command: readonly string[];
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
}

export interface LinuxPolicy {
  readonly noNewPrivs: boolean;
  readonly seccomp?: SeccompPolicy;
}

/**
 * What the policy author declares the sandbox is for; checked by diagnostics, not enforced by
 * itself. `no-new-programs`: the program must not start other programs (execve is a warning).
 */
export type PolicyIntent = 'no-new-programs';

/** The parsed, validated policy. Source ranges let every later stage point back at the text. */
export interface Policy {
  readonly version: 1;
  readonly name?: string;
  readonly intent?: readonly PolicyIntent[];
  readonly target?: TargetSpec;
  readonly linux: LinuxPolicy;
}
