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
import { syscallNumber } from '../linux/syscalls';
import type { Policy } from './model';
import { hasErrors, parsePolicy, type ParseOptions } from './parse';
import { formatDiagnostic } from './source-range';
import {
  applyEdit,
  columnOf,
  commentBlockStart,
  contentEnd,
  entryStart,
  flowItems,
  lineEnd,
  lineOf,
  newlineOf,
  type TextEdit,
} from './text-edit';
import {
  findPair,
  keyNodeAt,
  nodeAt,
  parseYaml,
  resolveNode,
  type YamlSource,
} from './yaml-source';

const RULES_PATH = ['linux', 'seccomp', 'rules'] as const;

/**
 * Adds syscalls to the policy's allow-list by editing the text in place, so the user's comments,
 * key order and layout survive. Syscalls some rule already handles are left alone: an explicit
 * deny must never be overridden silently. New names go, sorted, to the first pure `allow:` rule,
 * or to a new first rule `- allow: [...]` (creating linux/seccomp/rules as needed).
 * Throws when the policy has errors or a name is a syscall of none of its arches. `options` are
 * parsePolicy's (the reader for `include:`); included rules count as handling their syscalls.
 */
export function addAllowedSyscalls(
  text: string,
  names: readonly string[],
  options: ParseOptions = {},
): string {
  const parsed = parsePolicy(text, options);
  const policy = parsed.policy;
  if (!policy || hasErrors(parsed.diagnostics)) {
    const first = parsed.diagnostics.find((d) => d.severity === 'error');
    const where = first ? `: ${formatDiagnostic('policy', first)}` : '';
    throw new Error(`cannot add syscalls: the policy has errors; fix them first${where}`);
  }
  const arches = policy.linux.seccomp?.arch ?? ['x86_64'];
  const unknown = names.filter((name) => arches.every((a) => syscallNumber(a, name) === undefined));
  if (unknown.length > 0) {
    throw new Error(
      `cannot allow unknown syscalls (not in the ${arches.join(', ')} table): ${unknown.join(', ')}`,
    );
  }
  const added = newNames(policy, names);
  if (added.length === 0) return text;
  const { source } = parseYaml(text);
  if (!source) throw new Error('cannot add syscalls: the policy is not valid YAML');
  const updated = applyEdit(text, planEdit(source, added));
  checkAllowed(updated, added, options);
  return updated;
}

function newNames(policy: Policy, names: readonly string[]): string[] {
  const handled = new Set(
    (policy.linux.seccomp?.rules ?? []).flatMap((rule) => rule.syscalls.map((s) => s.name)),
  );
  return [...new Set(names)].filter((name) => !handled.has(name)).sort();
}

/** The edit is text surgery; re-parsing proves it did what it claims before anyone sees it. */
function checkAllowed(updated: string, added: readonly string[], options: ParseOptions): void {
  const rules = parsePolicy(updated, options).policy?.linux.seccomp?.rules;
  const allowed = (name: string) =>
    rules?.find((rule) => rule.syscalls.some((s) => s.name === name))?.action.kind === 'allow';
  const missing = added.filter((name) => !allowed(name));
  if (!rules || missing.length > 0) {
    throw new Error(`internal error: editing the policy did not allow ${missing.join(', ')}`);
  }
}

function planEdit(source: YamlSource, added: readonly string[]): TextEdit {
  const rules = nodeAt(source, RULES_PATH);
  if (isSeq(rules)) {
    const allowList = firstPureAllowList(source, rules);
    if (allowList) return appendToList(source, allowList, added);
    return insertFirstRule(source, rules, added);
  }
  // No rules list yet: add what is missing of linux.seccomp.rules to the deepest map that exists.
  for (let depth = RULES_PATH.length - 1; depth >= 0; depth--) {
    const path = RULES_PATH.slice(0, depth);
    const map = nodeAt(source, path);
    if (isMap(map))
      return addEntry(source, path, map, RULES_PATH[depth]!, missingTree(depth, added));
  }
  throw new Error('cannot add syscalls: the policy document is not a mapping');
}

/**
 * The value of the first rule whose only key is `allow`. Aliases are not followed: adding to an
 * anchored list would change every rule that reuses it.
 */
function firstPureAllowList(source: YamlSource, rules: YAMLSeq): Node | undefined {
  for (const rule of rules.items) {
    if (isMap(rule) && rule.items.length === 1) {
      const value = findPair(source, rule, 'allow')?.value;
      if (isSeq(value) || isScalar(value)) return value;
    }
  }
  return undefined;
}

