import type { SyscallRef, SyscallRule } from './model';
import type { Diagnostic } from './source-range';

/**
 * Rules match in file order and the first rule listing a syscall decides, so a later mention of
 * the same syscall is dead text — almost always a mistake worth a warning, never an error.
 */
export function ruleWarnings(rules: readonly SyscallRule[]): Diagnostic[] {
  const decidedBy = new Map<string, SyscallRule>();
  const warnings: Diagnostic[] = [];
  for (const rule of rules) {
    if (rule.syscalls.length === 0) {
      warnings.push(warning('empty-rule', 'this rule lists no syscalls; it has no effect', rule));
    }
    for (const ref of rule.syscalls) {
      const earlier = decidedBy.get(ref.name);
      if (earlier === rule) {
        warnings.push(
          warning('duplicate-syscall', `${ref.name} is listed twice in this rule`, ref),
        );
      } else if (earlier) {
        const line = earlier.range.start.line;
        const message = `${ref.name} is already handled by the rule at line ${line}; this entry never applies`;
        warnings.push(warning('shadowed-syscall', message, ref));
      } else {
        decidedBy.set(ref.name, rule);
      }
    }
  }
  return warnings;
}

function warning(code: string, message: string, at: SyscallRef | SyscallRule): Diagnostic {
  return { severity: 'warning', code, message, range: at.range };
}
