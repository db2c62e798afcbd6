import {
  isMap,
  isNode,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import type { Policy } from './model';
import { hasErrors, parsePolicy, type ParseOptions } from './parse';
import { formatDiagnostic, type Diagnostic } from './source-range';
import {
  applyEdit,
  columnOf,
  commentBlockStart,
  contentEnd,
  entryStart,
  lineEnd,
  newlineOf,
  type TextEdit,
} from './text-edit';
import { nodeAt, parseYaml, type YamlSource } from './yaml-source';

/**
 * Inserting a whole rule (`allow` with a `when:` condition, `errno` + `syscalls`, ...) into a
 * policy's rules by editing the text in place, so comments, key order and layout survive. The
 * place matters: for a syscall, the first rule that lists it and whose condition holds decides.
 */

const SECCOMP_PATH = ['linux', 'seccomp'] as const;
const RULES_PATH = [...SECCOMP_PATH, 'rules'] as const;

/** Why a rule could not be inserted; `diagnostic` is set when the result would not parse. */
export class RuleEditError extends Error {
  override readonly name = 'RuleEditError';
  constructor(
    message: string,
    readonly diagnostic?: Diagnostic,
  ) {
    super(message);
  }
}

export interface RulePlacement {
  /**
   * Before the first rule of this file that lists one of these syscalls, so that the new rule is
   * tried first for them; at the end of the rules when no rule lists them.
   */
  readonly beforeRuleListing?: readonly string[];
}

export interface RuleInsertion {
  readonly text: string;
  /** Offsets of the inserted rule's text in `text`. */
  readonly start: number;
  readonly end: number;
}

/** The text of a rule as written in a block list, without the leading `- `. */
export interface RuleSpec {
  /** `allow`, `errno EPERM`, `kill-process`, ... */
  readonly action: string;
  readonly syscalls: readonly string[];
  readonly when?: string;
}

const PLAIN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|y|n)$/i;

/** A scalar as YAML reads it back as the same string: plain when safe, else double-quoted. */
function yamlString(value: string): string {
  return PLAIN.test(value) && !RESERVED.test(value) ? value : JSON.stringify(value);
}

function syscallList(names: readonly string[]): string {
  return names.length === 1 ? yamlString(names[0]!) : `[${names.map(yamlString).join(', ')}]`;
}

/** `allow: ioctl` + `when: "…"`, `errno: ENOSYS` + `syscalls: [clone3]`, one key per line. */
export function ruleText(spec: RuleSpec): string {
  const [head = '', value] = spec.action.trim().split(/\s+/);
  const lines =
    head === 'allow'
      ? [`allow: ${syscallList(spec.syscalls)}`]
      : head === 'errno' && value !== undefined
        ? [`errno: ${yamlString(value)}`, `syscalls: ${syscallList(spec.syscalls)}`]
        : [`action: ${yamlString(spec.action.trim())}`, `syscalls: ${syscallList(spec.syscalls)}`];
  if (spec.when !== undefined) lines.push(`when: ${JSON.stringify(spec.when)}`);
  return lines.join('\n');
}

/**
 * Inserts `rule` (one rule as YAML: a mapping, optionally written as a list item `- allow: …`)
 * into linux.seccomp.rules at `placement`, creating the rules list when seccomp has none. Throws
 * a RuleEditError when the policy has errors, the rule is not one mapping, or the result would
 * not be a valid policy (with the first error, its position counted within the rule).
 */
export function insertRule(
  text: string,
  rule: string,
  placement: RulePlacement = {},
  options: ParseOptions = {},
): RuleInsertion {
  const policy = validPolicy(text, options);
  const lines = ruleLines(rule);
  const { source } = parseYaml(text);
  if (!source) throw new RuleEditError('cannot add the rule: the policy is not valid YAML');
  const edit = planInsertion(source, policy, lines, placement);
  const updated = applyEdit(text, edit.edit);
  checkInserted(updated, edit, lines, options);
  return { text: updated, start: edit.ruleStart, end: edit.ruleEnd };
}

function validPolicy(text: string, options: ParseOptions): Policy {
  const parsed = parsePolicy(text, options);
  if (!parsed.policy || hasErrors(parsed.diagnostics)) {
    const first = parsed.diagnostics.find((d) => d.severity === 'error');
    const where = first ? `: ${formatDiagnostic('policy', first)}` : '';
    throw new RuleEditError(`cannot add the rule: the policy has errors; fix them first${where}`);
  }
  return parsed.policy;
}