function appendToList(source: YamlSource, list: Node, added: readonly string[]): TextEdit {
  if (isSeq(list) && list.flow) return appendToFlowSeq(source, list, added);
  if (isSeq(list)) return appendToBlockSeq(source, list, added);
  if (isScalar(list)) return scalarToFlowSeq(source, list, added);
  throw new Error('internal error: an allow rule lists its syscalls in an unexpected form');
}

function range(node: Node): readonly [number, number] {
  const [start, valueEnd] = node.range ?? [0, 0];
  return [start, valueEnd];
}

function appendToFlowSeq(source: YamlSource, seq: YAMLSeq, added: readonly string[]): TextEdit {
  const { text } = source;
  const newline = newlineOf(text);
  const [seqStart, seqEnd] = range(seq);
  const items = seq.items.filter((item): item is Node => isNode(item));
  const last = items[items.length - 1];
  if (!last) {
    const close = text.lastIndexOf(']', seqEnd - 1);
    const column = columnOf(text, seqStart) + 1;
    return {
      start: seqStart + 1,
      end: close,
      insert: flowItems(added, column, column, true, newline),
    };
  }
  const at = range(last)[1];
  const lines = new Set(items.map((item) => lineOf(text, range(item)[0])));
  const onePerLine =
    lines.size === items.length && lineOf(text, seqStart) !== lineOf(text, range(items[0]!)[0]);
  if (onePerLine) {
    const indent = ' '.repeat(columnOf(text, range(last)[0]));
    return {
      start: at,
      end: at,
      insert: added.map((name) => `,${newline}${indent}${name}`).join(''),
    };
  }
  const align = columnOf(text, range(items[0]!)[0]);
  return {
    start: at,
    end: at,
    insert: flowItems(added, columnOf(text, at), align, false, newline),
  };
}

function appendToBlockSeq(source: YamlSource, seq: YAMLSeq, added: readonly string[]): TextEdit {
  const { text } = source;
  const newline = newlineOf(text);
  const last = seq.items[seq.items.length - 1] as Node | undefined;
  if (!last) throw new Error('internal error: an empty block sequence');
  const [start, end] = range(last);
  const dash = text.lastIndexOf('-', start - 1);
  const indent = ' '.repeat(columnOf(text, dash));
  const at = lineEnd(text, contentEnd(text, start, end));
  return {
    start: at,
    end: at,
    insert: added.map((name) => `${newline}${indent}- ${name}`).join(''),
  };
}

/** `allow: read` → `allow: [read, write]`, keeping the original spelling (and quotes) of `read`. */
function scalarToFlowSeq(source: YamlSource, scalar: Node, added: readonly string[]): TextEdit {
  const { text } = source;
  const [start, end] = range(scalar);
  const original = text.slice(start, end);
  const column = columnOf(text, start) + 1;
  const items = flowItems(added, column + original.length, column, false, newlineOf(text));
  return { start, end, insert: `[${original}${items}]` };
}

function insertFirstRule(source: YamlSource, rules: YAMLSeq, added: readonly string[]): TextEdit {
  const { text } = source;
  const [start, end] = range(rules);
  if (!rules.flow) {
    // A block sequence starts at its first `-`.
    const indent = columnOf(text, start);
    const at = commentBlockStart(text, start);
    const rule = allowRuleText(added, indent, newlineOf(text));
    return { start: at, end: at, insert: `${' '.repeat(indent)}${rule}${newlineOf(text)}` };
  }
  if (rules.items.length === 0 && !insideFlow(source, RULES_PATH.slice(0, -1))) {
    return emptyFlowToBlock(source, RULES_PATH, start, end, { allowRule: added });
  }
  const separator = rules.items.length > 0 ? ', ' : '';
  const rule = `{allow: [${added.join(', ')}]}`;
  return { start: start + 1, end: start + 1, insert: `${rule}${separator}` };
}

/** A value to create: a scalar, a mapping, or a rules list holding one allow rule. */
type Tree =
  | { readonly scalar: string }
  | { readonly map: readonly (readonly [string, Tree])[] }
  | { readonly allowRule: readonly string[] };

/** What must be created under RULES_PATH[0..depth) for the new allow rule to exist. */
function missingTree(depth: number, added: readonly string[]): Tree {
  const rules: Tree = { allowRule: added };
  const seccomp: Tree = {
    map: [
      ['default', { scalar: 'kill-process' }],
      ['rules', rules],
    ],
  };
  const linux: Tree = { map: [['seccomp', seccomp]] };
  return [linux, seccomp, rules][depth]!;
}

function flowText(tree: Tree): string {
  if ('scalar' in tree) return tree.scalar;
  if ('allowRule' in tree) return `[{allow: [${tree.allowRule.join(', ')}]}]`;
  return `{${tree.map.map(([key, value]) => `${key}: ${flowText(value)}`).join(', ')}}`;
}

