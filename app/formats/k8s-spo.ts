import { LineCounter, parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { errnoName } from '../linux/errno';
import { MAX_ERRNO } from '../linux/errno';
import { issueDiagnostics } from '../policy/issue-diagnostics';
import type { Policy } from '../policy/model';
import { closestRange, offsetRange, type YamlSource } from '../policy/yaml-source';
import {
  DOCUMENT_START,
  FormatError,
  type FormatExport,
  type FormatWarning,
  type PolicyImport,
} from './format-result';
import { policyToOciProfile, type OciProfileJson } from './oci-export';
import { ociProfileToPolicy, type OciPolicyImportOptions } from './oci-import';
import { OCI_ACTIONS, OCI_OPS, type OciSeccompProfile } from './oci-seccomp-schema';

/*
 * The Kubernetes Security Profiles Operator's `SeccompProfile` resource
 * (security-profiles-operator.x-k8s.io/v1beta1): an OCI profile in `spec`, without Docker's
 * archMap/includes/excludes and without defaultErrnoRet; `errnoRet` is a string in the current
 * CRD (a number in older ones, both read); a zero `value` may be left out (Go's omitempty).
 */

export const SPO_API_VERSION = 'security-profiles-operator.x-k8s.io/v1beta1';

const UINT64_MAX = (1n << 64n) - 1n;
const uint64 = z
  .bigint({ error: 'expected an integer' })
  .min(0n, 'expected a non-negative integer')
  .max(UINT64_MAX, `expected at most ${UINT64_MAX}`);

const errnoRet = z
  .union([uint64, z.string().regex(/^\d+$/, 'expected an errno number')], {
    error: 'expected an errno number',
  })
  .transform((v) => Number(v))
  .refine((n) => n <= MAX_ERRNO, `expected at most ${MAX_ERRNO}`);

const SpoArg = z.strictObject({
  index: uint64.max(5n, 'expected at most 5').transform(Number),
  value: uint64.default(0n),
  valueTwo: uint64.optional(),
  op: z.enum(OCI_OPS),
});

const SpoSyscall = z.strictObject({
  names: z.array(z.string().min(1)).min(1, 'list at least one syscall'),
  action: z.enum(OCI_ACTIONS),
  errnoRet: errnoRet.optional(),
  args: z.array(SpoArg).max(6).nullish(),
});

const SpoSpec = z.strictObject({
  baseProfileName: z.string().optional(),
  disabled: z.boolean().optional(),
  defaultAction: z.enum(OCI_ACTIONS),
  architectures: z.array(z.string().regex(/^SCMP_ARCH_[A-Z0-9_]+$/)).nullish(),
  listenerPath: z.string().optional(),
  listenerMetadata: z.string().optional(),
  syscalls: z.array(SpoSyscall).nullish(),
  flags: z.array(z.string()).nullish(),
});

const SpoDocument = z.object({
  apiVersion: z
    .string()
    .regex(
      /^security-profiles-operator\.x-k8s\.io\/v1(alpha1|beta1)?$/,
      `expected apiVersion ${SPO_API_VERSION}`,
    ),
  kind: z.literal('SeccompProfile', { error: 'expected kind SeccompProfile' }),
  metadata: z.looseObject({ name: z.string().optional(), namespace: z.string().optional() }),
  spec: SpoSpec,
});

type SpoDocument = z.infer<typeof SpoDocument>;

function firstDocument(text: string): { source: YamlSource; warnings: FormatWarning[] } {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter: lines,
    prettyErrors: false,
    logLevel: 'error',
    intAsBigInt: true,
  });
  if (!Array.isArray(docs) || docs.length === 0) throw new FormatError('the file is empty');
  const [doc, ...rest] = docs;
  if (!doc) throw new FormatError('the file is empty');
  const source: YamlSource = { text, doc, lines };
  const error = doc.errors[0];
  if (error) throw new FormatError(error.message, offsetRange(source, error.pos[0], error.pos[1]));
  const warnings = rest.length
    ? [{ message: `only the first of ${docs.length} YAML documents is imported` }]
    : [];
  return { source, warnings };
}

function validated(source: YamlSource): SpoDocument {
  const result = SpoDocument.safeParse(source.doc.toJS());
  if (result.success) return result.data;
  const [first] = issueDiagnostics(source, SpoDocument, result.error.issues);
  throw new FormatError(first?.message ?? 'not a SeccompProfile', first?.range);
}

