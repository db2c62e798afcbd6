import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import {
  MAX_RUN_PAGE_EVENTS,
  type RequestResult,
  type RunPageCursor,
  type SavedRunInfo,
} from '../../app/api/contract';
import type { TraceEvent } from '../../app/trace/events';
import {
  RUN_FILE_END_FORMAT,
  RUN_FILE_SUFFIX,
  RunFileError,
  SavedRunId,
  parseRunFileHeader,
  parseRunFileLine,
  type RunFileEnd,
  type RunFileHeader,
} from '../../app/trace/run-file';
import { RunSummaryBuilder } from '../../app/trace/run-summary';
import { isLineStart, openForReading, readFirstLine, readLastLine, readLines } from './ndjson-file';

const PAGE_BYTES = 4 * 1024 * 1024;
const EXPORT_CHUNK_BYTES = 4 * 1024 * 1024;
const SUMMARY_BLOCK_LINES = 20_000;
/** runs.list describes at most this many runs, the newest. */
const MAX_LISTED = 500;

interface OpenedRun {
  readonly file: FileHandle;
  readonly size: number;
  readonly header: RunFileHeader;
  /** Where the events start: just after the header line. */
  readonly body: number;
}

/**
 * The runs folder, read side: lists the saved runs, pages through one run's events, summarizes
 * and exports it. Ids are validated file names inside the folder; links are not followed.
 */
export class SavedRuns {
  readonly dir: string;
  readonly #pageEvents: number;

  constructor(dir: string, options: { pageEvents?: number } = {}) {
    this.dir = dir;
    this.#pageEvents = Math.min(options.pageEvents ?? MAX_RUN_PAGE_EVENTS, MAX_RUN_PAGE_EVENTS);
  }

  async list(): Promise<RequestResult<'runs.list'>> {
    const ids = (await this.#fileIds()).slice(0, MAX_LISTED);
    const runs: SavedRunInfo[] = [];
    const unreadable: { id: string; error: string }[] = [];
    for (const id of ids) {
      try {
        runs.push(await this.#describe(id));
      } catch (error) {
        unreadable.push({ id, error: messageOf(error) });
      }
    }
    return { runs, unreadable };
  }

  async open(id: string, cursor?: RunPageCursor): Promise<RequestResult<'runs.open'>> {
    return this.#withRun(id, async (run) => {
      const start = cursor ?? { offset: run.body, line: 2 };
      if (start.offset < run.body || !(await isLineStart(run.file, start.offset, run.size))) {
        throw new Error(`invalid cursor for run ${id}: byte ${start.offset} does not start a line`);
      }
      const block = await readLines(run.file, start.offset, run.size, {
        maxBytes: PAGE_BYTES,
        maxLines: this.#pageEvents,
      });
      const events: TraceEvent[] = [];
      let end: RunFileEnd | undefined;
      block.lines.forEach((text, i) => {
        const line = parseLine(id, text, start.line + i);
        if (line.kind === 'event') events.push(line.event);
        else end = line.end;
      });
      const truncated =
        block.tail !== '' && !tryTail(block.tail, start.line + block.lines.length, events);
      const next =
        block.next >= run.size
          ? null
          : { offset: block.next, line: start.line + block.lines.length };
      return {
        ...(cursor ? {} : { header: run.header }),
        events,
        next,
        ...(end ? { end } : {}),
        ...(truncated ? { truncated } : {}),
      };
    });
  }

