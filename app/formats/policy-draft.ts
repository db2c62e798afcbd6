import type { Arch } from '../linux/syscalls';
import { formatAction } from '../policy/actions';
import type { NamespaceKind, RlimitAmount, SeccompAction } from '../policy/model';
import { hasErrors, parsePolicy } from '../policy/parse';
import { formatDiagnostic } from '../policy/source-range';
import { errnoName } from '../linux/errno';
import { FormatError } from './format-result';

/*
 * A policy as importers build it, before it is text: the parts of a `*.sandbox.yaml` the other
 * formats can say, each rule with the comments that explain where it came from. draftYaml writes
 * it; checkedPolicyText proves the result parses before anyone sees it.
 */

export interface DraftRule {
  readonly action: SeccompAction;
  /** Syscall names and `@groups`, in the order to write them. */
  readonly syscalls: readonly string[];
  /** A `when:` condition in the policy language. */
  readonly when?: string;
  /** Comment lines written above the rule (without `#`). */
  readonly comments?: readonly string[];
}

export interface DraftSeccomp {
  readonly arches: readonly Arch[];
  readonly defaultAction: SeccompAction;
  readonly badArchAction: SeccompAction;
  readonly rules: readonly DraftRule[];
}

export interface DraftRlimit {
  readonly name: string;
  readonly soft: RlimitAmount;
  readonly hard: RlimitAmount;
}

export type DraftCapabilitySet =
  'keep' | 'effective' | 'permitted' | 'inheritable' | 'ambient' | 'bounding';

export interface PolicyDraft {
  /** Comment lines at the top (without `#`). */
  readonly header?: readonly string[];
  readonly name?: string;
  readonly noNewPrivs?: boolean;
  readonly rlimits?: readonly DraftRlimit[];
  /** `{ keep: [...] }` or the long form, capability names as CAP_*. */
  readonly capabilities?: Partial<Record<DraftCapabilitySet, readonly string[]>>;
  readonly namespaces?: readonly NamespaceKind[];
  readonly user?: string | number;
  readonly group?: string | number;
  readonly groups?: readonly (string | number)[];
  readonly chroot?: string;
  readonly seccomp?: DraftSeccomp;
}

const WIDTH = 100;

/** `[a, b, c]`, wrapped onto lines indented by `indent` when longer than the page. */
function flowList(items: readonly string[], firstColumn: number, indent: string): string {
  const lines: string[] = [];
  let line = '[';
  let column = firstColumn;
  items.forEach((item, i) => {
    const piece = `${item}${i === items.length - 1 ? ']' : ','}`;
    if (column + line.length + piece.length + 1 > WIDTH && line !== '[') {
      lines.push(line.trimEnd());
      line = '';
      column = indent.length;
    }
    line += `${piece} `;
  });
  if (items.length === 0) line = '[]';
  lines.push(line.trimEnd());
  return lines.join(`\n${indent}`);
}

/** Syscall names are plain YAML; `@groups` need quotes. */
function syscallItem(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : JSON.stringify(name);
}

function comment(lines: readonly string[], indent: string): string[] {
  return lines.flatMap((line) => wrapComment(line, indent));
}

function wrapComment(text: string, indent: string): string[] {
  if (text === '') return [`${indent}#`];
  const out: string[] = [];
  let line = `${indent}#`;
  for (const word of text.split(' ')) {
    if (line.length + word.length + 1 > WIDTH && line.trim() !== '#') {
      out.push(line);
      line = `${indent}#  `;
    }
    line += ` ${word}`;
  }
  out.push(line);
  return out;
}

