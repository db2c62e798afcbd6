import { open } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  FormatError,
  formatErrorLine,
  formatWarningLine,
  type FormatWarning,
  type PolicyImport,
} from '../../app/formats/format-result';
import { importK8sSeccompProfile } from '../../app/formats/k8s-spo';
import { libseccompArchOf } from '../../app/formats/libseccomp-meaning';
import { importMinijailPolicy } from '../../app/formats/minijail';
import { importOciProfile, type OciPolicyImportOptions } from '../../app/formats/oci-import';
import { importRawBpf } from '../../app/formats/raw-bpf';
import { learnPolicyFromStrace } from '../../app/formats/strace-log';
import { straceRun, type StraceRun } from '../../app/formats/strace-trace';
import { importSystemdUnit } from '../../app/formats/systemd-unit';
import type { Arch } from '../../app/linux/syscalls';
import { describeFsError } from '../backend/read-policy-file';
import { saveStraceRun } from '../backend/strace-import';
import { studioVersion } from '../backend/version';
import { CliError, EXIT_OK, EXIT_USAGE, UsageError } from './cli-error';
import { writeLines, type CliIo } from './cli-io';
import { createEventPrinter } from './event-printer';

/** The formats `import` reads (`export` writes all but strace). */
export const IMPORT_FORMATS = ['oci', 'k8s', 'systemd', 'minijail', 'strace', 'bpf'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface ImportOptions {
  readonly format: ImportFormat;
  /** The file to read; `-` is standard input. */
  readonly file: string;
  /** oci/k8s: the container's capabilities (CAP_ prefix optional). Default: Docker's. */
  readonly caps?: readonly string[];
  /** The host's (oci, k8s, systemd `native`) or the program's (minijail, strace, bpf) arch. */
  readonly arch?: Arch;
  /** oci/k8s: the host kernel version for `minKernel`, e.g. 6.1. Default: every one is met. */
  readonly kernel?: string;
  /** strace: print the log's trace (NDJSON events, as `learn --json`) instead of a policy. */
  readonly trace?: boolean;
  /** strace: also save the trace as a run in WORKSPACE/.sandbox-studio/runs. */
  readonly save?: boolean;
  /** With `save`: the folder `serve --workspace` is given; default the current directory. */
  readonly workspace?: string;
}

/** Where `serve --workspace DIR` keeps its runs (main/web/server.ts). */
export function workspaceRunsDir(workspace: string): string {
  return join(resolve(workspace), '.sandbox-studio', 'runs');
}

/** strace logs of long runs are large; anything beyond this is not a log worth a policy. */
const MAX_INPUT_BYTES = 256 * 1024 * 1024;

interface Input {
  readonly name: string;
  readonly bytes: Uint8Array;
}

async function readInput(file: string, io: CliIo): Promise<Input> {
  if (file === '-') {
    if (!io.readStdin) throw new CliError('cannot read standard input here', EXIT_USAGE);
    return { name: 'standard input', bytes: await io.readStdin() };
  }
  const handle = await open(file, 'r').catch((error: unknown) => {
    throw new CliError(`cannot open ${file}: ${describeFsError(error)}`, EXIT_USAGE);
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new CliError(`cannot open ${file}: not a regular file`, EXIT_USAGE);
    if (info.size > MAX_INPUT_BYTES) throw new CliError(`${file} is too large`, EXIT_USAGE);
    return { name: file, bytes: new Uint8Array(await handle.readFile()) };
  } finally {
    await handle.close();
  }
}

function text(input: Input): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(input.bytes);
  } catch {
    throw new CliError(`${input.name}: not UTF-8 text`, EXIT_USAGE);
  }
}

function ociOptions(options: ImportOptions, source: string): OciPolicyImportOptions {
  const arch = options.arch === undefined ? undefined : libseccompArchOf(options.arch);
  if (options.arch !== undefined && arch === undefined) {
    throw new UsageError(`libseccomp has no arch for ${options.arch}`, 'import');
  }
  return {
    source,
    ...(arch ? { arch } : {}),
    ...(options.caps ? { capabilities: options.caps } : {}),
    ...(options.kernel ? { kernelVersion: options.kernel } : {}),
  };
}

/** minijail resolves `@include` paths against the current directory. */
function readInclude(path: string): string | undefined {
  try {
    return readFileSync(resolve(path), 'utf8');
  } catch {
    return undefined;
  }
}

function convert(options: ImportOptions, input: Input): PolicyImport {
  const source = input.name === 'standard input' ? undefined : input.name;
  const arch = options.arch ? { arch: options.arch } : {};
  const named = source ? { source } : {};
  switch (options.format) {
    case 'oci':
      return importOciProfile(text(input), ociOptions(options, source ?? ''));
    case 'k8s':
      return importK8sSeccompProfile(text(input), { ...ociOptions(options, ''), ...named });
    case 'systemd':
      return importSystemdUnit(text(input), { ...arch, ...named });
    case 'minijail':
      return importMinijailPolicy(text(input), { ...arch, ...named, readInclude });
    case 'strace':
      return learnPolicyFromStrace(text(input), { ...arch, ...named });
    case 'bpf':
      return importRawBpf(input.bytes, { ...arch, ...named });
  }
}

/**
 * `import FORMAT FILE`: another tool's policy (or an strace log, or a raw filter) as a policy on
 * stdout; what could not be carried over exactly as warnings on stderr. An strace log can instead
 * be printed as its trace (`--trace`), and saved as a run the studio lists (`--save`).
 */
export async function importCommand(options: ImportOptions, io: CliIo): Promise<number> {
  const input = await readInput(options.file, io);
  const run = options.trace || options.save ? straceTrace(options, input) : undefined;
  if (run && options.trace) {
    writeWarnings(io, input, run.warnings);
    const print = createEventPrinter(io, { json: true, all: true });
    for (const event of run.events) print(event);
  } else {
    const result = converted(input, () => convert(options, input));
    io.stdout(result.policyText);
    writeWarnings(io, input, result.warnings);
  }
  if (run && options.save) await saveTrace(run, options, input, io);
  return EXIT_OK;
}

function writeWarnings(io: CliIo, input: Input, warnings: readonly FormatWarning[]): void {
  writeLines(
    io.stderr,
    warnings.map((w) => formatWarningLine(input.name, w)),
  );
}

/** A converter's FormatError as `FILE:LINE:COL: error: message`, exit 2. */
function converted<T>(input: Input, convertInput: () => T): T {
  try {
    return convertInput();
  } catch (error) {
    if (error instanceof FormatError) {
      throw new CliError(formatErrorLine(input.name, error), EXIT_USAGE);
    }
    throw error;
  }
}

function straceTrace(options: ImportOptions, input: Input): StraceRun {
  if (options.format !== 'strace') {
    throw new UsageError('--trace and --save read an strace log (import strace FILE)', 'import');
  }
  return converted(input, () => straceRun(text(input), options.arch ? { arch: options.arch } : {}));
}

async function saveTrace(run: StraceRun, options: ImportOptions, input: Input, io: CliIo) {
  const dir = workspaceRunsDir(options.workspace ?? '.');
  const saved = await saveStraceRun(run, input.name, { dir, studioVersion: studioVersion() }).catch(
    (error: unknown) => {
      throw new CliError(`cannot save the run in ${dir}: ${describeFsError(error)}`);
    },
  );
  io.stderr(`saved the trace as run ${saved.id}: ${saved.path}\n`);
}
