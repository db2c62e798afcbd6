import { formatAction } from './actions';
import { formatCondition } from './condition-format';
import type { SeccompAction, SyscallRef, SyscallRule } from './model';
import { ruleDiagnostic, ruleLocation } from './rule-diagnostic';
import type { Diagnostic, SourceRange } from './source-range';

/**
 * For a syscall, the first rule (file order) that lists it and whose condition holds decides. A
 * later mention can never apply when an earlier rule for the same syscall has no condition or the
 * very same one: dead text, almost always a mistake — a warning, never an error. When the two
 * rules also disagree on the action, the warning says so (a conflict).
 */
export function ruleWarnings(rules: readonly SyscallRule[]): Diagnostic[] {
  const mentions = new Map<string, Mention[]>();
  const warnings: Diagnostic[] = [];
  for (const rule of rules) {
    if (rule.syscalls.length === 0) {
      warnings.push(
        ruleDiagnostic(
          rule,
          'warning',
          'empty-rule',
          'this rule lists no syscalls; it has no effect',
          rule.range,
        ),
      );
    }
    warnings.push(...checkRule(rule, mentions));
  }
  return warnings;
}

interface Mention {
  readonly rule: SyscallRule;
  readonly ref: SyscallRef;
}

/** The earlier rule that decides every call the later one would see, if there is one. */
function decidingRule(earlier: readonly Mention[], rule: SyscallRule): Mention | undefined {
  return earlier.find(
    (m) => !m.rule.condition || (rule.condition !== undefined && sameCondition(m.rule, rule)),
  );
}

const conditionText = new WeakMap<SyscallRule, string>();

function sameCondition(a: SyscallRule, b: SyscallRule): boolean {
  const text = (rule: SyscallRule) => {
    let cached = conditionText.get(rule);
    if (cached === undefined) {
      cached = rule.condition ? formatCondition(rule.condition.expr) : '';
      conditionText.set(rule, cached);
    }
    return cached;
  };
  return text(a) === text(b);
}

function sameAction(a: SeccompAction, b: SeccompAction): boolean {
  return formatAction(a) === formatAction(b);
}

/** Syscalls of one group entry that earlier rules already decide. */
interface GroupOverlap {
  readonly group: string;
  readonly range: SourceRange;
  members: number;
  readonly decided: Mention[];
  readonly conflicting: string[];
}

function checkRule(rule: SyscallRule, mentions: Map<string, Mention[]>): Diagnostic[] {
  const warnings: Diagnostic[] = [];
  const inRule = new Map<string, SyscallRef>();
  const groups = new Map<SourceRange, GroupOverlap>();
  for (const ref of rule.syscalls) {
    const overlap = ref.group === undefined ? undefined : groupOverlap(groups, ref);
    if (overlap) overlap.members++;
    const same = inRule.get(ref.name);
    if (same) {
      if (same.group === undefined && ref.group === undefined) {
        warnings.push(
          ruleDiagnostic(
            rule,
            'warning',
            'duplicate-syscall',
            `${ref.name} is listed twice in this rule`,
            ref.range,
          ),
        );
      }
      if (overlap) overlap.members--;
      continue;
    }
    inRule.set(ref.name, ref);
    const earlier = mentions.get(ref.name) ?? [];
    const decider = decidingRule(earlier, rule);
    if (overlap && decider) {
      overlap.decided.push(decider);
      if (!sameAction(decider.rule.action, rule.action)) overlap.conflicting.push(ref.name);
    } else if (decider) {
      warnings.push(shadowWarning(rule, ref, decider));
    }
    earlier.push({ rule, ref });
    mentions.set(ref.name, earlier);
  }
  for (const overlap of groups.values()) warnings.push(...groupWarnings(rule, overlap));
  return warnings;
}

function groupOverlap(groups: Map<SourceRange, GroupOverlap>, ref: SyscallRef): GroupOverlap {
  let overlap = groups.get(ref.range);
  if (!overlap) {
    overlap = { group: ref.group!, range: ref.range, members: 0, decided: [], conflicting: [] };
    groups.set(ref.range, overlap);
  }
  return overlap;
}

function via(ref: SyscallRef): string {
  return ref.group === undefined ? '' : ` (in ${ref.group})`;
}

function shadowWarning(rule: SyscallRule, ref: SyscallRef, decider: Mention): Diagnostic {
  const where = `the rule at ${ruleLocation(decider.rule)}`;
  if (sameAction(decider.rule.action, rule.action)) {
    const message = `${ref.name} is already handled by ${where}${via(decider.ref)}; this entry never applies`;
    return ruleDiagnostic(rule, 'warning', 'shadowed-syscall', message, ref.range);
  }
  const message = `${ref.name} is already decided by ${where}${via(decider.ref)} (${formatAction(decider.rule.action)}); this ${formatAction(rule.action)} never applies`;
  return ruleDiagnostic(rule, 'warning', 'conflicting-rule', message, ref.range);
}

/**
 * Overlapping groups are normal (systemd's groups share members), so a group entry is reported
 * only when all of it is dead, or when some members would get another action than they do.
 */
function groupWarnings(rule: SyscallRule, overlap: GroupOverlap): Diagnostic[] {
  const lines = [...new Set(overlap.decided.map((m) => ruleLocation(m.rule)))].join(', ');
  if (overlap.decided.length > 0 && overlap.decided.length === overlap.members) {
    const message = `all of ${overlap.group} is already handled by earlier rules (${lines}); this entry never applies`;
    return [ruleDiagnostic(rule, 'warning', 'shadowed-syscall', message, overlap.range)];
  }
  if (overlap.conflicting.length === 0) return [];
  const names = listNames(overlap.conflicting);
  const verb = overlap.conflicting.length === 1 ? 'is' : 'are';
  const message = `${names} (from ${overlap.group}) ${verb} already decided by earlier rules (${lines}); this ${formatAction(rule.action)} never applies there`;
  return [ruleDiagnostic(rule, 'warning', 'conflicting-rule', message, overlap.range)];
}

export function listNames(names: readonly string[], max = 4): string {
  return names.length <= max
    ? names.join(', ')
    : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
