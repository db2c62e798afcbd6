import { isScalar } from 'yaml';
import type { z } from 'zod';
import { locateInScalar } from './scalar-offsets';
import type { PolicyIssueParams } from './schema';
import type { Diagnostic, SourceRange } from './source-range';
import { didYouMean } from './suggest';
import {
  closestRange,
  firstLineRange,
  keyNodeAt,
  nodeRange,
  nodeAt,
  offsetRange,
  type YamlPath,
  type YamlSource,
} from './yaml-source';

type Issue = z.core.$ZodIssue;

/**
 * Turns zod's issues into diagnostics that underline the offending YAML node: the key for unknown
 * or misplaced keys, the value for wrong types and values, the parent's key for missing keys.
 */
export function issueDiagnostics(
  source: YamlSource,
  schema: z.core.$ZodType,
  issues: readonly Issue[],
): Diagnostic[] {
  return issues.flatMap((issue) => diagnosticsFor(source, schema, issue, []));
}

function diagnosticsFor(
  source: YamlSource,
  schema: z.core.$ZodType,
  issue: Issue,
  prefix: YamlPath,
): Diagnostic[] {
  const path = [...prefix, ...issue.path];
  if (isMissingKey(source, issue, path)) return [missingKey(source, path)];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = objectKeysAt(schema, path);
      return issue.keys.map((key) =>
        error(
          'unknown-key',
          `unknown key "${key}"${didYouMean(key, allowed)} (allowed keys: ${allowed.join(', ')})`,
          keyRange(source, [...path, key]),
        ),
      );
    }
    case 'invalid_union': {
      const branch = branchMatchingInputType(issue);
      if (branch) return branch.flatMap((inner) => diagnosticsFor(source, schema, inner, path));
      return [error('invalid-type', issue.message, closestRange(source, path))];
    }
    case 'invalid_type':
      return [error('invalid-type', issue.message, closestRange(source, path))];
    case 'custom': {
      const params = issue.params as PolicyIssueParams | undefined;
      const tagged = params?.code === 'condition-syntax' && taggedCondition(source, path);
      if (tagged) return [tagged];
      return [
        error(params?.code ?? 'invalid-value', issue.message, customRange(source, path, params)),
      ];
    }
  }
  return [error('invalid-value', issue.message, closestRange(source, path))];
}

/**
 * Unions here are "one thing or a list of things". When exactly one alternative accepted the
 * input's type and failed only inside it, its issues are the precise ones to report.
 */
function branchMatchingInputType(
  issue: Extract<Issue, { code: 'invalid_union' }>,
): readonly Issue[] | undefined {
  const inside = issue.errors.filter(
    (branch) => branch.length > 0 && branch.every((inner) => inner.path.length > 0),
  );
  return inside.length === 1 ? inside[0] : undefined;
}

/** A required entry is absent: the schema checked `undefined` where the document has no key. */
function isMissingKey(source: YamlSource, issue: Issue, path: YamlPath): boolean {
  const last = path[path.length - 1];
  return (
    issue.code !== 'unrecognized_keys' &&
    issue.code !== 'custom' &&
    typeof last === 'string' &&
    nodeAt(source, path) === undefined
  );
}

function missingKey(source: YamlSource, path: YamlPath): Diagnostic {
  const key = String(path[path.length - 1]);
  const parent = path.slice(0, -1);
  const range = parent.length === 0 ? firstLineRange(source) : keyRange(source, parent);
  return error('missing-key', `missing required key "${key}"`, range);
}

/**
 * `when: !(arg0 == 1)`: YAML takes `!(arg0` for a tag and leaves `== 1)` as the value. The
 * condition's own syntax error would only confuse; say what happened instead.
 */
function taggedCondition(source: YamlSource, path: YamlPath): Diagnostic | undefined {
  const node = nodeAt(source, path);
  if (!isScalar(node) || !node.tag?.startsWith('!') || !node.range) return undefined;
  const tagStart = source.text.lastIndexOf(node.tag, node.range[0]);
  if (tagStart === -1) return undefined;
  const written = source.text.slice(tagStart, node.range[1]).trimEnd();
  return error(
    'condition-syntax',
    `YAML reads "${node.tag}" as a tag, not as part of the condition; quote it: "${written}"`,
    offsetRange(source, tagStart, tagStart + written.length),
  );
}

function customRange(
  source: YamlSource,
  path: YamlPath,
  params: PolicyIssueParams | undefined,
): SourceRange {
  if (params?.at === 'key') return keyRange(source, path);
  const node = nodeAt(source, path);
  if (params?.span && isScalar(node)) return locateInScalar(source, node)(...params.span);
  return closestRange(source, path);
}

function keyRange(source: YamlSource, path: YamlPath): SourceRange {
  const key = keyNodeAt(source, path);
  return key ? nodeRange(source, key) : closestRange(source, path);
}

function error(code: string, message: string, range: SourceRange): Diagnostic {
  return { severity: 'error', code, message, range };
}

interface SchemaDef {
  readonly type: string;
  readonly shape?: Readonly<Record<string, z.core.$ZodType>>;
  readonly innerType?: z.core.$ZodType;
  readonly in?: z.core.$ZodType;
  readonly element?: z.core.$ZodType;
  readonly valueType?: z.core.$ZodType;
  readonly options?: readonly z.core.$ZodType[];
}

/** The keys the schema allows in the object at `path`, for "allowed keys: …" messages. */
export function objectKeysAt(schema: z.core.$ZodType, path: YamlPath): string[] {
  const def = schema._zod.def as SchemaDef;
  const [step, ...rest] = path;
  const inner = def.innerType ?? def.in;
  if (inner) return objectKeysAt(inner, path);
  if (def.options) {
    for (const option of def.options) {
      const keys = objectKeysAt(option, path);
      if (keys.length > 0) return keys;
    }
    return [];
  }
  if (step === undefined) return def.shape ? Object.keys(def.shape) : [];
  const next =
    typeof step === 'number' ? def.element : (def.shape?.[String(step)] ?? def.valueType);
  return next ? objectKeysAt(next, rest) : [];
}
