import { errnoName } from '../linux/errno';
import { formatAction } from '../policy/actions';
import { formatCondition } from '../policy/condition-format';
import type { ArgOperand, ConditionExpr, ValueExpr } from '../policy/condition-syntax';
import type { ArgCompare, ArgCondition } from '../policy/resolved';
import type { SourceRange } from '../policy/source-range';
import type { DecompiledPolicy, DecompiledRule } from './decompile-policy';

/** Writes a decompiled policy as a `*.sandbox.yaml` document, warnings as comments on top. */

/** Generated trees have no source; the formatter ignores ranges. */
const NOWHERE: SourceRange = {
  start: { line: 1, column: 1, offset: 0 },
  end: { line: 1, column: 1, offset: 0 },
};

const int = (value: bigint): ValueExpr => ({ kind: 'int', value, range: NOWHERE });

function operand(c: ArgCompare): ArgOperand {
  const cast = c.width === 32 ? (c.signed ? 's32' : 'u32') : c.signed ? 's64' : 'u64';
  return {
    kind: 'arg',
    index: c.arg,
    cast,
    ...(c.mask === undefined ? {} : { mask: int(c.mask) }),
    range: NOWHERE,
  };
}

const plainKey = (c: ArgCompare): string => `${c.arg}/${c.width}/${c.signed}/${c.mask ?? ''}`;

/** `a == 1 || a == 2` → `a in {1, 2}`; `a != 1 && a != 2` → `a not in {1, 2}`. */
function asSet(items: readonly ArgCondition[], op: '==' | '!='): ConditionExpr | undefined {
  if (items.length < 2) return undefined;
  const compares = items.filter((i): i is ArgCompare => i.kind === 'cmp' && i.op === op);
  const [first] = compares;
  if (!first || compares.length !== items.length) return undefined;
  if (compares.some((c) => plainKey(c) !== plainKey(first))) return undefined;
  return {
    kind: 'in',
    arg: operand(first),
    negated: op === '!=',
    values: compares.map((c) => int(c.value)),
    range: NOWHERE,
  };
}

type Converted = ConditionExpr | boolean;

function toExpr(c: ArgCondition): Converted {
  switch (c.kind) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'cmp':
      return { kind: 'compare', arg: operand(c), op: c.op, value: int(c.value), range: NOWHERE };
    case 'not': {
      const inner = toExpr(c.item);
      return typeof inner === 'boolean' ? !inner : { kind: 'not', item: inner, range: NOWHERE };
    }
    case 'and':
    case 'or': {
      const set = asSet(c.items, c.kind === 'or' ? '==' : '!=');
      if (set) return set;
      const absorbing = c.kind === 'or';
      const items: ConditionExpr[] = [];
      for (const item of c.items.map(toExpr)) {
        if (item === absorbing) return absorbing;
        if (typeof item !== 'boolean') items.push(item);
      }
      const [only] = items;
      if (items.length === 0) return !absorbing;
      return items.length === 1 && only ? only : { kind: c.kind, items, range: NOWHERE };
    }
  }
}

/** The `when:` text of a condition, or undefined when it always holds. */
export function conditionText(c: ArgCondition): string | undefined {
  const expr = toExpr(c);
  if (expr === true) return undefined;
  // Never produced for a rule (such rules are dropped); unsigned arg0 is never below 0.
  if (expr === false) return 'arg0 < 0';
  return formatCondition(expr);
}

const INDENT = '      ';

/** `[a, b, c]`, wrapped onto indented lines when long. */
function flowList(names: readonly string[], firstLineUsed: number): string {
  const lines: string[] = [];
  let line = '[';
  let width = firstLineUsed;
  names.forEach((name, i) => {
    const piece = `${name}${i === names.length - 1 ? ']' : ','}`;
    if (width + line.length + piece.length + 1 > 100 && line !== '[') {
      lines.push(line.trimEnd());
      line = '';
      width = INDENT.length + 4;
    }
    line += `${piece} `;
  });
  lines.push(line.trimEnd());
  return lines.join(`\n${INDENT}    `);
}

function ruleText(rule: DecompiledRule): string {
  const { action } = rule;
  const head =
    action.kind === 'allow'
      ? `${INDENT}- allow: ${flowList(rule.syscalls, INDENT.length + 9)}`
      : action.kind === 'errno'
        ? `${INDENT}- errno: ${errnoName(action.errno)}\n${INDENT}  syscalls: ${flowList(rule.syscalls, INDENT.length + 12)}`
        : `${INDENT}- action: ${formatAction(action)}\n${INDENT}  syscalls: ${flowList(rule.syscalls, INDENT.length + 12)}`;
  const when = rule.condition ? conditionText(rule.condition) : undefined;
  return when === undefined ? head : `${head}\n${INDENT}  when: ${JSON.stringify(when)}`;
}

function commentLines(text: string): string[] {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '#  ';
  for (const word of words) {
    if (line.length + word.length + 1 > 100 && line.trim() !== '#') {
      lines.push(line.trimEnd());
      line = '#    ';
    }
    line += ` ${word}`;
  }
  lines.push(line.trimEnd());
  return lines;
}

export interface YamlOptions {
  /** What the filter was decompiled from, for the header comment. */
  readonly source?: string;
}

export function policyYaml(policy: DecompiledPolicy, options: YamlOptions = {}): string {
  const header = [
    `# Decompiled by sandbox-studio${options.source ? ` from ${options.source}` : ''}.`,
  ];
  if (policy.warnings.length > 0) {
    header.push('# Not exactly expressible (check these by hand):');
    for (const warning of policy.warnings) header.push(...commentLines(`- ${warning}`));
  }
  const rules = policy.rules.map(ruleText);
  return [
    ...header,
    'version: 1',
    'name: decompiled seccomp filter',
    'linux:',
    '  seccomp:',
    `    arch: [${policy.arches.join(', ')}]`,
    `    default: ${formatAction(policy.defaultAction)}`,
    `    bad_arch: ${formatAction(policy.badArchAction)}`,
    rules.length === 0 ? '    rules: []' : '    rules:',
    ...rules,
    '',
  ].join('\n');
}