  async summary(id: string): Promise<RequestResult<'runs.summary'>> {
    return this.#withRun(id, async (run) => {
      const end = await readEnd(run);
      if (end) return { header: run.header, summary: end.summary, complete: true };
      // No end record: the run did not end while the studio watched. Read what was saved.
      const builder = new RunSummaryBuilder();
      let offset = run.body;
      let line = 2;
      while (offset < run.size) {
        const block = await readLines(run.file, offset, run.size, {
          maxBytes: PAGE_BYTES,
          maxLines: SUMMARY_BLOCK_LINES,
        });
        const events: TraceEvent[] = [];
        block.lines.forEach((text, i) => {
          const parsed = parseLine(id, text, line + i);
          if (parsed.kind === 'event') events.push(parsed.event);
        });
        if (block.tail !== '') tryTail(block.tail, line + block.lines.length, events);
        builder.add(events);
        line += block.lines.length;
        if (block.next === offset) break;
        offset = block.next;
      }
      return { header: run.header, summary: builder.summary(), complete: false };
    });
  }

  async export(id: string, offset?: number): Promise<RequestResult<'runs.export'>> {
    return this.#withRun(id, async (run) => {
      const from = offset ?? 0;
      if (!(await isLineStart(run.file, from, run.size))) {
        throw new Error(`invalid offset for run ${id}: byte ${from} does not start a line`);
      }
      const block = await readLines(run.file, from, run.size, {
        maxBytes: EXPORT_CHUNK_BYTES,
        maxLines: Number.MAX_SAFE_INTEGER,
      });
      const text = block.lines.map((l) => `${l}\n`).join('') + block.tail;
      return {
        fileName: `${id}${RUN_FILE_SUFFIX}`,
        text,
        next: block.next >= run.size ? null : block.next,
        bytes: run.size,
      };
    });
  }

  /** Ids of the run files in the folder, newest first (ids start with the start time). */
  async #fileIds(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new Error(`cannot read the runs folder ${this.dir}: ${messageOf(error)}`, {
        cause: error,
      });
    }
    return names
      .filter((name) => name.endsWith(RUN_FILE_SUFFIX))
      .map((name) => name.slice(0, -RUN_FILE_SUFFIX.length))
      .filter((id) => SavedRunId.safeParse(id).success)
      .sort()
      .reverse();
  }

  async #describe(id: string): Promise<SavedRunInfo> {
    return this.#withRun(id, async (run) => {
      const end = await readEnd(run);
      const { header } = run;
      return {
        id,
        mode: header.mode,
        ...(header.policyName === undefined ? {} : { policyName: header.policyName }),
        command: header.command,
        ...(header.importedFrom === undefined ? {} : { importedFrom: header.importedFrom }),
        startedAt: header.startedAt,
        ...(end ? { endedAt: end.endedAt, events: end.events } : {}),
        state: end?.state ?? 'incomplete',
        ...(end?.message === undefined ? {} : { message: end.message }),
        bytes: run.size,
      };
    });
  }

  async #withRun<T>(id: string, use: (run: OpenedRun) => Promise<T>): Promise<T> {
    const checked = SavedRunId.safeParse(id);
    if (!checked.success) throw new Error(`invalid run id ${JSON.stringify(id)}`);
    const path = join(this.dir, `${checked.data}${RUN_FILE_SUFFIX}`);
    let file: FileHandle;
    try {
      file = await openForReading(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new Error(`there is no saved run ${id}`, { cause: error });
      if (code === 'ELOOP') {
        throw new Error(`${path} is a symbolic link: not opened`, { cause: error });
      }
      throw new Error(`cannot open ${path}: ${messageOf(error)}`, { cause: error });
    }
    try {
      const info = await file.stat();
      if (!info.isFile()) throw new Error(`${path} is not a file`);
      const first = await readFirstLine(file, info.size);
      const headerText = first.lines[0] ?? first.tail;
      const header = withRunContext(id, () => parseRunFileHeader(headerText));
      const body = first.lines.length > 0 ? first.next : info.size;
      return await use({ file, size: info.size, header, body });
    } finally {
      await file.close();
    }
  }
}

async function readEnd(run: OpenedRun): Promise<RunFileEnd | undefined> {
  const last = await readLastLine(run.file, run.body, run.size);
  if (last === undefined || !last.includes(RUN_FILE_END_FORMAT)) return undefined;
  try {
    const line = parseRunFileLine(last, 0);
    return line.kind === 'end' ? line.end : undefined;
  } catch {
    return undefined;
  }
}

function parseLine(id: string, text: string, line: number) {
  return withRunContext(id, () => parseRunFileLine(text, line));
}

/** A last line without its newline: kept when it is a whole event, else the file was cut. */
function tryTail(tail: string, line: number, events: TraceEvent[]): boolean {
  try {
    const parsed = parseRunFileLine(tail, line);
    if (parsed.kind === 'event') events.push(parsed.event);
    return true;
  } catch {
    return false;
  }
}

function withRunContext<T>(id: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof RunFileError)
      throw new Error(`run ${id}: ${error.message}`, { cause: error });
    throw error;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
