import type { Policy, SeccompAction } from '../policy/model';
import { PolicyResolveError, resolvePolicy } from '../policy/resolve';
import type {
  ArgCondition,
  ResolvedArchPolicy,
  ResolvedPolicy,
  ResolvedRule,
} from '../policy/resolved';
import type { SourceRange } from '../policy/source-range';
import { FormatError, type FormatExport, type FormatWarning } from './format-result';
import type { LibseccompArgCompare, LibseccompFilter, LibseccompRule } from './libseccomp-filter';
import { scmpArchName } from './oci-seccomp';
import type { OciAction, OciOp } from './oci-seccomp-schema';
import { droppedLayerWarnings } from './policy-layers';
import { LibseccompExportError, resolvedToLibseccomp } from './resolved-to-libseccomp';

/*
 * Any policy as an OCI seccomp profile: the policy resolved per arch, written as libseccomp rules
 * with the same meaning (resolved-to-libseccomp.ts), grouped into profile entries. What a profile
 * cannot carry is a warning at the policy text that asks for it.
 */

/** The JSON shape written (a subset of what oci-seccomp-schema.ts reads). */
export interface OciProfileJson {
  readonly defaultAction: OciAction;
  readonly defaultErrnoRet?: number;
  readonly architectures: readonly string[];
  readonly syscalls: readonly OciEntryJson[];
}

export interface OciEntryJson {
  readonly names: readonly string[];
  readonly action: OciAction;
  readonly errnoRet?: number;
  readonly args?: readonly OciArgJson[];
}

export interface OciArgJson {
  readonly index: number;
  readonly value: bigint;
  readonly valueTwo?: bigint;
  readonly op: OciOp;
}

export interface OciProfileExport {
  readonly profile: OciProfileJson;
  readonly warnings: readonly FormatWarning[];
}

const LOW32 = 0xffff_ffffn;
const U64 = (1n << 64n) - 1n;

const NOWHERE: SourceRange = {
  start: { line: 1, column: 1, offset: 0 },
  end: { line: 1, column: 1, offset: 0 },
};

function resolved(policy: Policy): ResolvedPolicy {
  try {
    return resolvePolicy(policy);
  } catch (error) {
    if (error instanceof PolicyResolveError) {
      const first = error.diagnostics.find((d) => d.severity === 'error');
      throw new FormatError(error.message, first?.range);
    }
    throw error;
  }
}

/**
 * libseccomp compares only the low 32 bits of x32 arguments, where our x32 conditions compare 64
 * (as on x86_64). A comparison whose values fit 32 bits is written as the 32-bit one, and said so;
 * a wider one has no equivalent.
 */
function narrowX32(arch: ResolvedArchPolicy, warnings: FormatWarning[]): ResolvedArchPolicy {
  if (arch.arch !== 'x32') return arch;
  const narrowed = new Set<ResolvedRule>();
  const narrow = (c: ArgCondition, rule: ResolvedRule): ArgCondition => {
    switch (c.kind) {
      case 'cmp': {
        if (c.width === 32) return c;
        const highMask = c.mask !== undefined && c.mask !== U64 && c.mask > LOW32;
        if (c.value > LOW32 || highMask) {
          throw new FormatError(
            `x32: libseccomp compares only the low 32 bits of arguments; arg${c.arg} needs 64`,
            rule.range,
          );
        }
        narrowed.add(rule);
        const mask = c.mask === undefined ? undefined : c.mask & LOW32;
        return { ...c, width: 32, value: c.value & LOW32, ...(mask === undefined ? {} : { mask }) };
      }
      case 'and':
      case 'or':
        return { kind: c.kind, items: c.items.map((i) => narrow(i, rule)) };
      case 'not':
        return { kind: 'not', item: narrow(c.item, rule) };
      default:
        return c;
    }
  };
  const rules = arch.rules.map((r) => ({ ...r, condition: narrow(r.condition, r) }));
  const first = [...narrowed][0];
  if (first) {
    warnings.push({
      message:
        'x32: libseccomp compares only the low 32 bits of arguments there, so the profile does too',
      range: first.range,
    });
  }
  return { ...arch, rules };
}

/** The first rule that names `syscall`, to point an error at. */
function ruleRangeOf(policy: Policy, syscall: string): SourceRange | undefined {
  const rules = policy.linux.seccomp?.rules ?? [];
  return rules.find((r) => r.syscalls.some((s) => s.name === syscall))?.range;
}

function toLibseccomp(policy: Policy, warnings: FormatWarning[]): LibseccompFilter {
  const meaning = resolved(policy);
  const arches = meaning.arches.map((a) => narrowX32(a, warnings));
  try {
    return resolvedToLibseccomp({ ...meaning, arches }, 1);
  } catch (error) {
    if (error instanceof LibseccompExportError) {
      const syscall = /^([a-z0-9_]+):/.exec(error.message)?.[1];
      throw new FormatError(
        `an OCI profile cannot say this: ${error.message}`,
        syscall === undefined ? policy.linux.seccomp?.defaultRange : ruleRangeOf(policy, syscall),
      );
    }
    throw error;
  }
}

