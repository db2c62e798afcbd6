import { compilePolicy } from '../../../app/bpf/compile';
import { CompileError } from '../../../app/bpf/compile-resolved';
import { toHex } from '../../../app/bpf/disasm';
import { CodeExportError, type CodeLanguage } from '../../../app/export/code-export';
import { exportCode } from '../../../app/export/export-code';
import {
  FormatError,
  type FormatExport,
  type PolicyImport,
} from '../../../app/formats/format-result';
import { exportK8sSeccompProfile, importK8sSeccompProfile } from '../../../app/formats/k8s-spo';
import { exportMinijailPolicy, importMinijailPolicy } from '../../../app/formats/minijail';
import { exportOciProfile } from '../../../app/formats/oci-export';
import { importOciProfile } from '../../../app/formats/oci-import';
import { importRawBpf } from '../../../app/formats/raw-bpf';
import { learnPolicyFromStrace } from '../../../app/formats/strace-log';
import { exportSystemdDropIn, importSystemdUnit } from '../../../app/formats/systemd-unit';
import type { Policy } from '../../../app/policy/model';
import type { SourceRange } from '../../../app/policy/source-range';
import { suggestedFileName } from '../../commands/suggested-name';
import {
  DEFAULT_EXPORT_OPTIONS,
  DEFAULT_IMPORT_OPTIONS,
  ociImportOptions,
  OptionError,
  type ExportOptions,
  type ImportOptions,
} from './conversion-options';

const POLICY_SUFFIX = '.sandbox.yaml';

/*
 * The studio's Import and Export dialogs run the same pure converters as the CLI's
 * `sandbox-studio import|export`, in the renderer: no backend round trip, so they work offline.
 */

export const EXPORT_FORMATS = [
  { id: 'oci', label: 'OCI seccomp profile (Docker, Podman)', suffix: '.oci.json' },
  { id: 'k8s', label: 'Kubernetes SeccompProfile', suffix: '.k8s.yaml' },
  { id: 'systemd', label: 'systemd drop-in', suffix: '.conf' },
  { id: 'minijail', label: 'Minijail policy', suffix: '.policy' },
  { id: 'bpf', label: 'Compiled BPF filter (hex)', suffix: '.bpf.hex' },
  { id: 'c', label: 'C, Linux seccomp', suffix: '.seccomp.c' },
  { id: 'libseccomp-c', label: 'C, libseccomp', suffix: '.libseccomp.c' },
  { id: 'windows-c', label: 'C, Windows', suffix: '.windows.c' },
  { id: 'freebsd-c', label: 'C, FreeBSD', suffix: '.freebsd.c' },
] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number]['id'];

export const IMPORT_FORMATS = [
  { id: 'oci', label: 'OCI seccomp profile (JSON)' },
  { id: 'k8s', label: 'Kubernetes SeccompProfile (YAML)' },
  { id: 'systemd', label: 'systemd unit' },
  { id: 'minijail', label: 'Minijail policy' },
  { id: 'strace', label: 'strace log' },
  { id: 'bpf', label: 'Raw BPF filter (binary or hex)' },
] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number]['id'];

const CODE_LANGUAGES: ReadonlySet<string> = new Set<CodeLanguage>([
  'c',
  'libseccomp-c',
  'windows-c',
  'freebsd-c',
]);
const isCodeLanguage = (format: ExportFormat): format is CodeLanguage => CODE_LANGUAGES.has(format);

/** A warning or an error, at a place of the text it is about when known. */
export interface ConversionNote {
  readonly message: string;
  readonly range?: SourceRange;
  /** The file the range is in, when not the converted one (a minijail @include). */
  readonly file?: string;
}

export type Conversion<T> =
  | ({ readonly ok: true; readonly warnings: readonly ConversionNote[] } & T)
  | { readonly ok: false; readonly error: ConversionNote };

export type ExportResult = Conversion<{ readonly text: string }>;
export type ImportResult = Conversion<{ readonly policyText: string }>;

/** `12:3` of a note, or '' without a range. */
export function noteLocation(note: ConversionNote): string {
  if (!note.range) return note.file ?? '';
  const at = `${note.range.start.line}:${note.range.start.column}`;
  return note.file ? `${note.file}:${at}` : at;
}

/** Errors the converters throw on purpose become results; anything else is a bug and rethrown. */
function failure(error: unknown): { ok: false; error: ConversionNote } {
  if (error instanceof FormatError) {
    return { ok: false, error: withRange(error.message, error.range, error.file) };
  }
  if (error instanceof CodeExportError) {
    return { ok: false, error: withRange(error.message, error.range) };
  }
  if (error instanceof CompileError || error instanceof OptionError) {
    return { ok: false, error: { message: error.message } };
  }
  throw error;
}

function withRange(message: string, range?: SourceRange, file?: string): ConversionNote {
  return { message, ...(range && { range }), ...(file !== undefined && { file }) };
}