/** The rule's lines without a leading `- ` and common indentation; checked to be one mapping. */
function ruleLines(rule: string): string[] {
  const lines = rule.replace(/\r\n?/g, '\n').split('\n');
  while (lines.length > 0 && lines[0]!.trim() === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  if (lines.length === 0) throw new RuleEditError('the rule is empty');
  const first = lines[0]!;
  const dash = /^(\s*)-\s+/.exec(first);
  const column = dash ? dash[0].length : first.length - first.trimStart().length;
  const dedented = lines.map((line, i) => {
    if (i === 0) return first.slice(column);
    const indent = line.length - line.trimStart().length;
    return line.slice(Math.min(indent, column));
  });
  const parsed = parseYaml(dedented.join('\n'));
  const error = parsed.diagnostics.find((d) => d.severity === 'error');
  if (error || !parsed.source) {
    const at = error ? ` (rule line ${error.range.start.line}: ${error.message})` : '';
    throw new RuleEditError(`the rule is not valid YAML${at}`, error);
  }
  if (!isMap(parsed.source.doc.contents)) {
    throw new RuleEditError('a rule is one mapping, e.g. "allow: ioctl" and "when: …" below it');
  }
  return dedented;
}

interface PlannedInsertion {
  readonly edit: TextEdit;
  /** Where the rule's own text starts and ends in the updated text. */
  readonly ruleStart: number;
  readonly ruleEnd: number;
  /** 1-based line of the updated text where the rule's first line is. */
  readonly firstLine: number;
  /** How many columns the rule's lines after the first are indented by (block form). */
  readonly block: boolean;
}

function span(node: Node): readonly [number, number] {
  const [start, end] = node.range ?? [0, 0];
  return [start, end];
}

function planInsertion(
  source: YamlSource,
  policy: Policy,
  lines: readonly string[],
  placement: RulePlacement,
): PlannedInsertion {
  const rules = nodeAt(source, RULES_PATH);
  if (isSeq(rules)) {
    const before = placementIndex(policy, rules, placement);
    return rules.flow
      ? intoFlowSeq(source, rules, lines, before)
      : intoBlockSeq(source, rules, lines, before);
  }
  if (rules !== undefined && !(isScalar(rules) && rules.value === null)) {
    throw new RuleEditError('cannot add the rule: linux.seccomp.rules is not a list');
  }
  const seccomp = nodeAt(source, SECCOMP_PATH);
  if (!isMap(seccomp) || rules !== undefined) {
    throw new RuleEditError(
      'cannot add the rule: the policy has no linux.seccomp section with rules to add it to',
    );
  }
  return seccomp.flow
    ? newFlowRules(source, seccomp, lines)
    : newBlockRules(source, seccomp, lines);
}

/** The rules list item to insert before, or undefined for the end. */
function placementIndex(
  policy: Policy,
  rules: YAMLSeq,
  placement: RulePlacement,
): number | undefined {
  const names = new Set(placement.beforeRuleListing ?? []);
  if (names.size === 0) return undefined;
  const first = (policy.linux.seccomp?.rules ?? []).find(
    (rule) => !rule.origin && rule.syscalls.some((ref) => names.has(ref.name)),
  );
  if (!first) return undefined;
  const offset = first.range.start.offset;
  const index = rules.items.findIndex((item) => {
    if (!isNode(item)) return false;
    const [start, end] = span(item);
    return offset >= start && offset < Math.max(end, start + 1);
  });
  if (index === -1) {
    throw new RuleEditError('internal error: a rule of the policy is not in its rules list');
  }
  return index;
}

function lineNumber(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** `- first line` and the following lines two columns further in, each at `indent`. */
function blockItem(lines: readonly string[], indent: number, newline: string): string {
  const pad = ' '.repeat(indent);
  return lines
    .map((line, i) => {
      if (i === 0) return `${pad}- ${line}`;
      return line.trim() === '' ? '' : `${pad}  ${line}`;
    })
    .join(newline);
}

function intoBlockSeq(
  source: YamlSource,
  rules: YAMLSeq,
  lines: readonly string[],
  before: number | undefined,
): PlannedInsertion {
  const { text } = source;
  const newline = newlineOf(text);
  const items = rules.items.filter((item): item is Node => isNode(item));
  const first = items[0];
  if (!first) throw new RuleEditError('internal error: an empty block list');
  const dashOf = (item: Node) => text.lastIndexOf('-', span(item)[0] - 1);
  const indent = columnOf(text, span(rules)[0]);
  const item = blockItem(lines, indent, newline);
  const target = before === undefined ? undefined : items[before];
  if (target) {
    const at = commentBlockStart(text, Math.min(dashOf(target), span(target)[0]));
    const insert = `${item}${newline}`;
    return planned(text, { start: at, end: at, insert }, at + indent, at + item.length, true);
  }
  const last = items[items.length - 1]!;
  const [start, end] = span(last);
  const at = lineEnd(text, contentEnd(text, start, end));
  const insert = `${newline}${item}`;
  const ruleStart = at + newline.length + indent;
  return planned(text, { start: at, end: at, insert }, ruleStart, at + insert.length, true);
}

function planned(
  text: string,
  edit: TextEdit,
  ruleStart: number,
  ruleEnd: number,
  block: boolean,
): PlannedInsertion {
  const updated = applyEdit(text, edit);
  return { edit, ruleStart, ruleEnd, firstLine: lineNumber(updated, ruleStart), block };
}

function flowText(lines: readonly string[]): string {
  const { source } = parseYaml(lines.join('\n'));
  return flowValue(source?.doc.toJS());
}

/** A value as flow YAML that reads back the same: `{allow: ioctl, when: "arg1 == 3"}`. */
function flowValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flowValue).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${yamlString(k)}: ${flowValue(v)}`).join(', ')}}`;
  }
  if (typeof value === 'string') return yamlString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return 'null';
}

