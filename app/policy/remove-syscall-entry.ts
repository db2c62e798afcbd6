import { isSeq } from 'yaml';
import { RULES_PATH, removeSeqItem, span, syscallEntryAt, type RuleNode } from './rule-nodes';
import { contentEnd, type TextEdit } from './text-edit';
import { keyNodeAt, parseYaml, type YamlSource } from './yaml-source';

/**
 * The edit that removes the syscall entry at `offset` (a name or `@group` in a rule's `allow:` or
 * `syscalls:`) from its rule, or the whole rule when it is the rule's only entry: the quick fix
 * for an entry an earlier rule shadows. Undefined when `offset` is on no such entry or the text
 * is not valid YAML. Comments and layout elsewhere stay as they are.
 */
export function removeSyscallEntry(text: string, offset: number): TextEdit | undefined {
  const { source } = parseYaml(text);
  if (!source) return undefined;
  const found = syscallEntryAt(source, offset);
  if (!found) return undefined;
  const { rule, list, entry } = found;
  if (isSeq(list) && list.items.length > 1) {
    return removeSeqItem(text, list, list.items.indexOf(entry));
  }
  return removeRule(source, rule);
}

/** The rule's lines; the last rule leaves `rules: []` behind (an empty `rules:` is no list). */
function removeRule(source: YamlSource, rule: RuleNode): TextEdit | undefined {
  const { text } = source;
  if (rule.rules.items.length > 1) return removeSeqItem(text, rule.rules, rule.index);
  const [start, end] = span(rule.rules);
  if (rule.rules.flow) return { start, end: contentEnd(text, start, end), insert: '[]' };
  const key = keyNodeAt(source, RULES_PATH);
  if (!key) return undefined;
  const colon = text.indexOf(':', span(key)[1]);
  return { start: colon + 1, end: contentEnd(text, start, end), insert: ' []' };
}