function textExport(
  format: Exclude<ExportFormat, 'bpf' | CodeLanguage>,
  policy: Policy,
  source: string,
  options: ExportOptions,
): FormatExport {
  switch (format) {
    case 'oci':
      return exportOciProfile(policy);
    case 'k8s':
      return exportK8sSeccompProfile(policy, {
        ...(options.k8sName.trim() !== '' && { name: options.k8sName.trim() }),
        ...(options.k8sNamespace.trim() !== '' && { namespace: options.k8sNamespace.trim() }),
      });
    case 'systemd':
      return exportSystemdDropIn(policy, { source, conditional: options.conditional });
    case 'minijail':
      return exportMinijailPolicy(policy, { source, ...(options.arch && { arch: options.arch }) });
  }
}

/**
 * The policy in `format`; `source` names the policy file in headers the format has; `options`
 * are the CLI's `export` options (see conversion-options.ts).
 */
export function exportPolicy(
  format: ExportFormat,
  policy: Policy,
  source: string,
  options: ExportOptions = DEFAULT_EXPORT_OPTIONS,
): ExportResult {
  try {
    if (format === 'bpf') {
      const arches = options.arch ? { arches: [options.arch] } : {};
      return { ok: true, text: toHex(compilePolicy(policy, arches).program), warnings: [] };
    }
    if (isCodeLanguage(format)) {
      const code = exportCode(format, policy, { tsync: options.tsync });
      const warnings = code.notes.map((n) => withRange(n.message, n.range));
      return { ok: true, text: code.text, warnings };
    }
    const { text, warnings } = textExport(format, policy, source, options);
    return { ok: true, text, warnings: warnings.map((w) => withRange(w.message, w.range)) };
  } catch (error) {
    return failure(error);
  }
}

/** What the user gave to import: a file's bytes, or pasted text. */
export interface ImportInput {
  readonly name: string;
  readonly content: Uint8Array | string;
  /** The file's size when `content` was not read (a file too large to read at once). */
  readonly size?: number;
  /**
   * The file itself when `content` was not read: an strace log is then read a slice at a time
   * (streamed-strace.ts); no other format is this large.
   */
  readonly file?: Blob;
}

/** Larger inputs are not a policy, and would stall the window while converting. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
/**
 * The Import dialog reads a larger file a slice at a time instead of at once (only an strace log
 * is that large), so neither its bytes nor its text is ever one huge buffer.
 */
export const READ_WHOLE_MAX_BYTES = 8 * 1024 * 1024;

/** Whether the import of `input` as `format` reads it a slice at a time (importStreamed). */
export function isStreamedImport(format: ImportFormat, input: ImportInput): boolean {
  return format === 'strace' && input.file !== undefined;
}

/** The input as text; FormatError when its bytes are not UTF-8. */
export function asText(input: ImportInput): string {
  if (typeof input.content === 'string') return input.content;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(input.content);
  } catch {
    throw new FormatError(`${input.name} is not UTF-8 text`);
  }
}

function convert(format: ImportFormat, input: ImportInput, options: ImportOptions): PolicyImport {
  const source = { source: input.name, ...(options.arch && { arch: options.arch }) };
  switch (format) {
    case 'oci':
      return importOciProfile(asText(input), ociImportOptions(options, input.name));
    case 'k8s':
      return importK8sSeccompProfile(asText(input), ociImportOptions(options, input.name));
    case 'systemd':
      return importSystemdUnit(asText(input), source);
    case 'minijail':
      // The browser has no file system to resolve `@include` against: the importer reports it.
      return importMinijailPolicy(asText(input), source);
    case 'strace':
      return learnPolicyFromStrace(asText(input), source);
    case 'bpf':
      return importRawBpf(input.content, source);
  }
}

/**
 * Another tool's policy (or an strace log, or a raw filter) as policy text; `options` are the
 * CLI's `import` options (see conversion-options.ts).
 */
export function importPolicy(
  format: ImportFormat,
  input: ImportInput,
  options: ImportOptions = DEFAULT_IMPORT_OPTIONS,
): ImportResult {
  const size = input.size ?? input.content.length;
  if (size === 0) return { ok: false, error: { message: `${input.name} is empty` } };
  // A file not read at once is an strace log's (importStreamed): too large for anything else.
  if (size > MAX_IMPORT_BYTES || input.file)
    return { ok: false, error: { message: `${input.name} is too large` } };
  try {
    const { policyText, warnings } = convert(format, input, options);
    return {
      ok: true,
      policyText,
      warnings: warnings.map((w) => withRange(w.message, w.range)),
    };
  } catch (error) {
    return failure(error);
  }
}

/**
 * The download's name: the policy file's stem (or one from the policy's `name`) and the format's
 * suffix, `ls.oci.json` for `ls.sandbox.yaml` exported as OCI.
 */
export function exportFileName(
  format: ExportFormat,
  policyName: string | undefined,
  documentName: string | null,
): string {
  const stem = suggestedFileName(policyName, documentName).slice(0, -POLICY_SUFFIX.length);
  const suffix = EXPORT_FORMATS.find((f) => f.id === format)?.suffix ?? '.txt';
  return `${stem}${suffix}`;
}
