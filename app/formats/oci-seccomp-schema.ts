import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { MAX_ERRNO } from '../linux/errno';
import { issueDiagnostics } from '../policy/issue-diagnostics';
import type { Diagnostic, SourceRange } from '../policy/source-range';
import { closestRange, offsetRange, type YamlSource } from '../policy/yaml-source';

/*
 * The seccomp section of an OCI runtime config (`linux.seccomp`) as Docker, Podman and
 * Kubernetes write profiles: the runtime-spec fields plus Docker's `archMap` and per-entry
 * `includes`/`excludes`. Unknown keys are errors: a misspelt "excludes" would silently widen the
 * profile.
 */

const UINT64_MAX = (1n << 64n) - 1n;

// The text is read with integers as bigint (64-bit values do not fit a JS number).
function integer(max: bigint) {
  return z
    .bigint({ error: 'expected an integer' })
    .min(0n, 'expected a non-negative integer')
    .max(max, `expected at most ${max}`);
}

const uint64 = integer(UINT64_MAX);

function smallInt(max: number) {
  return integer(BigInt(max)).transform((n) => Number(n));
}

export const OCI_ACTIONS = [
  'SCMP_ACT_KILL',
  'SCMP_ACT_KILL_PROCESS',
  'SCMP_ACT_KILL_THREAD',
  'SCMP_ACT_TRAP',
  'SCMP_ACT_ERRNO',
  'SCMP_ACT_TRACE',
  'SCMP_ACT_ALLOW',
  'SCMP_ACT_LOG',
  'SCMP_ACT_NOTIFY',
] as const;

export const OCI_OPS = [
  'SCMP_CMP_NE',
  'SCMP_CMP_LT',
  'SCMP_CMP_LE',
  'SCMP_CMP_EQ',
  'SCMP_CMP_GE',
  'SCMP_CMP_GT',
  'SCMP_CMP_MASKED_EQ',
] as const;

const archName = z.string().regex(/^SCMP_ARCH_[A-Z0-9_]+$/, 'expected an SCMP_ARCH_* name');

const OciArg = z.strictObject({
  index: smallInt(5),
  value: uint64,
  valueTwo: uint64.optional(),
  op: z.enum(OCI_OPS),
});

const OciFilter = z.strictObject({
  arches: z.array(z.string()).optional(),
  caps: z.array(z.string()).optional(),
  minKernel: z
    .string()
    .regex(/^\d+\.\d+(\.\d+)?$/, 'expected a kernel version such as "4.8"')
    .optional(),
});

const OciSyscall = z
  .strictObject({
    names: z.array(z.string().min(1)).optional(),
    /** Before runtime-spec 1.0 an entry named one syscall. */
    name: z.string().min(1).optional(),
    action: z.enum(OCI_ACTIONS),
    errnoRet: smallInt(MAX_ERRNO).optional(),
    args: z.array(OciArg).nullish(),
    comment: z.string().optional(),
    includes: OciFilter.optional(),
    excludes: OciFilter.optional(),
  })
  .refine((s) => (s.names?.length ?? 0) > 0 || s.name !== undefined, {
    message: 'an entry needs "names" (a non-empty list of syscalls)',
  });

export const OciSeccompSchema = z.strictObject({
  defaultAction: z.enum(OCI_ACTIONS),
  defaultErrnoRet: smallInt(MAX_ERRNO).optional(),
  architectures: z.array(archName).nullish(),
  archMap: z
    .array(
      z.strictObject({
        architecture: archName,
        subArchitectures: z.array(archName).nullish(),
      }),
    )
    .nullish(),
  syscalls: z.array(OciSyscall).nullish(),
  flags: z.array(z.string()).nullish(),
  listenerPath: z.string().optional(),
  listenerMetadata: z.string().optional(),
});

export type OciArg = z.infer<typeof OciArg>;
export type OciFilter = z.infer<typeof OciFilter>;
export type OciAction = (typeof OCI_ACTIONS)[number];
export type OciOp = (typeof OCI_OPS)[number];

export type OciSyscall = z.infer<typeof OciSyscall> & {
  /** The entry's text in the profile, for messages and rule ranges. */
  readonly range: SourceRange;
};

export type OciSeccompProfile = Omit<z.infer<typeof OciSeccompSchema>, 'syscalls'> & {
  readonly syscalls: readonly OciSyscall[];
};

export interface OciParseResult {
  readonly profile?: OciSeccompProfile;
  readonly diagnostics: readonly Diagnostic[];
}

function readSource(text: string): { source: YamlSource; diagnostics: Diagnostic[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    logLevel: 'error',
    intAsBigInt: true,
  });
  const source: YamlSource = { text, doc, lines };
  const diagnostics = doc.errors.map((e): Diagnostic => ({
    severity: 'error',
    code: 'json-syntax',
    message: e.message,
    range: offsetRange(source, e.pos[0], e.pos[1]),
  }));
  return { source, diagnostics };
}

/**
 * Parses an OCI seccomp profile (JSON; YAML is accepted too) and validates it. Every error has
 * the range of the offending value.
 */
export function parseOciSeccomp(text: string): OciParseResult {
  const { source, diagnostics } = readSource(text);
  if (diagnostics.length > 0) return { diagnostics };
  const result = OciSeccompSchema.safeParse(source.doc.toJS());
  if (!result.success) {
    return { diagnostics: issueDiagnostics(source, OciSeccompSchema, result.error.issues) };
  }
  const syscalls = (result.data.syscalls ?? []).map((entry, i) => ({
    ...entry,
    range: closestRange(source, ['syscalls', i]),
  }));
  return { profile: { ...result.data, syscalls }, diagnostics: [] };
}