function ruleLines(rule: DraftRule): string[] {
  const indent = '      ';
  const names = rule.syscalls.map(syscallItem);
  const head =
    rule.action.kind === 'allow'
      ? [`${indent}- allow: ${flowList(names, indent.length + 9, `${indent}    `)}`]
      : [
          rule.action.kind === 'errno'
            ? `${indent}- errno: ${errnoName(rule.action.errno)}`
            : `${indent}- action: ${formatAction(rule.action)}`,
          `${indent}  syscalls: ${flowList(names, indent.length + 12, `${indent}    `)}`,
        ];
  const when = rule.when === undefined ? [] : [`${indent}  when: ${JSON.stringify(rule.when)}`];
  return [...comment(rule.comments ?? [], indent), ...head, ...when];
}

function amount(value: RlimitAmount): string {
  if (value === 'unlimited') return 'unlimited';
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? value.toString() : `"${value}"`;
}

function rlimitLines(rlimits: readonly DraftRlimit[]): string[] {
  if (rlimits.length === 0) return [];
  return [
    '  rlimits:',
    ...rlimits.map((r) =>
      r.soft === r.hard
        ? `    ${r.name}: ${amount(r.soft)}`
        : `    ${r.name}: { soft: ${amount(r.soft)}, hard: ${amount(r.hard)} }`,
    ),
  ];
}

function capabilityLines(caps: PolicyDraft['capabilities']): string[] {
  if (!caps) return [];
  const sets = Object.entries(caps).filter((e): e is [string, readonly string[]] => !!e[1]);
  if (sets.length === 0) return [];
  return [
    '  capabilities:',
    ...sets.map(([set, names]) => `    ${set}: ${flowList(names, 6 + set.length + 2, '      ')}`),
  ];
}

function seccompLines(seccomp: DraftSeccomp): string[] {
  return [
    '  seccomp:',
    `    arch: [${seccomp.arches.join(', ')}]`,
    `    default: ${formatAction(seccomp.defaultAction)}`,
    `    bad_arch: ${formatAction(seccomp.badArchAction)}`,
    seccomp.rules.length === 0 ? '    rules: []' : '    rules:',
    ...seccomp.rules.flatMap(ruleLines),
  ];
}

const scalar = (v: string | number): string =>
  typeof v === 'number' ? String(v) : JSON.stringify(v);

function identityLines(draft: PolicyDraft): string[] {
  return [
    ...(draft.user === undefined ? [] : [`  user: ${scalar(draft.user)}`]),
    ...(draft.group === undefined ? [] : [`  group: ${scalar(draft.group)}`]),
    ...(draft.groups === undefined ? [] : [`  groups: [${draft.groups.map(scalar).join(', ')}]`]),
    ...(draft.chroot === undefined ? [] : [`  chroot: ${JSON.stringify(draft.chroot)}`]),
  ];
}

/** The draft as a `*.sandbox.yaml` document. */
export function draftYaml(draft: PolicyDraft): string {
  return [
    ...comment(draft.header ?? [], ''),
    'version: 1',
    ...(draft.name === undefined ? [] : [`name: ${JSON.stringify(draft.name)}`]),
    'linux:',
    `  no_new_privs: ${draft.noNewPrivs ?? true}`,
    ...rlimitLines(draft.rlimits ?? []),
    ...capabilityLines(draft.capabilities),
    ...(draft.namespaces?.length ? [`  namespaces: [${draft.namespaces.join(', ')}]`] : []),
    ...identityLines(draft),
    ...(draft.seccomp ? seccompLines(draft.seccomp) : []),
    '',
  ].join('\n');
}

/**
 * The draft's text, after proving it parses without errors: an importer that writes a policy
 * the studio rejects is a bug, reported as such rather than handed to the user.
 */
export function checkedPolicyText(draft: PolicyDraft): string {
  const text = draftYaml(draft);
  const { policy, diagnostics } = parsePolicy(text);
  if (!policy || hasErrors(diagnostics)) {
    const errors = diagnostics
      .filter((d) => d.severity === 'error')
      .slice(0, 3)
      .map((d) => formatDiagnostic('imported policy', d));
    throw new FormatError(
      `internal error: the imported policy does not parse: ${errors.join('; ')}`,
    );
  }
  return text;
}
