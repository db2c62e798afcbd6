import { compilePolicy, CompileError } from '../../app/bpf/compile';
import { encodeProgram } from '../../app/bpf/encode';
import { toHex } from '../../app/bpf/disasm';
import {
  FormatError,
  formatErrorLine,
  formatWarningLine,
  type FormatExport,
} from '../../app/formats/format-result';
import { exportK8sSeccompProfile } from '../../app/formats/k8s-spo';
import { exportMinijailPolicy } from '../../app/formats/minijail';
import { exportOciProfile } from '../../app/formats/oci-export';
import { exportSystemdDropIn } from '../../app/formats/systemd-unit';
import type { Arch } from '../../app/linux/syscalls';
import type { Policy } from '../../app/policy/model';
import { CliError, EXIT_OK, EXIT_USAGE, UsageError } from './cli-error';
import { writeLines, type CliIo } from './cli-io';
import type { ImportFormat } from './import-command';
import { loadPolicy } from './policy-input';

export type ExportFormat = ImportFormat;

export interface ExportOptions {
  readonly format: ExportFormat;
  readonly policy: string;
  /** minijail: the arch to write the file for; bpf: the arch to compile. */
  readonly arch?: Arch;
  /** systemd: a syscall allowed only under a condition is denied (default) or allowed. */
  readonly conditional?: 'allow' | 'deny';
  /** k8s: metadata.name and metadata.namespace. */
  readonly name?: string;
  readonly namespace?: string;
}

function textExport(options: ExportOptions, policy: Policy, source: string): FormatExport {
  switch (options.format) {
    case 'oci':
      return exportOciProfile(policy);
    case 'k8s':
      return exportK8sSeccompProfile(policy, {
        ...(options.name ? { name: options.name } : {}),
        ...(options.namespace ? { namespace: options.namespace } : {}),
      });
    case 'systemd':
      return exportSystemdDropIn(policy, {
        source,
        ...(options.conditional ? { conditional: options.conditional } : {}),
      });
    case 'minijail':
      return exportMinijailPolicy(policy, {
        source,
        ...(options.arch ? { arch: options.arch } : {}),
      });
    case 'strace':
      throw new UsageError(
        'an strace log records a run: it can be imported, not exported',
        'export',
      );
    case 'bpf':
      throw new Error('unreachable: bpf is exported as bytes');
  }
}

/** The compiled filter as raw `struct sock_filter` bytes (hex lines where only text can go). */
function bpfExport(options: ExportOptions, policy: Policy, io: CliIo, file: string): void {
  let program;
  try {
    program = compilePolicy(policy, options.arch ? { arches: [options.arch] } : {}).program;
  } catch (error) {
    if (error instanceof CompileError)
      throw new CliError(`${file}: error: ${error.message}`, EXIT_USAGE);
    throw error;
  }
  if (io.stdoutBytes) io.stdoutBytes(encodeProgram(program));
  else io.stdout(toHex(program));
}

/**
 * `export FORMAT POLICY`: the policy in another tool's format on stdout; what that format cannot
 * express as warnings on stderr, at the policy's lines.
 */
export async function exportCommand(options: ExportOptions, io: CliIo): Promise<number> {
  const loaded = await loadPolicy(options.policy);
  writeLines(io.stderr, [...loaded.notes]);
  if (options.format === 'bpf') {
    bpfExport(options, loaded.policy, io, loaded.file);
    return EXIT_OK;
  }
  let result: FormatExport;
  try {
    result = textExport(options, loaded.policy, loaded.file);
  } catch (error) {
    if (error instanceof FormatError) {
      throw new CliError(formatErrorLine(loaded.file, error), EXIT_USAGE);
    }
    throw error;
  }
  io.stdout(result.text);
  writeLines(
    io.stderr,
    result.warnings.map((w) => formatWarningLine(loaded.file, w)),
  );
  return EXIT_OK;
}
