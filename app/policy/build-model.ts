import { isScalar } from 'yaml';
import { isActionError, parseAction, parseErrno } from './actions';
import type {
  LinuxPolicy,
  Policy,
  SeccompAction,
  SeccompPolicy,
  SyscallRef,
  SyscallRule,
  TargetSpec,
} from './model';
import { isSupportedArch, type PolicyDocument, type RuleDocument } from './schema';
import { closestRange, nodeAt, nodeRange, type YamlPath, type YamlSource } from './yaml-source';

const RULES_PATH: YamlPath = ['linux', 'seccomp', 'rules'];

/** The model of a document the schema accepted, with ranges pointing at its YAML nodes. */
export function buildPolicy(doc: PolicyDocument, source: YamlSource): Policy {
  return {
    version: 1,
    ...(doc.name !== undefined && { name: doc.name }),
    ...(doc.target && { target: buildTarget(doc.target) }),
    linux: buildLinux(doc.linux, source),
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
  };
}

function buildSeccomp(
  seccomp: NonNullable<PolicyDocument['linux']['seccomp']>,
  source: YamlSource,
): SeccompPolicy {
  return {
    arch: [...new Set(seccomp.arch.filter(isSupportedArch))],
    defaultAction: validAction(seccomp.default),
    rules: seccomp.rules.map((rule, index) => buildRule(rule, [...RULES_PATH, index], source)),
  };
}

function buildRule(rule: RuleDocument, path: YamlPath, source: YamlSource): SyscallRule {
  const listKey = rule.allow !== undefined ? 'allow' : 'syscalls';
  return {
    action: ruleAction(rule),
    syscalls: syscallRefs(rule[listKey], [...path, listKey], source),
    range: closestRange(source, path),
  };
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
    return [
      { name: list, range: isScalar(node) ? nodeRange(source, node) : closestRange(source, path) },
    ];
  }
  return list.map((name, index) => ({ name, range: closestRange(source, [...path, index]) }));
}

/** The schema has checked the text already; a failure here is a bug, not bad input. */
function validAction(text: string): SeccompAction {
  const action = parseAction(text);
  if (isActionError(action)) throw new Error(`validated action is invalid: ${action.error}`);
  return action;
}
