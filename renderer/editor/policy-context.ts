import { isMap, isScalar, isSeq, type Node, type Scalar } from 'yaml';
import { isArch } from '../../app/linux/arches';
import type { Arch } from '../../app/linux/syscalls';
import { scalarSpans, type ScalarSpans } from '../../app/policy/scalar-offsets';
import { keyText, nodeAt, parseYaml, type YamlSource } from '../../app/policy/yaml-source';

/**
 * What the text at an offset of a policy is, read from the YAML itself (so that it works while
 * the policy has errors elsewhere): a syscall or group a rule lists, an action, an errno, or a
 * place inside a rule's `when:` condition. Offsets are into the text; `end` is exclusive.
 */
export type PolicyContext =
  | {
      readonly kind: 'syscall';
      readonly name: string;
      readonly start: number;
      readonly end: number;
    }
  | { readonly kind: 'group'; readonly name: string; readonly start: number; readonly end: number }
  | { readonly kind: 'action'; readonly text: string; readonly start: number; readonly end: number }
  | { readonly kind: 'errno'; readonly name: string; readonly start: number; readonly end: number }
  | ConditionContext;

export interface ConditionContext {
  readonly kind: 'condition';
  /** The condition as the parser sees it (quotes and escapes undone). */
  readonly text: string;
  /** Where the cursor is in `text`. */
  readonly cursor: number;
  /** The syscalls the rule names (groups left out). */
  readonly syscalls: readonly string[];
  /** Source offsets of the characters of `text`. */
  readonly spans: ScalarSpans;
  /** Where an empty condition's text would start (inside its quotes). */
  readonly origin: number;
}

interface Step {
  readonly key: string | number;
  readonly node: Node;
}

interface Located {
  readonly steps: readonly Step[];
  /** Set when the offset is on a map key rather than in a value. */
  readonly key?: Scalar;
  readonly leaf?: Scalar;
}

const SECCOMP = ['linux', 'seccomp'] as const;

function within(node: unknown, offset: number): boolean {
  const range = (node as Node | null | undefined)?.range;
  return !!range && offset >= range[0] && offset <= range[1];
}

/** The chain of map keys and list indexes down to the scalar at `offset`. */
function locate(source: YamlSource, offset: number): Located {
  const steps: Step[] = [];
  let node = source.doc.contents as Node | null;
  for (;;) {
    if (isMap(node)) {
      const pair = node.items.find((p) => within(p.key, offset) || within(p.value, offset));
      if (!pair) return { steps };
      if (within(pair.key, offset))
        return { steps, ...(isScalar(pair.key) ? { key: pair.key } : {}) };
      node = pair.value as Node;
      steps.push({ key: keyText(pair), node });
    } else if (isSeq(node)) {
      const index = node.items.findIndex((item) => within(item, offset));
      if (index === -1) return { steps };
      node = node.items[index] as Node;
      steps.push({ key: index, node });
    } else {
      return isScalar(node) ? { steps, leaf: node } : { steps };
    }
  }
}

function under(steps: readonly Step[], prefix: readonly (string | number | null)[]): boolean {
  return (
    steps.length === prefix.length &&
    prefix.every((key, i) => key === null || steps[i]?.key === key)
  );
}

function scalarText(node: Scalar): string | undefined {
  return typeof node.value === 'string' ? node.value : undefined;
}

function bounds(node: Scalar): { start: number; end: number } {
  const [start, end] = node.range ?? [0, 0];
  return { start, end };
}

/** The names a rule map lists under `allow:` or `syscalls:`, groups left out. */
function ruleSyscalls(rule: Node | undefined): string[] {
  if (!isMap(rule)) return [];
  const names: string[] = [];
  for (const pair of rule.items) {
    const key = keyText(pair);
    if (key !== 'allow' && key !== 'syscalls') continue;
    const value = pair.value;
    const items = isSeq(value) ? value.items : [value];
    for (const item of items) {
      if (isScalar(item) && typeof item.value === 'string' && !item.value.startsWith('@')) {
        names.push(item.value);
      }
    }
  }
  return names;
}

function conditionContext(text: string, node: Scalar, offset: number, rule: Node | undefined) {
  const value = scalarText(node);
  const spans = value === undefined ? undefined : scalarSpans(text, node);
  if (value === undefined || !spans) return undefined;
  let cursor = spans.starts.findIndex((start) => start >= offset);
  if (cursor === -1) cursor = value.length;
  const [start = 0] = node.range ?? [];
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
  const context: ConditionContext = {
    kind: 'condition',
    text: value,
    cursor,
    syscalls: ruleSyscalls(rule),
    spans,
    origin: start + (quoted ? 1 : 0),
  };
  return context;
}

/** What is at `offset` of the policy text, if it is something the editor can explain. */
export function policyContextAt(text: string, offset: number): PolicyContext | undefined {
  const { source } = parseYaml(text);
  if (!source) return undefined;
  const { steps, key, leaf } = locate(source, offset);
  const rule = ['linux', 'seccomp', 'rules', null] as const;
  if (key) {
    const name = scalarText(key);
    const onRuleKey = under(steps, rule) && (name === 'allow' || name === 'errno');
    return onRuleKey && name ? { kind: 'action', text: name, ...bounds(key) } : undefined;
  }
  if (!leaf) return undefined;
  const value = scalarText(leaf);
  const last = steps.at(-1)?.key;
  if (under(steps, [...SECCOMP, 'default']) || under(steps, [...SECCOMP, 'bad_arch'])) {
    return value === undefined ? undefined : { kind: 'action', text: value, ...bounds(leaf) };
  }
  const inRule = steps.length >= 5 && under(steps.slice(0, 4), rule);
  if (!inRule || value === undefined) return undefined;
  const field = steps[4]?.key;
  if (steps.length === 5 && field === 'action')
    return { kind: 'action', text: value, ...bounds(leaf) };
  if (steps.length === 5 && field === 'errno')
    return { kind: 'errno', name: value, ...bounds(leaf) };
  if (steps.length === 5 && field === 'when') {
    return conditionContext(text, leaf, offset, steps[3]?.node);
  }
  const listed =
    (steps.length === 5 || (steps.length === 6 && typeof last === 'number')) &&
    (field === 'allow' || field === 'syscalls');
  if (!listed) return undefined;
  return value.startsWith('@')
    ? { kind: 'group', name: value, ...bounds(leaf) }
    : { kind: 'syscall', name: value, ...bounds(leaf) };
}

/** The arches the policy lists (valid names only), x86_64 when it lists none. */
export function policyArches(text: string): Arch[] {
  const { source } = parseYaml(text);
  const list = source ? nodeAt(source, [...SECCOMP, 'arch']) : undefined;
  const arches = isSeq(list)
    ? list.items.flatMap((item) =>
        isScalar(item) && typeof item.value === 'string' && isArch(item.value) ? [item.value] : [],
      )
    : [];
  return arches.length > 0 ? [...new Set(arches)] : ['x86_64'];
}

/** The source offset where character `index` of a condition starts (its end for the length). */
export function conditionOffset(context: ConditionContext, index: number): number {
  const { starts, ends } = context.spans;
  if (index < starts.length) return starts[Math.max(0, index)]!;
  return ends[ends.length - 1] ?? context.origin;
}
