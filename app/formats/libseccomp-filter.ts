import { actionReturnValue } from '../bpf/actions';
import type { SeccompAction } from '../policy/model';
import type { ArgIndex } from '../policy/resolved';
import type { SourceRange } from '../policy/source-range';

/**
 * A filter as libseccomp builds it: `seccomp_init(default)`, `seccomp_arch_add` per arch,
 * `SCMP_FLTATR_ACT_BADARCH`, `SCMP_FLTATR_CTL_OPTIMIZE`, then one `seccomp_rule_add` per rule
 * (syscalls by name, resolved by libseccomp for every arch of the filter). This is the reference
 * compiler's input in the differential tests and the benchmark (scripts/libseccomp-export.py),
 * and what an OCI seccomp profile means once its includes/excludes are applied.
 */

/** libseccomp's arch names (`seccomp_arch_resolve_name`). */
export const LIBSECCOMP_ARCHES = ['x86_64', 'x86', 'x32', 'aarch64', 'arm', 'riscv64'] as const;
export type LibseccompArch = (typeof LIBSECCOMP_ARCHES)[number];

/** `enum scmp_compare` without the prefix; MASKED_EQ is `(arg & mask) == value`. */
export const LIBSECCOMP_OPS = ['EQ', 'NE', 'LT', 'LE', 'GT', 'GE', 'MASKED_EQ'] as const;
export type LibseccompOp = (typeof LIBSECCOMP_OPS)[number];

/** libseccomp's actions are ours, except that its TRAP carries no data (it must be 0). */
export type LibseccompAction = SeccompAction;

export interface LibseccompArgCompare {
  readonly arg: ArgIndex;
  readonly op: LibseccompOp;
  /** 0..2^64-1; libseccomp truncates it to 32 bits on 32-bit ABIs (x86, x32, arm). */
  readonly value: bigint;
  /** Only for MASKED_EQ. */
  readonly mask?: bigint;
}

export interface LibseccompRule {
  readonly syscall: string;
  readonly action: LibseccompAction;
  /** AND-ed; libseccomp allows at most one comparison per argument in a rule. */
  readonly args: readonly LibseccompArgCompare[];
  /** Where the rule came from (e.g. an OCI profile entry), for messages. */
  readonly range?: SourceRange;
}

export interface LibseccompFilter {
  readonly arches: readonly LibseccompArch[];
  readonly defaultAction: LibseccompAction;
  readonly badArchAction: LibseccompAction;
  /** SCMP_FLTATR_CTL_OPTIMIZE: 1 a linear list of syscalls (libseccomp's default), 2 a binary tree. */
  readonly optimize: 1 | 2;
  readonly rules: readonly LibseccompRule[];
}

/** The 32-bit value the kernel sees for an action (`SECCOMP_RET_*` | data). */
export function libseccompActionValue(action: LibseccompAction): number {
  return actionReturnValue(action);
}

export function sameLibseccompAction(a: LibseccompAction, b: LibseccompAction): boolean {
  return libseccompActionValue(a) === libseccompActionValue(b);
}

/** `allow`, `errno 1`, `trace 5`: for messages. */
export function describeLibseccompAction(action: LibseccompAction): string {
  if (action.kind === 'errno') return `errno ${action.errno}`;
  if (action.kind === 'trace') return `trace ${action.data}`;
  if (action.kind === 'trap' && action.data) return `trap ${action.data}`;
  return action.kind;
}

type ActionJson = { readonly kind: string; readonly errno?: number; readonly data?: number };

export interface LibseccompRequestJson {
  readonly arches: readonly LibseccompArch[];
  readonly default: ActionJson;
  readonly badArch: ActionJson;
  readonly optimize: 1 | 2;
  readonly rules: readonly {
    readonly syscall: string;
    readonly action: ActionJson;
    readonly args: readonly {
      readonly arg: number;
      readonly op: LibseccompOp;
      readonly value: string;
      readonly mask?: string;
    }[];
  }[];
}

const hex = (value: bigint): string => `0x${value.toString(16)}`;

function actionJson(action: LibseccompAction): ActionJson {
  if (action.kind === 'errno') return { kind: 'errno', errno: action.errno };
  if (action.kind === 'trace') return { kind: 'trace', data: action.data };
  if (action.kind === 'trap' && action.data) return { kind: 'trap', data: action.data };
  return { kind: action.kind };
}

/**
 * The JSON scripts/libseccomp-export.py reads. 64-bit values travel as hex strings because JSON
 * numbers lose precision above 2^53.
 */
export function libseccompRequest(filter: LibseccompFilter): LibseccompRequestJson {
  return {
    arches: filter.arches,
    default: actionJson(filter.defaultAction),
    badArch: actionJson(filter.badArchAction),
    optimize: filter.optimize,
    rules: filter.rules.map((rule) => ({
      syscall: rule.syscall,
      action: actionJson(rule.action),
      args: rule.args.map((a) => ({
        arg: a.arg,
        op: a.op,
        value: hex(a.value),
        ...(a.mask === undefined ? {} : { mask: hex(a.mask) }),
      })),
    })),
  };
}
