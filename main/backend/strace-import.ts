import type { RequestParams, RequestResult } from '../../app/api/contract';
import { DOCUMENT_START, FormatError, formatErrorLine } from '../../app/formats/format-result';
import { NO_SYSCALL } from '../../app/formats/strace-log';
import { StraceLogReader } from '../../app/formats/strace-reader';
import type { StraceRun } from '../../app/formats/strace-trace';
import type { Arch } from '../../app/linux/syscalls';
import { StraceRunWriter, type ImportedRunOptions, type SavedImport } from './strace-import-writer';

export type { ImportedRunOptions, SavedImport } from './strace-import-writer';

export interface StraceImportOptions extends ImportedRunOptions {
  /** The traced program's ABI; default x86_64 (strace's own notes switch 32-bit processes). */
  readonly arch?: Arch;
}

/** The reader gets at most this much text between two writes of its events. */
const READ_SLICE_CHARS = 1024 * 1024;
/** Events of an already-read run passed to the writer between two writes. */
const WRITE_BATCH_EVENTS = 10_000;

/**
 * One strace log being read and saved as a run, a piece at a time: nothing but the line the
 * last piece ended in and the calls waiting for their `<... resumed>` stays in memory.
 */
export class StraceImport {
  private constructor(
    private readonly reader: StraceLogReader,
    private readonly writer: StraceRunWriter,
  ) {}

  /** Starts the import of `fileName`; rejects when the runs folder cannot be written. */
  static async start(fileName: string, options: StraceImportOptions): Promise<StraceImport> {
    const writer = await StraceRunWriter.open(fileName, options).catch((error: unknown) => {
      throw saveFailure(options.dir, error);
    });
    const reader = new StraceLogReader(writer.sink, options.arch ? { arch: options.arch } : {});
    return new StraceImport(reader, writer);
  }

  /** Reads the next piece of the log; FormatError at a line that is not strace output. */
  async read(text: string): Promise<void> {
    for (let from = 0; from < text.length; from += READ_SLICE_CHARS) {
      this.reader.push(text.slice(from, from + READ_SLICE_CHARS));
      await this.writer.flush();
    }
  }

  /** The log ended: saves the run. FormatError when the log shows no syscall. */
  async finish(): Promise<SavedImport> {
    this.reader.end();
    if (this.reader.syscalls === 0) throw new FormatError(NO_SYSCALL, DOCUMENT_START);
    return this.writer.save();
  }

  /** Drops the import: nothing is saved. */
  discard(): Promise<void> {
    return this.writer.discard();
  }
}

/** `cannot save the imported run in DIR: reason`, for a failure to write the runs folder. */
export function saveFailure(dir: string, error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`cannot save the imported run in ${dir}: ${message}`, { cause: error });
}

/**
 * The answer to a failed piece: a malformed log is `error` as `FILE:LINE:COL: error: message`;
 * anything else (the runs folder) rejects, the request failing with the reason.
 */
export function failedImport(
  fileName: string,
  dir: string,
  error: unknown,
): { readonly error: string } {
  if (error instanceof FormatError) return { error: formatErrorLine(fileName, error) };
  throw saveFailure(dir, error);
}

/**
 * Saves an already-read strace run (`import strace --save`) in the runs folder as a learn run
 * (every syscall observed, none denied), its header saying where it came from, the import's
 * warnings as its first events.
 */
export async function saveStraceRun(
  run: StraceRun,
  fileName: string,
  options: ImportedRunOptions,
): Promise<SavedImport> {
  const writer = await StraceRunWriter.open(fileName, options);
  try {
    for (const warning of run.warnings) writer.sink.warning(warning);
    for (let i = 0; i < run.events.length; i++) {
      writer.sink.event(run.events[i]!);
      if ((i + 1) % WRITE_BATCH_EVENTS === 0) await writer.flush();
    }
    return await writer.save();
  } catch (error) {
    await writer.discard();
    throw error;
  }
}

/**
 * runs.importStrace: the log, sent in one request, saved as a run. A malformed log is `error` as
 * `FILE:LINE:COL: error: message`; failing to write the run folder rejects (the request fails
 * with the reason).
 */
export async function importStraceRun(
  { fileName, text }: RequestParams<'runs.importStrace'>,
  options: StraceImportOptions,
): Promise<RequestResult<'runs.importStrace'>> {
  const started = await StraceImport.start(fileName, options);
  try {
    await started.read(text);
    const { id } = await started.finish();
    return { id };
  } catch (error) {
    await started.discard();
    return failedImport(fileName, options.dir, error);
  }
}