function asOciProfile(doc: SpoDocument, source: YamlSource): OciSeccompProfile {
  const spec = doc.spec;
  return {
    defaultAction: spec.defaultAction,
    ...(spec.architectures ? { architectures: spec.architectures } : {}),
    ...(spec.flags ? { flags: spec.flags } : {}),
    ...(spec.listenerPath === undefined ? {} : { listenerPath: spec.listenerPath }),
    syscalls: (spec.syscalls ?? []).map((entry, i) => ({
      names: entry.names,
      action: entry.action,
      ...(entry.errnoRet === undefined ? {} : { errnoRet: entry.errnoRet }),
      ...(entry.args ? { args: entry.args } : {}),
      range: closestRange(source, ['spec', 'syscalls', i]),
    })),
  };
}

function specWarnings(doc: SpoDocument, source: YamlSource): FormatWarning[] {
  const warnings: FormatWarning[] = [];
  if (doc.spec.baseProfileName !== undefined) {
    warnings.push({
      message: `the base profile ${doc.spec.baseProfileName} is not imported: its syscalls are missing (add them, or import it and merge)`,
      range: closestRange(source, ['spec', 'baseProfileName']),
    });
  }
  if (doc.spec.disabled) {
    warnings.push({
      message: 'the profile is disabled in the cluster',
      range: closestRange(source, ['spec', 'disabled']),
    });
  }
  return warnings;
}

/** A SeccompProfile resource (YAML) as policy text. Throws FormatError with the location. */
export function importK8sSeccompProfile(
  text: string,
  options: OciPolicyImportOptions = {},
): PolicyImport {
  const { source, warnings } = firstDocument(text);
  const doc = validated(source);
  const name = doc.metadata.name;
  const imported = ociProfileToPolicy(asOciProfile(doc, source), {
    ...options,
    source: options.source ?? `SeccompProfile ${name ?? ''}`.trimEnd(),
  });
  return {
    policyText: imported.policyText,
    warnings: [...warnings, ...specWarnings(doc, source), ...imported.warnings],
  };
}

export interface K8sExportOptions {
  /** metadata.name; default from the policy's name. */
  readonly name?: string;
  readonly namespace?: string;
}

/** A Kubernetes object name: lower case alphanumerics and '-', at most 253 characters. */
function resourceName(policy: Policy, options: K8sExportOptions): string {
  const base = options.name ?? policy.name ?? 'sandbox-studio-profile';
  const name = base
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
    .slice(0, 253);
  return name || 'sandbox-studio-profile';
}

function yamlList(items: readonly string[], indent: string): string[] {
  return items.map((item) => `${indent}- ${item}`);
}

function specLines(profile: OciProfileJson): string[] {
  const lines = [`  defaultAction: ${profile.defaultAction}`, '  architectures:'];
  lines.push(...yamlList(profile.architectures, '    '));
  if (profile.syscalls.length === 0) return lines;
  lines.push('  syscalls:');
  for (const entry of profile.syscalls) {
    lines.push(`    - action: ${entry.action}`);
    if (entry.errnoRet !== undefined) lines.push(`      errnoRet: "${entry.errnoRet}"`);
    lines.push('      names:', ...yamlList(entry.names, '        '));
    if (entry.args?.length) {
      lines.push('      args:');
      for (const arg of entry.args) {
        lines.push(`        - index: ${arg.index}`, `          value: ${arg.value}`);
        if (arg.valueTwo !== undefined) lines.push(`          valueTwo: ${arg.valueTwo}`);
        lines.push(`          op: ${arg.op}`);
      }
    }
  }
  return lines;
}

/** `export k8s`: the policy as a SeccompProfile resource. */
export function exportK8sSeccompProfile(
  policy: Policy,
  options: K8sExportOptions = {},
): FormatExport {
  const { profile, warnings } = policyToOciProfile(policy);
  const extra: FormatWarning[] = [];
  if (profile.defaultErrnoRet !== undefined && profile.defaultErrnoRet !== 1) {
    extra.push({
      message: `a SeccompProfile has no defaultErrnoRet: the default becomes errno EPERM instead of errno ${errnoName(profile.defaultErrnoRet)}`,
      range: policy.linux.seccomp?.defaultRange ?? DOCUMENT_START,
    });
  }
  const text = [
    `apiVersion: ${SPO_API_VERSION}`,
    'kind: SeccompProfile',
    'metadata:',
    `  name: ${resourceName(policy, options)}`,
    ...(options.namespace ? [`  namespace: ${JSON.stringify(options.namespace)}`] : []),
    'spec:',
    ...specLines(profile),
    '',
  ].join('\n');
  return { text, warnings: [...extra, ...warnings] };
}
