import type { Arch } from '../linux/syscalls';
import type { NamespaceKind } from '../sandbox/layer-plan';
import type { CapsicumFcntl, CapsicumRight } from './freebsd-schema';
import type { BestEffortLayer } from './layer-schema';
import type { WindowsMitigationFlag, WindowsMitigationName } from './windows-schema';
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

export type { BestEffortLayer, NamespaceKind };

/** A resource limit value: a u64 amount, or RLIM_INFINITY written `unlimited`. */
export type RlimitAmount = bigint | 'unlimited';

/** One entry of `linux.rlimits`; `name` is the policy's (`nofile` for RLIMIT_NOFILE). */
export interface RlimitSetting {
  readonly name: string;
  readonly soft: RlimitAmount;
  readonly hard: RlimitAmount;
  readonly range: SourceRange;
}

/** A capability as written, by its canonical name (CAP_NET_BIND_SERVICE). */
export interface CapabilityRef {
  readonly name: string;
  readonly range: SourceRange;
}

/**
 * The capability sets the target starts with, each exactly its list (`keep:` already expanded
 * to effective, permitted and bounding). Numbers are the plan's business (sandbox/plan.ts).
 */
export interface CapabilitiesPolicy {
  readonly effective: readonly CapabilityRef[];
  readonly permitted: readonly CapabilityRef[];
  readonly inheritable: readonly CapabilityRef[];
  readonly ambient: readonly CapabilityRef[];
  readonly bounding: readonly CapabilityRef[];
  /** Written as `keep:`. */
  readonly shorthand: boolean;
  readonly range: SourceRange;
}

/** A user or group by name (resolved when the run starts) or by number. */
export type IdRef = string | number;

/** `user`, `group` and `groups` together: one layer. An absent key keeps the default. */
export interface IdentityPolicy {
  readonly user?: IdRef;
  readonly group?: IdRef;
  readonly groups?: readonly IdRef[];
  readonly range: SourceRange;
}

export interface ChrootPolicy {
  readonly path: string;
  readonly range: SourceRange;
}

export interface PathRef {
  readonly path: string;
  readonly range: SourceRange;
}

export interface PortRef {
  readonly port: number;
  readonly range: SourceRange;
}

/**
 * `linux.landlock`. An absent list and an empty one differ: file system rights are handled when
 * any of read/write/execute is written, a network right when its list is written.
 */
export interface LandlockPolicy {
  readonly read?: readonly PathRef[];
  readonly write?: readonly PathRef[];
  readonly execute?: readonly PathRef[];
  readonly netBind?: readonly PortRef[];
  readonly netConnect?: readonly PortRef[];
  readonly range: SourceRange;
}

export interface NamespacesPolicy {
  readonly kinds: readonly NamespaceKind[];
  readonly range: SourceRange;
}

/** A setting the studio accepts but cannot impose from outside the program (see check). */
export interface ProgramSetting {
  readonly value: boolean;
  readonly range: SourceRange;
}

export interface LinuxPolicy {
  readonly noNewPrivs: boolean;
  readonly seccomp?: SeccompPolicy;
  readonly rlimits?: readonly RlimitSetting[];
  readonly capabilities?: CapabilitiesPolicy;
  readonly identity?: IdentityPolicy;
  readonly chroot?: ChrootPolicy;
  readonly landlock?: LandlockPolicy;
  readonly namespaces?: NamespacesPolicy;
  /** Layers whose failure is a warning, each with where it is named. */
  readonly bestEffort?: readonly { readonly layer: BestEffortLayer; readonly range: SourceRange }[];
  /** `dumpable:` — PR_SET_DUMPABLE, reset by execve: only the program can apply it. */
  readonly dumpable?: ProgramSetting;
  /** `seccomp_strict:` — SECCOMP_MODE_STRICT would kill the execve: only the program can. */
  readonly seccompStrict?: ProgramSetting;
}

/** One `windows.mitigations` entry: the flags written `true`, in the table's order. */
export type WindowsMitigation = {
  readonly [N in WindowsMitigationName]: {
    readonly name: N;
    readonly flags: readonly WindowsMitigationFlag<N>[];
    readonly range: SourceRange;
  };
}[WindowsMitigationName];

/** `windows:` — exported only (app/export/windows-c.ts); the studio runs Linux targets. */
export interface WindowsPolicy {
  /** Mitigations with at least one flag set, in file order. */
  readonly mitigations: readonly WindowsMitigation[];
  readonly range: SourceRange;
}

/** One `freebsd.capsicum.limit` entry. */
export interface CapsicumLimit {
  readonly fd: number;
  /** The key as written: `stdin`, `3`. */
  readonly written: string;
  /** Canonical names (`read` for CAP_READ), without duplicates, in file order. */
  readonly rights: readonly CapsicumRight[];
  readonly fcntls?: readonly CapsicumFcntl[];
  /** C names (FreeBSD's headers resolve them) or numbers. */
  readonly ioctls?: readonly (string | number)[];
  readonly range: SourceRange;
}

export interface CapsicumPolicy {
  readonly enter: boolean;
  readonly limits: readonly CapsicumLimit[];
  readonly range: SourceRange;
}

/** `freebsd:` — exported only (app/export/freebsd-c.ts). */
export interface FreeBsdPolicy {
  readonly capsicum?: CapsicumPolicy;
  readonly range: SourceRange;
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
  readonly windows?: WindowsPolicy;
  readonly freebsd?: FreeBsdPolicy;
}
