import { isSeq } from 'yaml';
import {
  listedSyscalls,
  newlineOf,
  removeSeqItem,
  ruleAt,
  ruleEnd,
  ruleIndentation,
  rulePair,
  type RuleNode,
} from './rule-nodes';
import { lineEnd, type TextEdit } from './text-edit';
import { parseYaml } from './yaml-source';

/**
 * Narrows an `allow` rule for one syscall to a condition (e.g. `arg1 in {TCGETS, FIONREAD}`, the
 * values a run observed): a rule allowing only that syscall gets `when:`; a rule allowing several
 * loses the syscall, and a new rule right after it allows the syscall under the condition.
 * Returns the edits (ascending, not overlapping), or undefined when the rule at `offset` is not
 * an unconditional `allow` listing `syscall` by name, or the text is not valid YAML.
 */
export function narrowRule(
  text: string,
  offset: number,
  syscall: string,
  condition: string,
): TextEdit[] | undefined {
  if (/["\\\n]/.test(condition)) throw new Error(`a condition cannot hold quotes or line breaks`);
  const { source } = parseYaml(text);
  const rule = source && ruleAt(source, offset);
  if (!source || !rule || !rulePair(rule, 'allow') || rulePair(rule, 'when')) return undefined;
  const listed = listedSyscalls(source, rule);
  const index = listed?.names.indexOf(syscall) ?? -1;
  if (!listed || index === -1) return undefined;
  const when = `when: "${condition}"`;
  if (listed.names.length === 1) return [addWhen(text, rule, when)];
  if (!isSeq(listed.list)) return undefined;
  return [removeSeqItem(text, listed.list, index), ruleAfter(text, rule, syscall, when)];
}

function addWhen(text: string, rule: RuleNode, when: string): TextEdit {
  const end = ruleEnd(text, rule);
  if (rule.map.flow) {
    const close = text.lastIndexOf('}', end);
    return { start: close, end: close, insert: `, ${when}` };
  }
  const at = lineEnd(text, end);
  const { key } = ruleIndentation(text, rule);
  return { start: at, end: at, insert: `${newlineOf(text)}${' '.repeat(key)}${when}` };
}

function ruleAfter(text: string, rule: RuleNode, syscall: string, when: string): TextEdit {
  const end = ruleEnd(text, rule);
  if (rule.rules.flow) {
    return { start: end, end, insert: `, {allow: ${syscall}, ${when}}` };
  }
  const at = lineEnd(text, end);
  const { dash, key } = ruleIndentation(text, rule);
  const newline = newlineOf(text);
  const lines = [`${' '.repeat(dash)}-${' '.repeat(Math.max(1, key - dash - 1))}allow: ${syscall}`];
  lines.push(`${' '.repeat(key)}${when}`);
  return { start: at, end: at, insert: lines.map((line) => newline + line).join('') };
}
