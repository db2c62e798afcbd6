import { errnoName } from '../linux/errno';
import { formatAction } from '../policy/actions';
import type { Policy, RlimitAmount, SeccompAction, SeccompPolicy } from '../policy/model';
import { resolvePolicy } from '../policy/resolve';
import { interpretResolved } from '../policy/interpret';
import { constantValue } from '../linux/arch-constants';
import { syscallGroup } from '../linux/syscall-groups';
import { syscallNumber } from '../linux/syscalls';
import { seccompDataFor } from '../bpf/emulate';
import type { SourceRange } from '../policy/source-range';
import type { FormatExport, FormatWarning } from './format-result';
import { droppedLayerWarnings } from './policy-layers';
import {
  groupMembers,
  limitKey,
  PRIVATE_NAMESPACE_SETTINGS,
  SYSTEMD_ARCH,
  SYSTEMD_NAMESPACES,
  withGroups,
} from './systemd-names';
import { nameVerdicts, possibleActions, sameAction, type NameVerdict } from './syscall-verdicts';

/*
 * A policy as a systemd unit drop-in ([Service] settings). systemd's seccomp filter is by name
 * with one default: an allow list (everything else gets SystemCallErrorNumber= or SIGSYS) when
 * the policy denies by default, a deny list (`~`, each entry with its own `:errno` or `:kill`)
 * when it allows by default. What it cannot say — argument conditions, trap/trace/notify,
 * per-syscall errnos in an allow list, the @default calls systemd always allows — is a warning at
 * the rule it concerns. A syscall allowed only under a condition is left out of an allow list
 * (and kept in a deny list) unless `conditional: 'allow'`, so the unit never allows more than the
 * policy.
 */

export interface SystemdExportOptions {
  /** What to do with a syscall the policy decides by its arguments. Default 'deny'. */
  readonly conditional?: 'allow' | 'deny';
  /** Named in the header comment. */
  readonly source?: string;
}

type Lines = string[];

const LINE_WIDTH = 100;

/** `Key=a b c`, split over several assignments when long (systemd merges them). */
function listSetting(key: string, items: readonly string[], prefix = ''): Lines {
  const lines: Lines = [];
  let line = '';
  for (const item of items) {
    if (line && key.length + 1 + prefix.length + line.length + item.length + 1 > LINE_WIDTH) {
      lines.push(`${key}=${prefix}${line}`);
      line = '';
    }
    line += line ? ` ${item}` : item;
  }
  if (line) lines.push(`${key}=${prefix}${line}`);
  return lines;
}

interface Decision {
  readonly allowed: boolean;
  /** The denying action when not allowed. */
  readonly action?: SeccompAction;
}

/** The conditional syscall decision, with a warning at the rule whose condition is dropped. */
function decide(
  verdict: NameVerdict,
  options: SystemdExportOptions,
  warnings: FormatWarning[],
): Decision {
  const actions = possibleActions(verdict);
  const allows = (a: SeccompAction) => a.kind === 'allow' || a.kind === 'log';
  const denying = actions.find((a) => !allows(a));
  if (!denying) return { allowed: true };
  if (actions.every((a) => !allows(a))) return { allowed: false, action: denying };
  const conditional = verdict.steps.find((s) => s.when !== undefined);
  const allowIt = options.conditional === 'allow';
  warnings.push({
    message: `${verdict.name}: systemd cannot filter arguments ("${conditional?.when}"); ${allowIt ? 'allowed with any arguments' : 'denied with any arguments'}`,
    ...(conditional?.range ? { range: conditional.range } : {}),
  });
  return allowIt ? { allowed: true } : { allowed: false, action: denying };
}

function rangeOf(verdict: NameVerdict, action: SeccompAction): SourceRange | undefined {
  return verdict.steps.find((s) => sameAction(s.action, action))?.range;
}

