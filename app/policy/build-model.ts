import { isScalar } from 'yaml';
import { isActionError, parseAction, parseErrno } from './actions';
import { buildLayers } from './build-layers';
import { buildFreeBsd, buildWindows } from './build-platforms';
import { parseCondition } from './condition-check';
import { groupSyscalls } from './linux-names';
import type {
  LinuxPolicy,
  Policy,
  PolicyIntent,
  RuleCondition,
  SeccompAction,
  SeccompPolicy,
  SyscallRef,
  SyscallRule,
  TargetSpec,
} from './model';
import { locateInScalar } from './scalar-offsets';
import { isSupportedArch, type PolicyDocument, type RuleDocument } from './schema';
import type { SourceRange } from './source-range';
import { closestRange, nodeAt, nodeRange, type YamlPath, type YamlSource } from './yaml-source';

const SECCOMP_PATH: YamlPath = ['linux', 'seccomp'];
const RULES_PATH: YamlPath = [...SECCOMP_PATH, 'rules'];

/**
 * The model of a document the schema accepted, with ranges pointing at its YAML nodes. Groups
 * are expanded (members keep the group's name); `include:` is left to load-document.ts.
 */
export function buildPolicy(doc: PolicyDocument, source: YamlSource): Policy {
  return {
    version: 1,
    ...(doc.name !== undefined && { name: doc.name }),
    ...(doc.intent && { intent: [...new Set(doc.intent as PolicyIntent[])] }),
    ...(doc.target && { target: buildTarget(doc.target) }),
    linux: buildLinux(doc.linux, source),
    ...(doc.windows && { windows: buildWindows(doc.windows, source) }),
    ...(doc.freebsd && { freebsd: buildFreeBsd(doc.freebsd, source) }),
  };
}

function buildTarget(target: NonNullable<PolicyDocument['target']>): TargetSpec {
  return {
    command: [...target.command],
    ...(target.cwd !== undefined && { cwd: target.cwd }),
    ...(target.env && { env: { ...target.env } }),
  };
}

function buildLinux(linux: PolicyDocument['linux'], source: YamlSource): LinuxPolicy {
  return {
    noNewPrivs: linux.no_new_privs,
    ...(linux.seccomp && { seccomp: buildSeccomp(linux.seccomp, source) }),
    ...buildLayers(linux, source),
  };
}

function buildSeccomp(
  seccomp: NonNullable<PolicyDocument['linux']['seccomp']>,
  source: YamlSource,
): SeccompPolicy {
  const defaultPath = [...SECCOMP_PATH, 'default'];
  return {
    arch: [...new Set(seccomp.arch.filter(isSupportedArch))],
    defaultAction: validAction(seccomp.default),
    ...(nodeAt(source, defaultPath) && { defaultRange: closestRange(source, defaultPath) }),
    badArchAction: validAction(seccomp.bad_arch),
    rules: seccomp.rules.map((rule, index) => buildRule(rule, [...RULES_PATH, index], source)),
  };
}

function buildRule(rule: RuleDocument, path: YamlPath, source: YamlSource): SyscallRule {
  const listKey = rule.allow !== undefined ? 'allow' : 'syscalls';
  const condition =
    rule.when === undefined ? undefined : buildCondition(rule.when, [...path, 'when'], source);
  return {
    action: ruleAction(rule),
    syscalls: syscallRefs(rule[listKey], [...path, listKey], source),
    ...(condition && { condition }),
    range: closestRange(source, path),
  };
}

function buildCondition(text: string, path: YamlPath, source: YamlSource): RuleCondition {
  const node = nodeAt(source, path);
  const range = closestRange(source, path);
  const { expr, errors } = parseCondition(
    text,
    isScalar(node) ? locateInScalar(source, node) : () => range,
  );
  if (!expr) throw new Error(`validated condition is invalid: ${errors[0]?.message}`);
  return { text, expr, range };
}

function ruleAction(rule: RuleDocument): SeccompAction {
  if (rule.allow !== undefined) return { kind: 'allow' };
  if (rule.errno !== undefined) {
    const errno = parseErrno(rule.errno);
    if (isActionError(errno)) throw new Error(`validated errno is invalid: ${errno.error}`);
    return { kind: 'errno', errno };
  }
  return validAction(rule.action ?? '');
}

function syscallRefs(
  list: string | readonly string[] | undefined,
  path: YamlPath,
  source: YamlSource,
): SyscallRef[] {
  if (list === undefined) return [];
  const node = nodeAt(source, path);
  if (typeof list === 'string') {
    return refsFor(list, isScalar(node) ? nodeRange(source, node) : closestRange(source, path));
  }
  return list.flatMap((name, index) => refsFor(name, closestRange(source, [...path, index])));
}

/** A syscall, or a group's members each pointing at the group entry. */
function refsFor(name: string, range: SourceRange): SyscallRef[] {
  if (!name.startsWith('@')) return [{ name, range }];
  const members = groupSyscalls(name);
  if (!members) throw new Error(`validated syscall group ${name} is unknown`);
  return members.map((member) => ({ name: member, range, group: name }));
}

/** The schema has checked the text already; a failure here is a bug, not bad input. */
function validAction(text: string): SeccompAction {
  const action = parseAction(text);
  if (isActionError(action)) throw new Error(`validated action is invalid: ${action.error}`);
  return action;
}