const ACTIONS: Record<SeccompAction['kind'], OciAction> = {
  'kill-process': 'SCMP_ACT_KILL_PROCESS',
  'kill-thread': 'SCMP_ACT_KILL_THREAD',
  trap: 'SCMP_ACT_TRAP',
  errno: 'SCMP_ACT_ERRNO',
  trace: 'SCMP_ACT_TRACE',
  log: 'SCMP_ACT_LOG',
  allow: 'SCMP_ACT_ALLOW',
  notify: 'SCMP_ACT_NOTIFY',
};

/** The profile's action and its errnoRet (runc: the errno, or the tracer's message). */
function ociAction(action: SeccompAction): { action: OciAction; errnoRet?: number } {
  if (action.kind === 'errno') return { action: ACTIONS.errno, errnoRet: action.errno };
  if (action.kind === 'trace') return { action: ACTIONS.trace, errnoRet: action.data };
  return { action: ACTIONS[action.kind] };
}

const OPS: Record<LibseccompArgCompare['op'], OciOp> = {
  EQ: 'SCMP_CMP_EQ',
  NE: 'SCMP_CMP_NE',
  LT: 'SCMP_CMP_LT',
  LE: 'SCMP_CMP_LE',
  GT: 'SCMP_CMP_GT',
  GE: 'SCMP_CMP_GE',
  MASKED_EQ: 'SCMP_CMP_MASKED_EQ',
};

/** runc: for MASKED_EQ `value` is the mask and `valueTwo` the value compared with. */
function ociArg(c: LibseccompArgCompare): OciArgJson {
  if (c.op === 'MASKED_EQ') {
    return { index: c.arg, value: c.mask ?? 0n, valueTwo: c.value, op: OPS.MASKED_EQ };
  }
  return { index: c.arg, value: c.value, op: OPS[c.op] };
}

function entryKey(rule: LibseccompRule): string {
  return JSON.stringify([ociAction(rule.action), rule.args.map(ociArg)], (_k, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v,
  );
}

/** Rules with the same action and arguments become one entry, in order of first appearance. */
function entries(filter: LibseccompFilter): OciEntryJson[] {
  const byKey = new Map<string, { names: string[]; rule: LibseccompRule }>();
  for (const rule of filter.rules) {
    const key = entryKey(rule);
    const entry = byKey.get(key) ?? { names: [], rule };
    if (!entry.names.includes(rule.syscall)) entry.names.push(rule.syscall);
    byKey.set(key, entry);
  }
  return [...byKey.values()].map(({ names, rule }) => ({
    names,
    ...ociAction(rule.action),
    ...(rule.args.length > 0 ? { args: rule.args.map(ociArg) } : {}),
  }));
}

function actionWarnings(policy: Policy, warnings: FormatWarning[]): void {
  const seccomp = policy.linux.seccomp;
  if (!seccomp) return;
  const bad = seccomp.badArchAction ?? { kind: 'kill-process' };
  if (bad.kind !== 'kill-process') {
    warnings.push({
      message: `an OCI profile cannot choose the action for other arches (bad_arch: ${bad.kind}); runtimes kill the process`,
      range: seccomp.defaultRange ?? NOWHERE,
    });
  }
  const actions = [
    { action: seccomp.defaultAction, range: seccomp.defaultRange },
    ...seccomp.rules.map((r) => ({ action: r.action, range: r.range })),
  ];
  for (const { action, range } of actions) {
    if (action.kind === 'trap' && action.data) {
      warnings.push({
        message: `SCMP_ACT_TRAP carries no data: trap ${action.data} becomes trap 0`,
        ...(range ? { range } : {}),
      });
    }
    if (action.kind === 'notify') {
      warnings.push({
        message:
          'SCMP_ACT_NOTIFY needs a listenerPath in the container config to reach a supervisor',
        ...(range ? { range } : {}),
      });
    }
  }
}

/** The policy as an OCI profile (object form) plus warnings; throws FormatError. */
export function policyToOciProfile(policy: Policy): OciProfileExport {
  const warnings: FormatWarning[] = [];
  actionWarnings(policy, warnings);
  const filter = toLibseccomp(policy, warnings);
  warnings.push(...droppedLayerWarnings(policy, 'an OCI seccomp profile'));
  const defaults = ociAction(filter.defaultAction);
  const profile: OciProfileJson = {
    defaultAction: defaults.action,
    ...(defaults.errnoRet === undefined ? {} : { defaultErrnoRet: defaults.errnoRet }),
    architectures: filter.arches.map(scmpArchName),
    syscalls: entries(filter),
  };
  return { profile, warnings };
}

/** JSON with 64-bit integers written exactly (JSON numbers have no size limit; Go reads uint64). */
export function ociProfileJson(profile: OciProfileJson): string {
  const marker = '@@bigint@@';
  const text = JSON.stringify(
    profile,
    (_k, v: unknown) => (typeof v === 'bigint' ? `${marker}${v.toString()}` : v),
    2,
  );
  return `${text.replace(new RegExp(`"${marker}(\\d+)"`, 'g'), '$1')}\n`;
}

/** `export oci`: the policy as OCI seccomp profile JSON. */
export function exportOciProfile(policy: Policy): FormatExport {
  const { profile, warnings } = policyToOciProfile(policy);
  return { text: ociProfileJson(profile), warnings };
}