/** `:EACCES`, `:kill`, or a warning for what a deny list cannot say (then killed). */
function denySuffix(
  verdict: NameVerdict,
  action: SeccompAction,
  warnings: FormatWarning[],
): string {
  if (action.kind === 'errno') return `:${errnoName(action.errno)}`;
  if (action.kind !== 'kill-process') {
    const range = rangeOf(verdict, action);
    warnings.push({
      message: `${verdict.name}: systemd cannot ${formatAction(action)}; it kills the process instead`,
      ...(range ? { range } : {}),
    });
  }
  return ':kill';
}

/**
 * The names systemd 252 knows (its @known set); it ignores others with a warning, so an allow
 * list would deny them and a deny list allow them. Both are said.
 */
function knownToSystemd(
  names: ReadonlySet<string>,
  verdicts: readonly NameVerdict[],
  mode: 'allow' | 'deny',
  warnings: FormatWarning[],
): Set<string> {
  const known = new Set(syscallGroup('@known')?.members ?? []);
  const unknown = [...names].filter((n) => !known.has(n)).sort();
  if (unknown.length > 0) {
    const range = verdicts.find((v) => v.name === unknown[0])?.steps[0]?.range;
    warnings.push({
      message: `systemd 252 does not know ${unknown.join(', ')}: it ignores ${unknown.length > 1 ? 'them' : 'it'}, so ${mode === 'allow' ? 'the allow list denies' : 'the deny list allows'} ${unknown.length > 1 ? 'them' : 'it'}`,
      ...(range ? { range } : {}),
    });
  }
  return new Set([...names].filter((n) => known.has(n)));
}

function denyListLines(
  seccomp: SeccompPolicy,
  verdicts: readonly NameVerdict[],
  options: SystemdExportOptions,
  warnings: FormatWarning[],
): Lines {
  if (seccomp.defaultAction.kind === 'log') {
    warnings.push({
      message: 'systemd cannot log every other syscall (default: log); they are allowed silently',
      ...(seccomp.defaultRange ? { range: seccomp.defaultRange } : {}),
    });
  }
  const bySuffix = new Map<string, Set<string>>();
  for (const verdict of verdicts) {
    const decision = decide(verdict, options, warnings);
    if (decision.allowed || !decision.action) continue;
    const suffix = denySuffix(verdict, decision.action, warnings);
    bySuffix.set(suffix, (bySuffix.get(suffix) ?? new Set()).add(verdict.name));
  }
  return [...bySuffix].flatMap(([suffix, names]) =>
    listSetting(
      'SystemCallFilter',
      withGroups(knownToSystemd(names, verdicts, 'deny', warnings), seccomp.arch).map(
        (n) => `${n}${suffix}`,
      ),
      '~',
    ),
  );
}

/** The allow list's default: SystemCallErrorNumber= (absent: SIGSYS, the process is killed). */
function errorNumberLines(seccomp: SeccompPolicy, warnings: FormatWarning[]): Lines {
  const action = seccomp.defaultAction;
  if (action.kind === 'errno') return [`SystemCallErrorNumber=${errnoName(action.errno)}`];
  if (action.kind !== 'kill-process') {
    warnings.push({
      message: `systemd cannot ${formatAction(action)} by default; it kills the process instead`,
      ...(seccomp.defaultRange ? { range: seccomp.defaultRange } : {}),
    });
  }
  return [];
}

