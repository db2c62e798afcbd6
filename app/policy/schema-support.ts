import { z } from 'zod';

/**
 * What every part of the policy schema shares: the metadata registry the JSON Schema is made
 * from, and error messages that say what was expected, what was found and how to fix it.
 */

/** What a refinement attaches to a `custom` issue so parse.ts can build the diagnostic. */
export interface PolicyIssueParams {
  readonly code: string;
  /** Underline the key of the entry at the issue path instead of its value. */
  readonly at?: 'key';
  /** Underline only these characters of the string value (offsets into the value, not the text). */
  readonly span?: readonly [number, number];
}

/** Metadata for the generated JSON Schema; kept out of zod's global registry on purpose. */
export const policyMetadata = z.registry<Record<string, unknown>>();

export function documented<T extends z.ZodType>(schema: T, meta: Record<string, unknown>): T {
  policyMetadata.add(schema, meta);
  return schema;
}

function describeValue(input: unknown): string {
  if (input === null || input === undefined) return 'an empty value';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'string') return `the string "${input}"`;
  return `the ${typeof input} ${String(input)}`;
}

/** Error message for a wrong type: what was wanted, what was found, and a fix when obvious. */
export function expected(what: string, hint: (input: unknown) => string = () => '') {
  return (issue: { readonly input?: unknown }) =>
    `expected ${what}, got ${describeValue(issue.input)}${hint(issue.input)}`;
}

export function emptyListHint(input: unknown): string {
  return input === null ? '; write [] for an empty list' : '';
}

export function quoteHint(input: unknown): string {
  return typeof input === 'number' || typeof input === 'boolean' ? `; quote it: "${input}"` : '';
}

export function listHint(input: unknown): string {
  return typeof input === 'string'
    ? `; write it as a list: [${input.trim().split(/\s+/).join(', ')}]`
    : '';
}

export function issue(
  ctx: z.RefinementCtx,
  message: string,
  params: PolicyIssueParams,
  path?: PropertyKey[],
) {
  ctx.addIssue({ code: 'custom', message, params, ...(path ? { path } : {}) });
}
