import { libseccompArchOf } from '../../../app/formats/libseccomp-meaning';
import { DOCKER_DEFAULT_CAPABILITIES } from '../../../app/formats/oci-seccomp';
import type { OciPolicyImportOptions } from '../../../app/formats/oci-import';
import type { Arch } from '../../../app/linux/syscalls';

/*
 * The options of the Import and Export dialogs: the same as the CLI's `import` (--caps, --arch,
 * --kernel) and `export` (--conditional, --name, --namespace, --no-tsync, --arch), kept as the
 * user typed them and turned into the converters' options here.
 */

/** Which option each format has; the dialogs show exactly these. */
export type ImportOptionName = 'caps' | 'arch' | 'kernel';
export type ExportOptionName = 'conditional' | 'k8sName' | 'k8sNamespace' | 'tsync' | 'arch';

export interface ImportOptions {
  /** oci/k8s: the container's capabilities, comma or space separated, CAP_ optional. */
  readonly caps: string;
  /** The host's (oci, k8s, systemd) or the program's (minijail, strace, bpf) arch; '' default. */
  readonly arch: Arch | '';
  /** oci/k8s: the host kernel for `minKernel`, like 6.1; '' meets every one. */
  readonly kernel: string;
}

export interface ExportOptions {
  /** systemd: a syscall the policy allows only under an argument condition. */
  readonly conditional: 'deny' | 'allow';
  /** k8s: metadata.name ('' from the policy's name) and metadata.namespace ('' none). */
  readonly k8sName: string;
  readonly k8sNamespace: string;
  /** c, libseccomp-c: install the filter on every thread (SECCOMP_FILTER_FLAG_TSYNC). */
  readonly tsync: boolean;
  /** minijail: the arch to write the file for; bpf: the one arch to compile; '' default. */
  readonly arch: Arch | '';
}

export const DOCKER_CAPABILITIES_TEXT = DOCKER_DEFAULT_CAPABILITIES.join(', ');

export const DEFAULT_IMPORT_OPTIONS: ImportOptions = {
  caps: DOCKER_CAPABILITIES_TEXT,
  arch: '',
  kernel: '',
};

export const DEFAULT_EXPORT_OPTIONS: ExportOptions = {
  conditional: 'deny',
  k8sName: '',
  k8sNamespace: '',
  tsync: true,
  arch: '',
};

const IMPORT_OPTIONS: Readonly<Record<string, readonly ImportOptionName[]>> = {
  oci: ['caps', 'arch', 'kernel'],
  k8s: ['caps', 'arch', 'kernel'],
  systemd: ['arch'],
  minijail: ['arch'],
  strace: ['arch'],
  bpf: ['arch'],
};

const EXPORT_OPTIONS: Readonly<Record<string, readonly ExportOptionName[]>> = {
  systemd: ['conditional'],
  k8s: ['k8sName', 'k8sNamespace'],
  c: ['tsync'],
  'libseccomp-c': ['tsync'],
  minijail: ['arch'],
  bpf: ['arch'],
};

export function importOptionsOf(format: string): readonly ImportOptionName[] {
  return IMPORT_OPTIONS[format] ?? [];
}

export function exportOptionsOf(format: string): readonly ExportOptionName[] {
  return EXPORT_OPTIONS[format] ?? [];
}

/** Thrown for an option the user typed that means nothing; the dialog shows it as the error. */
export class OptionError extends Error {
  override readonly name = 'OptionError';
}

/** `6.1`, `5.15.0`: what an OCI profile's `minKernel` is compared with. */
const KERNEL_VERSION = /^\d{1,3}(\.\d{1,3}){0,2}$/;

/** The capabilities as a list; names are checked by the importer (unknown ones are an error). */
export function capabilityList(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

/** importOciProfile's and importK8sSeccompProfile's options; throws OptionError. */
export function ociImportOptions(options: ImportOptions, source: string): OciPolicyImportOptions {
  const kernel = options.kernel.trim();
  if (kernel !== '' && !KERNEL_VERSION.test(kernel)) {
    throw new OptionError(`Host kernel: a version like 6.1, not "${kernel}"`);
  }
  const arch = options.arch === '' ? undefined : libseccompArchOf(options.arch);
  if (options.arch !== '' && arch === undefined) {
    throw new OptionError(`Arch: libseccomp has no arch for ${options.arch}`);
  }
  return {
    source,
    capabilities: capabilityList(options.caps),
    ...(arch && { arch }),
    ...(kernel !== '' && { kernelVersion: kernel }),
  };
}