function allowListLines(
  seccomp: SeccompPolicy,
  verdicts: readonly NameVerdict[],
  options: SystemdExportOptions,
  warnings: FormatWarning[],
): Lines {
  const allowed = new Set<string>();
  const logged = new Set<string>();
  const denied = new Map<string, NameVerdict>();
  for (const verdict of verdicts) {
    const decision = decide(verdict, options, warnings);
    if (decision.allowed) {
      allowed.add(verdict.name);
      if (possibleActions(verdict).some((a) => a.kind === 'log')) logged.add(verdict.name);
      continue;
    }
    denied.set(verdict.name, verdict);
    const action = decision.action;
    if (action && !sameAction(action, seccomp.defaultAction)) {
      const range = rangeOf(verdict, action);
      warnings.push({
        message: `${verdict.name}: an allow list gives every other syscall the same action; ${formatAction(action)} becomes ${formatAction(seccomp.defaultAction)}`,
        ...(range ? { range } : {}),
      });
    }
  }
  const implicit = [...groupMembers('@default', seccomp.arch)].filter(
    (n) => !allowed.has(n) && seccomp.arch.some((a) => syscallNumber(a, n) !== undefined),
  );
  if (implicit.length > 0) {
    const first = implicit.map((n) => denied.get(n)?.steps[0]?.range).find((r) => r);
    warnings.push({
      message: `systemd always allows @default in an allow list, so these are allowed although the policy denies them: ${implicit.sort().join(', ')}`,
      ...((first ?? seccomp.defaultRange) ? { range: first ?? seccomp.defaultRange } : {}),
    });
  }
  const filter =
    allowed.size === 0
      ? ['SystemCallFilter=@default']
      : listSetting(
          'SystemCallFilter',
          withGroups(knownToSystemd(allowed, verdicts, 'allow', warnings), seccomp.arch),
        );
  return [
    ...filter,
    ...errorNumberLines(seccomp, warnings),
    ...listSetting('SystemCallLog', [...logged].sort()),
  ];
}

/** SystemCallArchitectures= for the policy's arches (others killed: bad_arch kill-process). */
function archLines(seccomp: SeccompPolicy, warnings: FormatWarning[]): Lines {
  const bad = seccomp.badArchAction ?? { kind: 'kill-process' };
  if (bad.kind !== 'kill-process') {
    warnings.push({
      message: `systemd kills a process calling through another arch; bad_arch ${formatAction(bad)} is not kept`,
      ...(seccomp.defaultRange ? { range: seccomp.defaultRange } : {}),
    });
  }
  return [`SystemCallArchitectures=${seccomp.arch.map((a) => SYSTEMD_ARCH[a]).join(' ')}`];
}

/**
 * RestrictNamespaces=: the namespace types the policy never lets unshare, clone or setns
 * create or enter, tried on the first arch with the interpreter.
 */
function namespaceLines(policy: Policy): Lines {
  const seccomp = policy.linux.seccomp;
  const arch = seccomp?.arch[0];
  if (!seccomp || !arch) return [];
  const verdicts = nameVerdicts(policy) ?? [];
  const mayPass = (name: string) => {
    const verdict = verdicts.find((v) => v.name === name);
    const actions = verdict ? possibleActions(verdict) : [seccomp.defaultAction];
    return actions.some((a) => a.kind === 'allow' || a.kind === 'log');
  };
  // Where the syscall filter already stops all of them, the setting would add nothing.
  if (!['unshare', 'clone', 'clone3', 'setns'].some(mayPass)) return [];
  const resolved = resolvePolicy(policy);
  const audit = resolved.arches[0]?.auditArch ?? 0;
  const allows = (name: string, arg: number, flag: bigint) => {
    const nr = syscallNumber(arch, name);
    if (nr === undefined) return false;
    const args = [0n, 0n, 0n, 0n, 0n, 0n];
    args[arg] = flag;
    const action = interpretResolved(resolved, seccompDataFor(nr, args, audit));
    return action.kind === 'allow' || action.kind === 'log';
  };
  const permitted = SYSTEMD_NAMESPACES.filter(({ flag }) => {
    const value = constantValue(arch, flag);
    if (value === undefined) return true;
    return allows('unshare', 0, value) || allows('clone', 0, value) || allows('setns', 1, value);
  }).map((ns) => ns.id);
  if (permitted.length === SYSTEMD_NAMESPACES.length) return [];
  return [`RestrictNamespaces=${permitted.length === 0 ? 'yes' : permitted.join(' ')}`];
}

function amount(value: RlimitAmount): string {
  return value === 'unlimited' ? 'infinity' : value.toString();
}

function limitLines(policy: Policy): Lines {
  return (policy.linux.rlimits ?? []).map((r) => {
    const value = r.soft === r.hard ? amount(r.soft) : `${amount(r.soft)}:${amount(r.hard)}`;
    return `${limitKey(r.name)}=${value}`;
  });
}

