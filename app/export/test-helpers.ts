import { expect } from 'vitest';
import type { Policy } from '../policy/model';
import { hasErrors, parsePolicy } from '../policy/parse';
import { describeDiagnostic, yaml } from '../policy/test-helpers';

export { yaml };

/** A policy the tests know is valid. */
export function policyOf(text: string): Policy {
  const { policy, diagnostics } = parsePolicy(text);
  if (!policy || hasErrors(diagnostics)) {
    throw new Error(`invalid test policy: ${diagnostics.map(describeDiagnostic).join('; ')}`);
  }
  return policy;
}

/** The C text without comments (block and line), so checks look at code only. */
export function codeOnly(c: string): string {
  return c.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
}

/** The body of the C function `name` (from its opening brace to the matching one). */
export function functionBody(source: string, name: string): string {
  const c = codeOnly(source);
  const start = c.search(new RegExp(`^(?:.*\\s)?${name}\\([^);{]*\\)\n\\{`, 'm'));
  if (start < 0) throw new Error(`no function ${name}`);
  const open = c.indexOf('{', start);
  let depth = 0;
  for (let i = open; i < c.length; i++) {
    if (c[i] === '{') depth++;
    if (c[i] === '}' && --depth === 0) return c.slice(open + 1, i);
  }
  throw new Error(`unbalanced braces in ${name}`);
}

/** Names of the functions sandbox_apply() calls, in order. */
export function applyOrder(c: string): string[] {
  return [...functionBody(c, 'sandbox_apply').matchAll(/result = (\w+)\(\);/g)].map(
    (m) => m[1] ?? '',
  );
}

/**
 * Every call of `pattern` (e.g. `prctl\(`) in the code is checked: it is the condition of an
 * `if`, or its result is assigned and the next statement tests it.
 */
export function expectEveryCallChecked(c: string, pattern: RegExp): void {
  const lines = codeOnly(c)
    .replace(/"(?:[^"\\\n]|\\.)*"/g, '""')
    .split('\n');
  let seen = 0;
  lines.forEach((line, index) => {
    if (!pattern.test(line) || /^\S/.test(line)) return; // declarations start in column 0
    seen++;
    const statement = line.trim();
    if (/^(if|else if) \(/.test(statement)) return;
    const assigned = /^(?:[\w ]+?\s)?(\w+) = /.exec(statement)?.[1];
    const next = (lines[index + 1] ?? '').trim() + (lines[index + 2] ?? '').trim();
    expect(assigned, `unchecked call: ${statement}`).toBeDefined();
    expect(next, `result of ${statement} is not tested`).toMatch(
      new RegExp(`^(.*\\);)?\\s*if \\(.*\\b${assigned ?? '?'}\\b`),
    );
  });
  expect(seen, `no call matched ${pattern}`).toBeGreaterThan(0);
}
