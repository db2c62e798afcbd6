import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { RequestParams, RequestResult } from '../../app/api/contract';
import { FormatError, formatErrorLine } from '../../app/formats/format-result';
import { straceRun, warningEvents, type StraceRun } from '../../app/formats/strace-trace';
import type { Arch } from '../../app/linux/syscalls';
import type { TraceEvent } from '../../app/trace/events';
import {
  RUN_FILE_END_FORMAT,
  RUN_FILE_FORMAT,
  RUN_FILE_SUFFIX,
  runFileLine,
  savedRunId,
  type RunFileEnd,
  type RunFileHeader,
} from '../../app/trace/run-file';
import { RunSummaryBuilder } from '../../app/trace/run-summary';
import { describeExit } from '../../app/trace/verdict';
import { isErrno } from './atomic-write';

export interface ImportedRunOptions {
  /** The runs folder; created (mode 0700) when missing. */
  readonly dir: string;
  readonly studioVersion: string;
  readonly now?: () => Date;
}

export interface SavedImport {
  readonly id: string;
  readonly path: string;
}

/** Bytes of NDJSON gathered before each write(2): a long log is not one giant string. */
const WRITE_CHUNK_BYTES = 1024 * 1024;
/** New names to try when an id is taken (two imports in the same second with the same random). */
const ID_ATTEMPTS = 5;

/**
 * Saves an strace log's run in the runs folder as a learn run (every syscall observed, none
 * denied), its header saying where it came from, the import's warnings as its first events. The
 * file appears complete or not at all: it is written under a hidden temporary name, synced, and
 * then linked to its final name, which never replaces another run. Mode 0600, as the studio's
 * own runs: a trace shows what a program touched.
 */
export async function saveStraceRun(
  run: StraceRun,
  fileName: string,
  options: ImportedRunOptions,
): Promise<SavedImport> {
  const startedAt = (options.now ?? (() => new Date()))();
  const events = [...warningEvents(fileName, run.warnings), ...run.events];
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  const end = endOf(events, fileName, startedAt);
  for (let attempt = 1; ; attempt++) {
    const runId = randomBytes(8).toString('hex');
    const id = savedRunId(startedAt, 'learn', runId);
    const header = headerOf(run, fileName, runId, startedAt, options.studioVersion);
    const temp = join(options.dir, `.${id}.${randomBytes(6).toString('hex')}.tmp`);
    const path = join(options.dir, `${id}${RUN_FILE_SUFFIX}`);
    try {
      await writeRunFile(temp, header, events, end);
      // Unlike rename(2), link(2) refuses to replace a run that already has this name.
      await link(temp, path);
      return { id, path };
    } catch (error) {
      if (!isErrno(error, 'EEXIST') || attempt >= ID_ATTEMPTS) throw error;
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  }
}

function headerOf(
  run: StraceRun,
  fileName: string,
  runId: string,
  startedAt: Date,
  studioVersion: string,
): RunFileHeader {
  return {
    format: RUN_FILE_FORMAT,
    formatVersion: 1,
    runId,
    mode: 'learn',
    command: [...run.command],
    importedFrom: { format: 'strace', fileName },
    startedAt: startedAt.toISOString(),
    studioVersion,
  };
}

function endOf(events: readonly TraceEvent[], fileName: string, importedAt: Date): RunFileEnd {
  const summary = new RunSummaryBuilder();
  summary.add(events);
  return {
    format: RUN_FILE_END_FORMAT,
    // The log does not say when the run ended (strace -tt gives no date): the import is when it
    // started and ended for the studio.
    endedAt: importedAt.toISOString(),
    state: 'exited',
    message: `imported from the strace log ${fileName}: ${describeExit(events)}`,
    events: events.length,
    summary: summary.summary(),
  };
}

async function writeRunFile(
  path: string,
  header: RunFileHeader,
  events: readonly TraceEvent[],
  end: RunFileEnd,
): Promise<void> {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  const file = await open(path, flags, 0o600);
  try {
    let chunk = runFileLine(header);
    for (const event of events) {
      chunk += runFileLine(event);
      if (chunk.length >= WRITE_CHUNK_BYTES) {
        await file.write(chunk);
        chunk = '';
      }
    }
    await file.write(chunk + runFileLine(end));
    await file.datasync();
  } finally {
    await file.close();
  }
}

export interface StraceImportOptions extends ImportedRunOptions {
  /** The traced program's ABI; default x86_64 (strace's own notes switch 32-bit processes). */
  readonly arch?: Arch;
}

/**
 * runs.importStrace: the log saved as a run. A malformed log is `error` as `FILE:LINE:COL: error:
 * message`; failing to write the run folder rejects (the request fails with the reason).
 */
export async function importStraceRun(
  { fileName, text }: RequestParams<'runs.importStrace'>,
  options: StraceImportOptions,
): Promise<RequestResult<'runs.importStrace'>> {
  let run: StraceRun;
  try {
    run = straceRun(text, options.arch ? { arch: options.arch } : {});
  } catch (error) {
    if (error instanceof FormatError) return { error: formatErrorLine(fileName, error) };
    throw error;
  }
  try {
    const { id } = await saveStraceRun(run, fileName, options);
    return { id };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot save the imported run in ${options.dir}: ${message}`, {
      cause: error,
    });
  }
}
