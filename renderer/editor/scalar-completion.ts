/**
 * Completion values as valid YAML. A plain (unquoted) scalar cannot start with an indicator
 * character (`@`, `` ` ``, `&`, `*`, …), so a syscall group such as `@basic-io` must be inserted
 * quoted where a plain scalar would go; plain syscall names stay unquoted. When the user already
 * opened a quote, the value is completed inside that style of quotes.
 */

export interface CompletionText {
  readonly insertText: string;
  readonly filterText?: string | undefined;
}

type Quote = '"' | "'";

interface SimpleScalar {
  readonly value: string;
  readonly quote: Quote | null;
}

/** Characters that would need escaping, in YAML or in Monaco's snippet syntax: left alone. */
const PLAIN = /^[^\s"'\\${}[\],#:]+$/;
const DOUBLE_QUOTED = /^"([^"\\$}]*)"$/;
const SINGLE_QUOTED = /^'([^'"\\$}]*)'$/;

/** A scalar that YAML would not read as a plain scalar (YAML 1.2, §7.3.3 ns-plain-first). */
export function needsQuotes(value: string): boolean {
  return value === '' || /^[-?:](\s|$)/.test(value) || /^[[\]{}#&*!|>'"%@`,]/.test(value);
}

/**
 * `completion` made safe where the user typed `typed` (the text the completion replaces, up to
 * the cursor). Items that are not a simple scalar (keys, snippets, objects) come back unchanged.
 */
export function yamlSafeCompletion<T extends CompletionText>(completion: T, typed: string): T {
  const scalar = simpleScalar(completion.insertText);
  if (!scalar) return completion;
  const opened = typed.startsWith('"') ? '"' : typed.startsWith("'") ? "'" : null;
  if (opened) {
    // Inside the user's quotes Monaco matches what was typed, quote included.
    return {
      ...completion,
      insertText: quoted(scalar.value, opened),
      filterText: opened + scalar.value,
    };
  }
  if (scalar.quote === null && needsQuotes(scalar.value)) {
    return { ...completion, insertText: quoted(scalar.value, '"') };
  }
  return completion;
}

function simpleScalar(text: string): SimpleScalar | undefined {
  const double = DOUBLE_QUOTED.exec(text);
  if (double) return { value: double[1]!, quote: '"' };
  const single = SINGLE_QUOTED.exec(text);
  if (single) return { value: single[1]!, quote: "'" };
  return PLAIN.test(text) ? { value: text, quote: null } : undefined;
}

function quoted(value: string, quote: Quote): string {
  return quote === "'" ? `'${value.replaceAll("'", "''")}'` : `"${value}"`;
}
