import { constantNames, constantValue } from '../../app/linux/arch-constants';
import { syscallParam } from '../../app/linux/syscall-docs';
import type { Arch } from '../../app/linux/syscalls';
import { FUNCTIONS } from '../../app/policy/condition-parser';
import {
  conditionOffset,
  policyArches,
  policyContextAt,
  type ConditionContext,
} from './policy-context';

/** One completion inside a `when:` condition, in terms Monaco's glue maps to its own. */
export interface ConditionSuggestion {
  readonly label: string;
  readonly kind: 'argument' | 'constant' | 'keyword';
  readonly insertText: string;
  readonly detail?: string;
  /** Orders arguments first, then keywords, then constants. */
  readonly sortText: string;
}

export interface ConditionCompletions {
  readonly suggestions: readonly ConditionSuggestion[];
  /** The source range [start, end) of the word a suggestion replaces. */
  readonly start: number;
  readonly end: number;
}

const WORD = /[A-Za-z0-9_]/;
const ARG_COUNT = 6;

function wordAround(text: string, cursor: number): { start: number; end: number } {
  let start = cursor;
  while (start > 0 && WORD.test(text[start - 1]!)) start--;
  let end = cursor;
  while (end < text.length && WORD.test(text[end]!)) end++;
  return { start, end };
}

function argumentSuggestions(syscalls: readonly string[]): ConditionSuggestion[] {
  return Array.from({ length: ARG_COUNT }, (_, index) => {
    const params = syscalls.flatMap((name) => {
      const param = syscallParam(name, index);
      return param ? [`${name}: ${param.type}${param.name ? ` ${param.name}` : ''}`] : [];
    });
    return {
      label: `arg${index}`,
      kind: 'argument' as const,
      insertText: `arg${index}`,
      ...(params.length > 0 ? { detail: params.join('; ') } : {}),
      sortText: `0-${index}`,
    };
  });
}

const KEYWORDS: readonly { label: string; insertText: string; detail: string }[] = [
  { label: 'in', insertText: 'in {$1}', detail: 'argN in {A, B}: one of these values' },
  { label: 'not in', insertText: 'not in {$1}', detail: 'argN not in {A, B}: none of these' },
  ...FUNCTIONS.map((name) => ({
    label: name,
    insertText: `${name}(\${1:argN}, \${2:FLAGS})`,
    detail: `${name}(argN, FLAGS): ${name === 'allof' ? 'all of' : name === 'anyof' ? 'any of' : 'none of'} these bits set`,
  })),
];

function keywordSuggestions(): ConditionSuggestion[] {
  return KEYWORDS.map((k) => ({ ...k, kind: 'keyword' as const, sortText: `1-${k.label}` }));
}

function constantSuggestions(arches: readonly Arch[]): ConditionSuggestion[] {
  const first = arches[0] ?? 'x86_64';
  const names = new Set(arches.flatMap((arch) => constantNames(arch)));
  return [...names].sort().map((name) => {
    const value = constantValue(first, name);
    return {
      label: name,
      kind: 'constant' as const,
      insertText: name,
      ...(value === undefined
        ? {}
        : { detail: `${value < 0n ? value : `0x${value.toString(16)}`} on ${first}` }),
      sortText: `2-${name}`,
    };
  });
}

/** Completions for the word at the cursor of a condition: arguments, keywords, constants. */
export function completionsInCondition(
  context: ConditionContext,
  arches: readonly Arch[],
): ConditionCompletions | undefined {
  const word = wordAround(context.text, context.cursor);
  if (/^[0-9]/.test(context.text.slice(word.start, context.cursor))) return undefined;
  return {
    suggestions: [
      ...argumentSuggestions(context.syscalls),
      ...keywordSuggestions(),
      ...constantSuggestions(arches),
    ],
    start: conditionOffset(context, word.start),
    end: conditionOffset(context, word.end),
  };
}

/** Completions at `offset` of the policy text when it is inside a `when:` condition. */
export function conditionCompletions(
  text: string,
  offset: number,
): ConditionCompletions | undefined {
  const context = policyContextAt(text, offset);
  if (context?.kind !== 'condition') return undefined;
  return completionsInCondition(context, policyArches(text));
}
