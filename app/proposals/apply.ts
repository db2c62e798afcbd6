import { addAllowedSyscalls } from '../policy/edit';
import {
  insertRule,
  ruleText,
  type RuleInsertion,
  type RuleSpec,
} from '../policy/edit-conditional';
import { parsePolicy, type ParseOptions } from '../policy/parse';

function isPlainAllow(rule: RuleSpec): boolean {
  return rule.action.trim() === 'allow' && rule.when === undefined;
}

/**
 * The policy text with `rule` in force for its syscalls: a plain allow of a syscall no rule lists
 * joins the first allow list (as "Allow observed" does); anything else becomes a rule of its own
 * before the first rule of this file that lists one of its syscalls, so it is tried first.
 * `start`/`end` are the offsets of the rule that now lists the syscalls.
 */
export function applyRule(text: string, rule: RuleSpec, options: ParseOptions = {}): RuleInsertion {
  if (isPlainAllow(rule)) {
    const updated = addAllowedSyscalls(text, rule.syscalls, options);
    if (updated !== text) {
      const found = firstRuleListing(updated, rule.syscalls[0] ?? '', options);
      if (found) return { text: updated, ...found };
    }
  }
  return insertRule(text, ruleText(rule), { beforeRuleListing: rule.syscalls }, options);
}

/**
 * The policy text with a rule the user wrote (YAML, one mapping) put before the first rule of
 * this file listing `syscall`; throws RuleEditError with the first problem otherwise.
 */
export function applyRuleText(
  text: string,
  syscall: string,
  rule: string,
  options: ParseOptions = {},
): RuleInsertion {
  return insertRule(text, rule, { beforeRuleListing: [syscall] }, options);
}

function firstRuleListing(
  text: string,
  name: string,
  options: ParseOptions,
): { start: number; end: number } | undefined {
  const rules = parsePolicy(text, options).policy?.linux.seccomp?.rules ?? [];
  const rule = rules.find((r) => !r.origin && r.syscalls.some((s) => s.name === name));
  return rule && { start: rule.range.start.offset, end: rule.range.end.offset };
}
