import type { Diagnostic } from './source-range';

/** `line:column-line:column severity code: message`, compact enough to compare in tests. */
export function describeDiagnostic(d: Diagnostic): string {
  const { start, end } = d.range;
  return `${start.line}:${start.column}-${end.line}:${end.column} ${d.severity} ${d.code}: ${d.message}`;
}

/** Template for test policies: strips the common indentation so YAML can be indented in code. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings
    .reduce((text, part, i) => text + part + (i < values.length ? String(values[i]) : ''), '')
    .replace(/^\n/, '');
  const indents = raw
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => line.length - line.trimStart().length);
  const common = Math.min(...indents);
  return raw
    .split('\n')
    .map((line) => line.slice(common))
    .join('\n')
    .replace(/[ ]+$/, '');
}