function capabilityLines(policy: Policy, warnings: FormatWarning[]): Lines {
  const caps = policy.linux.capabilities;
  if (!caps) return [];
  const names = (refs: readonly { name: string }[]) => refs.map((r) => r.name);
  const bounding = names(caps.bounding);
  const same = (a: readonly string[], b: readonly string[]) =>
    a.length === b.length && a.every((n) => b.includes(n));
  if (!same(names(caps.effective), bounding) || !same(names(caps.permitted), bounding)) {
    warnings.push({
      message:
        'systemd derives the effective and permitted sets from CapabilityBoundingSet= (and AmbientCapabilities= for non-root users); the sets the policy lists apart are not kept',
      range: caps.range,
    });
  }
  return [
    `CapabilityBoundingSet=${bounding.join(' ')}`,
    ...(caps.ambient.length ? [`AmbientCapabilities=${names(caps.ambient).join(' ')}`] : []),
  ];
}

function privateNamespaceLines(policy: Policy, warnings: FormatWarning[]): Lines {
  const namespaces = policy.linux.namespaces;
  if (!namespaces) return [];
  return namespaces.kinds.flatMap((kind) => {
    const setting = PRIVATE_NAMESPACE_SETTINGS[kind];
    if (setting) return [`${setting}=yes`];
    warnings.push({
      message: `systemd ${'252'} has no setting for a private ${kind} namespace`,
      range: namespaces.range,
    });
    return [];
  });
}

function identityLines(policy: Policy, warnings: FormatWarning[]): Lines {
  const identity = policy.linux.identity;
  if (identity?.user === 'nobody') {
    warnings.push({
      message:
        'systemd advises against User=nobody (files it owns are shared); DynamicUser=yes is its alternative',
      range: identity.range,
    });
  }
  const chroot = policy.linux.chroot;
  return [
    ...(identity?.user !== undefined ? [`User=${identity.user}`] : []),
    ...(identity?.group !== undefined ? [`Group=${identity.group}`] : []),
    ...(identity?.groups !== undefined ? [`SupplementaryGroups=${identity.groups.join(' ')}`] : []),
    ...(chroot ? [`RootDirectory=${chroot.path}`] : []),
  ];
}

function seccompLines(
  policy: Policy,
  options: SystemdExportOptions,
  warnings: FormatWarning[],
): Lines {
  const seccomp = policy.linux.seccomp;
  const verdicts = nameVerdicts(policy);
  if (!seccomp || !verdicts) return [];
  const defaultAllows =
    seccomp.defaultAction.kind === 'allow' || seccomp.defaultAction.kind === 'log';
  return [
    ...archLines(seccomp, warnings),
    ...(defaultAllows
      ? denyListLines(seccomp, verdicts, options, warnings)
      : allowListLines(seccomp, verdicts, options, warnings)),
  ];
}

/** `export systemd`: a `[Service]` drop-in with the policy's settings. */
export function exportSystemdDropIn(
  policy: Policy,
  options: SystemdExportOptions = {},
): FormatExport {
  const warnings: FormatWarning[] = [];
  const body = [
    `NoNewPrivileges=${policy.linux.noNewPrivs ? 'yes' : 'no'}`,
    ...identityLines(policy, warnings),
    ...capabilityLines(policy, warnings),
    ...limitLines(policy),
    ...privateNamespaceLines(policy, warnings),
    ...seccompLines(policy, options, warnings),
    ...namespaceLines(policy),
  ];
  warnings.push(
    ...droppedLayerWarnings(policy, 'a systemd unit', [
      'rlimits',
      'capabilities',
      'identity',
      'chroot',
      'namespaces',
    ]),
  );
  const source = options.source ?? policy.name;
  const text = [
    `# Generated by sandbox-studio${source ? ` from ${source}` : ''}.`,
    '# Install as /etc/systemd/system/UNIT.service.d/sandbox.conf, then: systemctl daemon-reload',
    '[Service]',
    ...body,
    '',
  ].join('\n');
  return { text, warnings };
}