function intoFlowSeq(
  source: YamlSource,
  rules: YAMLSeq,
  lines: readonly string[],
  before: number | undefined,
): PlannedInsertion {
  const { text } = source;
  const rule = flowText(lines);
  const items = rules.items.filter((item): item is Node => isNode(item));
  const target = before === undefined ? undefined : items[before];
  if (target) {
    const at = span(target)[0];
    return planned(text, { start: at, end: at, insert: `${rule}, ` }, at, at + rule.length, false);
  }
  const last = items[items.length - 1];
  if (last) {
    const at = contentEnd(text, ...span(last));
    const insert = `, ${rule}`;
    return planned(text, { start: at, end: at, insert }, at + 2, at + insert.length, false);
  }
  const open = text.indexOf('[', span(rules)[0]);
  return planned(
    text,
    { start: open + 1, end: open + 1, insert: rule },
    open + 1,
    open + 1 + rule.length,
    false,
  );
}

/** Where the entry `pair` ends in the text (a block value's range also holds its line break). */
function pairEnd(text: string, pair: Pair): number {
  const node = (pair.value ?? pair.key) as Node;
  return contentEnd(text, ...span(node));
}

function newBlockRules(
  source: YamlSource,
  seccomp: YAMLMap,
  lines: readonly string[],
): PlannedInsertion {
  const { text } = source;
  const newline = newlineOf(text);
  const pairs = seccomp.items;
  const last = pairs[pairs.length - 1];
  const firstKey = pairs[0]?.key;
  if (!last || !isNode(firstKey)) throw new RuleEditError('internal error: an empty block mapping');
  const keyColumn = columnOf(text, entryStart(text, span(firstKey)[0]));
  const at = lineEnd(text, pairEnd(text, last));
  const rulesKey = `${' '.repeat(keyColumn)}rules:`;
  const item = blockItem(lines, keyColumn + 2, newline);
  const insert = `${newline}${rulesKey}${newline}${item}`;
  const ruleStart = at + newline.length + rulesKey.length + newline.length + keyColumn + 2;
  return planned(text, { start: at, end: at, insert }, ruleStart, at + insert.length, true);
}

function newFlowRules(
  source: YamlSource,
  seccomp: YAMLMap,
  lines: readonly string[],
): PlannedInsertion {
  const { text } = source;
  const rule = flowText(lines);
  const last = seccomp.items[seccomp.items.length - 1];
  const at = last ? pairEnd(text, last) : text.indexOf('{', span(seccomp)[0]) + 1;
  const prefix = `${last ? ', ' : ''}rules: [`;
  const insert = `${prefix}${rule}]`;
  const ruleStart = at + prefix.length;
  return planned(text, { start: at, end: at, insert }, ruleStart, ruleStart + rule.length, false);
}

/**
 * Re-parsing proves the edit made a valid policy with a rule where it claims; an error inside
 * the rule is reported at its line within the rule, so the user can fix what they typed.
 */
function checkInserted(
  updated: string,
  planned: PlannedInsertion,
  lines: readonly string[],
  options: ParseOptions,
): void {
  const parsed = parsePolicy(updated, options);
  const error = parsed.diagnostics.find((d) => d.severity === 'error');
  if (error || !parsed.policy) {
    const inside =
      error !== undefined &&
      error.range.start.offset >= planned.ruleStart &&
      error.range.start.offset <= planned.ruleEnd;
    const where =
      inside && planned.block
        ? `rule line ${error.range.start.line - planned.firstLine + 1}: `
        : inside
          ? 'in the rule: '
          : error
            ? `line ${error.range.start.line}: `
            : '';
    throw new RuleEditError(`${where}${error?.message ?? 'the policy does not parse'}`, error);
  }
  const found = (parsed.policy.linux.seccomp?.rules ?? []).some(
    (rule) =>
      !rule.origin &&
      rule.range.start.offset >= planned.ruleStart &&
      rule.range.start.offset < planned.ruleEnd,
  );
  if (!found && lines.length > 0) {
    throw new RuleEditError('internal error: the inserted rule is not where it was put');
  }
}
