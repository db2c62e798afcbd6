import { buildPolicy } from './build-model';
import { resolveIncludePath } from './include-path';
import { issueDiagnostics } from './issue-diagnostics';
import type { Policy, SyscallRule } from './model';
import { PolicyDocumentSchema } from './schema';
import type { Diagnostic, SourceRange } from './source-range';
import { closestRange, isEmptyDocument, parseYaml, type YamlSource } from './yaml-source';

/** Reads an included policy file: its text, or why it cannot be read. */
export type IncludeReader = (path: string) => string | { readonly error: string };

export interface LoadContext {
  readonly readInclude?: IncludeReader;
  /** Files being loaded, outermost first: an include of one of them is a cycle. */
  readonly stack: readonly string[];
  /** Every file included so far (anywhere in the tree): a second include of one is skipped. */
  readonly seen: Set<string>;
}

export interface LoadResult {
  /** The document's model with its includes' rules first; set when the structure is valid. */
  readonly policy?: Policy;
  readonly diagnostics: Diagnostic[];
}

const DOCUMENT_START: SourceRange = {
  start: { line: 1, column: 1, offset: 0 },
  end: { line: 1, column: 1, offset: 0 },
};

export function documentError(code: string, message: string): Diagnostic {
  return { severity: 'error', code, message, range: DOCUMENT_START };
}

/**
 * Policy text → its model, structure only: YAML, schema, model and includes. What depends on the
 * arches (syscall numbers, constants) is checked once on the whole policy (check-policy.ts).
 */
export function loadDocument(
  text: string,
  path: string | undefined,
  context: LoadContext,
): LoadResult {
  if (text.trim() === '') return { diagnostics: [documentError('empty-policy', 'empty policy')] };
  const { source, diagnostics: yamlDiagnostics } = parseYaml(text);
  if (!source) return { diagnostics: [...yamlDiagnostics] };
  if (isEmptyDocument(source)) {
    return { diagnostics: [documentError('empty-policy', 'empty policy'), ...yamlDiagnostics] };
  }
  let data: unknown;
  try {
    data = source.doc.toJS();
  } catch (e) {
    // e.g. too many alias expansions (a "billion laughs" document).
    const message = e instanceof Error ? e.message : String(e);
    return { diagnostics: [documentError('yaml-syntax', message), ...yamlDiagnostics] };
  }
  const result = PolicyDocumentSchema.safeParse(data);
  if (!result.success) {
    const issues = issueDiagnostics(source, PolicyDocumentSchema, result.error.issues);
    return { diagnostics: [...yamlDiagnostics, ...issues] };
  }
  const own = buildPolicy(result.data, source);
  const included = loadIncludes(result.data.include ?? [], source, path, context);
  return {
    policy: withIncludedRules(own, included.rules),
    diagnostics: [...yamlDiagnostics, ...included.diagnostics],
  };
}

/** The included rules go first; a file with only includes gets a seccomp section for them. */
function withIncludedRules(policy: Policy, included: readonly SyscallRule[]): Policy {
  if (included.length === 0) return policy;
  const seccomp = policy.linux.seccomp ?? {
    arch: ['x86_64'],
    defaultAction: { kind: 'kill-process' },
    badArchAction: { kind: 'kill-process' },
    rules: [],
  };
  return {
    ...policy,
    linux: { ...policy.linux, seccomp: { ...seccomp, rules: [...included, ...seccomp.rules] } },
  };
}

function loadIncludes(
  entries: readonly string[],
  source: YamlSource,
  from: string | undefined,
  context: LoadContext,
): { rules: SyscallRule[]; diagnostics: Diagnostic[] } {
  const rules: SyscallRule[] = [];
  const diagnostics: Diagnostic[] = [];
  entries.forEach((entry, index) => {
    const at = closestRange(source, ['include', index]);
    const loaded = loadInclude(resolveIncludePath(from, entry), at, context);
    rules.push(...loaded.rules);
    diagnostics.push(...loaded.diagnostics);
  });
  return { rules, diagnostics };
}

function loadInclude(
  path: string,
  at: SourceRange,
  context: LoadContext,
): { rules: SyscallRule[]; diagnostics: Diagnostic[] } {
  const fail = (severity: Diagnostic['severity'], code: string, message: string) => ({
    rules: [],
    diagnostics: [{ severity, code, message, range: at }],
  });
  if (context.stack.includes(path)) {
    const cycle = [...context.stack.slice(context.stack.indexOf(path)), path].join(' → ');
    return fail('error', 'include-cycle', `include cycle: ${cycle}`);
  }
  if (context.seen.has(path)) {
    return fail('warning', 'duplicate-include', `${path} is already included; skipped here`);
  }
  if (!context.readInclude) {
    return fail(
      'error',
      'include-unavailable',
      `cannot include ${path}: includes are read from files, and this policy was not opened from one`,
    );
  }
  const text = context.readInclude(path);
  if (typeof text !== 'string')
    return fail('error', 'include-error', `cannot include ${path}: ${text.error}`);
  context.seen.add(path);
  const loaded = loadDocument(text, path, { ...context, stack: [...context.stack, path] });
  const origin = (rule: SyscallRule) => ({ file: rule.origin?.file ?? path, includedAt: at });
  return {
    rules: (loaded.policy?.linux.seccomp?.rules ?? []).map((rule) => ({
      ...rule,
      origin: origin(rule),
    })),
    diagnostics: loaded.diagnostics.map((d) => relocate(d, path, at)),
  };
}

/** A diagnostic of an included file, shown at the include entry and naming the spot in the file. */
function relocate(d: Diagnostic, path: string, at: SourceRange): Diagnostic {
  const where = `${path}:${d.range.start.line}:${d.range.start.column}`;
  return { ...d, message: `${where}: ${d.message}`, range: at };
}
