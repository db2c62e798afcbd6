import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { contentEnd, lineEnd, lineStart, newlineOf, type TextEdit } from './text-edit';
import { keyText, nodeAt, resolveNode, type YamlSource } from './yaml-source';

/**
 * The YAML nodes of `linux.seccomp.rules` in this file, for edits that must leave everything else
 * byte-identical (quick fixes). Offsets are into the source text.
 */

export const RULES_PATH = ['linux', 'seccomp', 'rules'] as const;

/** Keys whose value lists a rule's syscalls. */
const SYSCALL_KEYS: ReadonlySet<string> = new Set(['allow', 'syscalls']);

export interface RuleNode {
  readonly rules: YAMLSeq;
  /** Index in this file's rules list (included rules are not in it). */
  readonly index: number;
  readonly map: YAMLMap;
}

export interface SyscallEntryNode {
  readonly rule: RuleNode;
  /** The list of syscalls (or the single scalar) the entry is in. */
  readonly list: Node;
  /** The entry itself: an item of `list`, or `list` when it is a scalar. */
  readonly entry: Node;
}

export function span(node: Node): readonly [number, number] {
  const [start, end] = node.range ?? [0, 0];
  return [start, end];
}

function contains(node: unknown, offset: number): boolean {
  const range = (node as Node | undefined)?.range;
  return range !== undefined && range !== null && offset >= range[0] && offset <= range[1];
}

/** The rules list of this file, when it is a YAML sequence. */
export function rulesSeq(source: YamlSource): YAMLSeq | undefined {
  const rules = nodeAt(source, RULES_PATH);
  return isSeq(rules) ? rules : undefined;
}

/** The rule (a mapping) whose text holds `offset`. */
export function ruleAt(source: YamlSource, offset: number): RuleNode | undefined {
  const rules = rulesSeq(source);
  if (!rules) return undefined;
  const index = rules.items.findIndex((item) => contains(item, offset));
  const map = resolveNode(source, rules.items[index]);
  return index >= 0 && isMap(map) ? { rules, index, map } : undefined;
}

export function rulePair(rule: RuleNode, key: string): Pair | undefined {
  return rule.map.items.find((pair) => keyText(pair) === key);
}

/** The syscall entry (in `allow:` or `syscalls:`) whose text holds `offset`. */
export function syscallEntryAt(source: YamlSource, offset: number): SyscallEntryNode | undefined {
  const rule = ruleAt(source, offset);
  if (!rule) return undefined;
  for (const pair of rule.map.items) {
    if (!SYSCALL_KEYS.has(keyText(pair)) || !contains(pair.value, offset)) continue;
    const list = resolveNode(source, pair.value);
    if (isScalar(list)) return { rule, list, entry: list };
    if (!isSeq(list)) return undefined;
    const entry = list.items.find((item) => contains(item, offset));
    return isScalar(entry) ? { rule, list, entry } : undefined;
  }
  return undefined;
}

/** The syscall names a rule lists, as written (groups included), with their nodes. */
export function listedSyscalls(
  source: YamlSource,
  rule: RuleNode,
): { list: Node; names: string[] } | undefined {
  const pair = rule.map.items.find((p) => SYSCALL_KEYS.has(keyText(p)));
  const list = resolveNode(source, pair?.value);
  if (isScalar(list)) return { list, names: [String(list.value)] };
  if (!isSeq(list)) return undefined;
  const names = list.items.map((item) => (isScalar(item) ? String(item.value) : ''));
  return { list, names };
}

/** The text from the start of `node`'s line up to and including the line break after it. */
function wholeLines(text: string, start: number, end: number): TextEdit {
  const from = lineStart(text, start);
  const last = lineEnd(text, contentEnd(text, start, end));
  const to = last + (text.startsWith('\r\n', last) ? 2 : text[last] === '\n' ? 1 : 0);
  return { start: from, end: to, insert: '' };
}

/**
 * Removes item `index` of a sequence: its lines in block style (from its `-`), the item and one
 * separating comma in flow style. The sequence must keep at least one item (callers check).
 */
export function removeSeqItem(text: string, seq: YAMLSeq, index: number): TextEdit {
  const item = seq.items[index] as Node | undefined;
  if (!item) throw new Error(`internal: no item ${index}`);
  const [start, end] = span(item);
  if (!seq.flow) {
    const dash = text.lastIndexOf('-', start - 1);
    return wholeLines(text, dash, end);
  }
  const next = seq.items[index + 1] as Node | undefined;
  if (next) return { start, end: span(next)[0], insert: '' };
  const previous = seq.items[index - 1] as Node | undefined;
  if (!previous) throw new Error('internal: cannot remove the only item of a sequence');
  const previousEnd = contentEnd(text, span(previous)[0], span(previous)[1]);
  return { start: previousEnd, end: contentEnd(text, start, end), insert: '' };
}

/** The column of a rule's keys and of its `-` (block style), for inserting text next to it. */
export function ruleIndentation(text: string, rule: RuleNode): { dash: number; key: number } {
  const [start] = span(rule.map);
  const key = start - lineStart(text, start);
  const dashAt = text.lastIndexOf('-', start - 1);
  const dash = dashAt >= lineStart(text, start) ? dashAt - lineStart(text, start) : key;
  return { dash, key };
}

/** Where the rule's own text ends (a block mapping's range also holds its final line break). */
export function ruleEnd(text: string, rule: RuleNode): number {
  const [start, end] = span(rule.map);
  return contentEnd(text, start, end);
}

export { newlineOf };