interface BlockStyle {
  readonly unit: number;
  readonly newline: string;
}

/** `key: value` in block style at `indent`, without a leading or trailing line break. */
function blockEntry(key: string, tree: Tree, indent: number, style: BlockStyle): string {
  const head = `${' '.repeat(indent)}${key}:`;
  if ('scalar' in tree) return `${head} ${tree.scalar}`;
  return `${head}${style.newline}${blockContent(tree, indent + style.unit, style)}`;
}

/** The lines of a collection's content, each indented by `indent`. */
function blockContent(tree: Tree, indent: number, style: BlockStyle): string {
  if ('scalar' in tree) return `${' '.repeat(indent)}${tree.scalar}`;
  if ('allowRule' in tree) {
    return `${' '.repeat(indent)}${allowRuleText(tree.allowRule, indent, style.newline)}`;
  }
  return tree.map.map(([key, value]) => blockEntry(key, value, indent, style)).join(style.newline);
}

/** `- allow: [a, b, …]`, wrapped and aligned when long. */
function allowRuleText(added: readonly string[], indent: number, newline: string): string {
  const prefix = '- allow: [';
  const column = indent + prefix.length;
  return `${prefix}${flowItems(added, column, column, true, newline)}]`;
}

function addEntry(
  source: YamlSource,
  path: readonly string[],
  map: YAMLMap,
  key: string,
  tree: Tree,
): TextEdit {
  const { text } = source;
  const [start, end] = range(map);
  if (map.flow) {
    if (map.items.length === 0 && path.length > 0 && !insideFlow(source, path.slice(0, -1))) {
      return emptyFlowToBlock(source, path, start, end, { map: [[key, tree]] });
    }
    const last = map.items[map.items.length - 1];
    const at = last ? pairEnd(source, last) : start + 1;
    const separator = last ? ', ' : '';
    return { start: at, end: at, insert: `${separator}${key}: ${flowText(tree)}` };
  }
  const last = map.items[map.items.length - 1];
  if (!last) throw new Error('internal error: an empty block mapping');
  const indent = columnOf(text, entryStart(text, range(last.key as Node)[0]));
  const at = lineEnd(text, pairEnd(source, last));
  const style = blockStyle(source);
  return { start: at, end: at, insert: `${style.newline}${blockEntry(key, tree, indent, style)}` };
}

/** Where the entry's own text ends (a block value's range also holds its final line break). */
function pairEnd(source: YamlSource, pair: Pair): number {
  const node = (pair.value ?? pair.key) as Node;
  const [start, end] = range(node);
  return contentEnd(source.text, start, end);
}

/**
 * `rules: []` or `seccomp: {}` in a block mapping becomes a block collection, so the result reads
 * like the rest of the file. A comment after the brackets stays on the key's line.
 */
function emptyFlowToBlock(
  source: YamlSource,
  path: readonly PropertyKey[],
  start: number,
  end: number,
  tree: Tree,
): TextEdit {
  const { text } = source;
  const style = blockStyle(source);
  const key = keyNodeAt(source, path);
  const keyColumn = columnOf(text, key ? entryStart(text, range(key)[0]) : start);
  let from = start;
  while (from > 0 && text[from - 1] === ' ') from--;
  const to = lineEnd(text, end);
  const comment = text.slice(end, to).trim();
  const content = blockContent(tree, keyColumn + style.unit, style);
  return {
    start: from,
    end: to,
    insert: `${comment ? ` ${comment}` : ''}${style.newline}${content}`,
  };
}

function insideFlow(source: YamlSource, path: readonly PropertyKey[]): boolean {
  for (let n = 0; n <= path.length; n++) {
    const node = nodeAt(source, path.slice(0, n));
    if ((isMap(node) || isSeq(node)) && node.flow) return true;
  }
  return false;
}

/** The file's indentation step, from its first nested block mapping; 2 if it has none. */
function blockStyle(source: YamlSource): BlockStyle {
  const newline = newlineOf(source.text);
  const unit = nestedMapStep(source, resolveNode(source, source.doc.contents));
  return { unit: unit ?? 2, newline };
}

function nestedMapStep(source: YamlSource, node: Node | undefined): number | undefined {
  if (!isMap(node) || node.flow) return undefined;
  for (const pair of node.items) {
    const value = resolveNode(source, pair.value);
    const inner = isMap(value) && !value.flow ? value.items[0]?.key : undefined;
    if (isNode(pair.key) && isNode(inner)) {
      const step =
        columnOf(source.text, range(inner)[0]) - columnOf(source.text, range(pair.key)[0]);
      if (step > 0) return step;
    }
    const deeper = nestedMapStep(source, value);
    if (deeper !== undefined) return deeper;
  }
  return undefined;
}
