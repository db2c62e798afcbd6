import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { constants } from 'node:fs';
import { link, mkdir, open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { FormatWarning } from '../../app/formats/format-result';
import { StartOrder, type LateQueue } from '../../app/formats/strace-order';
import type { StraceSink } from '../../app/formats/strace-reader';
import { commandOf, MAX_WARNING_EVENTS, warningEvents } from '../../app/formats/strace-trace';
import type { ExecEvent, ExitEvent, TraceEvent } from '../../app/trace/events';
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

/*
 * Writes an strace log's run file while the log is read, so that neither the log nor its events
 * are held: the events that arrive in start order go to a hidden temporary file at once, the few
 * that arrive late (calls strace wrote split) wait in memory as their run-file lines
 * (app/formats/strace-order.ts). save()
 * then writes the run file — header, the import's warnings, the events merged in start order, the
 * end record — under another hidden temporary name, syncs it and links it to its final name,
 * which never replaces another run: the run appears complete or not at all. Mode 0600, as the
 * studio's own runs: a trace shows what a program touched.
 */

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

/** Bytes of NDJSON gathered before each write(2). */
const WRITE_CHUNK_BYTES = 1024 * 1024;
/** New names to try when an id is taken (two imports in the same second with the same random). */
const ID_ATTEMPTS = 5;
const CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** A late event as it waits: its run-file line, smaller than the event. */
interface HeldLine {
  readonly t: number;
  readonly line: string;
}

export class StraceRunWriter {
  readonly #order = new StartOrder<HeldLine>();
  readonly #warnings: FormatWarning[] = [];
  #warningCount = 0;
  /** The first exec in order, and the earliest late one (the header names the first of both). */
  #firstExec: ExecEvent | undefined;
  #firstLateExec: ExecEvent | undefined;
  #pending = '';
  #events = 0;
  #closed = false;

  private constructor(
    private readonly fileName: string,
    private readonly options: ImportedRunOptions,
    private readonly bodyPath: string,
    private readonly body: FileHandle,
  ) {}

  /** A writer for the log `fileName` (as the run's header names it), its temporary file made. */
  static async open(fileName: string, options: ImportedRunOptions): Promise<StraceRunWriter> {
    await mkdir(options.dir, { recursive: true, mode: 0o700 });
    const bodyPath = join(options.dir, `.strace-import-${randomBytes(8).toString('hex')}.tmp`);
    const body = await open(bodyPath, CREATE, 0o600);
    return new StraceRunWriter(fileName, options, bodyPath, body);
  }

  /** Where the log reader sends what it reads. */
  readonly sink: StraceSink = {
    event: (event) => this.#add(event),
    warning: (warning) => {
      this.#warningCount++;
      if (this.#warnings.length < MAX_WARNING_EVENTS) this.#warnings.push(warning);
    },
  };

  /** Events received so far. */
  get events(): number {
    return this.#events;
  }

  #add(event: TraceEvent): void {
    this.#events++;
    const held = { t: event.t, line: runFileLine(event) };
    const inOrder = this.#order.add(held);
    if (event.type === 'exec') this.#noteExec(event, inOrder);
    if (inOrder) this.#pending += held.line;
  }

  #noteExec(exec: ExecEvent, inOrder: boolean): void {
    if (inOrder) this.#firstExec ??= exec;
    else if (!this.#firstLateExec || exec.t < this.#firstLateExec.t) this.#firstLateExec = exec;
  }

  /** Writes the in-order events received so far to the temporary file. */
  async flush(): Promise<void> {
    if (this.#pending === '') return;
    const text = this.#pending;
    this.#pending = '';
    await this.body.write(text);
  }

  /** Writes the run file and removes the temporary one. The writer cannot be used again. */
  async save(): Promise<SavedImport> {
    await this.flush();
    await this.#closeBody();
    try {
      return await this.#writeRun(this.#order.takeLate());
    } finally {
      await unlink(this.bodyPath).catch(() => undefined);
    }
  }

  /** Drops what was written (a cancelled or failed import). */
  async discard(): Promise<void> {
    this.#pending = '';
    await this.#closeBody();
    await unlink(this.bodyPath).catch(() => undefined);
  }

  async #closeBody(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.body.close();
  }

  async #writeRun(late: LateQueue<HeldLine>): Promise<SavedImport> {
    const startedAt = (this.options.now ?? (() => new Date()))();
    const exec = this.#commandExec();
    for (let attempt = 1; ; attempt++) {
      const runId = randomBytes(8).toString('hex');
      const id = savedRunId(startedAt, 'learn', runId);
      const header = this.#header(exec, runId, startedAt);
      const temp = join(this.options.dir, `.${id}.${randomBytes(6).toString('hex')}.tmp`);
      const path = join(this.options.dir, `${id}${RUN_FILE_SUFFIX}`);
      try {
        await this.#writeFile(temp, header, late, startedAt);
        // Unlike rename(2), link(2) refuses to replace a run that already has this name.
        await link(temp, path);
        return { id, path };
      } catch (error) {
        if (!isErrno(error, 'EEXIST') || attempt >= ID_ATTEMPTS) throw error;
        late.rewind();
      } finally {
        await unlink(temp).catch(() => undefined);
      }
    }
  }

  /** The first exec in start order: a late one goes first only if it started earlier. */
  #commandExec(): ExecEvent | undefined {
    const [inOrder, late] = [this.#firstExec, this.#firstLateExec];
    if (!late) return inOrder;
    return !inOrder || late.t < inOrder.t ? late : inOrder;
  }

  #header(exec: ExecEvent | undefined, runId: string, startedAt: Date): RunFileHeader {
    return {
      format: RUN_FILE_FORMAT,
      formatVersion: 1,
      runId,
      mode: 'learn',
      command: exec ? commandOf(exec) : [],
      importedFrom: { format: 'strace', fileName: this.fileName },
      startedAt: startedAt.toISOString(),
      studioVersion: this.options.studioVersion,
    };
  }

  async #writeFile(
    path: string,
    header: RunFileHeader,
    late: LateQueue<HeldLine>,
    importedAt: Date,
  ): Promise<void> {
    const file = await open(path, CREATE, 0o600);
    const summary = new RunSummaryBuilder();
    let exec: ExecEvent | undefined;
    let chunk = runFileLine(header);
    const put = async (line: string, event = JSON.parse(line) as TraceEvent) => {
      summary.add([event]);
      if (event.type === 'exec') exec ??= event;
      chunk += line;
      if (chunk.length >= WRITE_CHUNK_BYTES) {
        await file.write(chunk);
        chunk = '';
      }
    };
    try {
      for (const warning of warningEvents(this.fileName, this.#warnings, this.#warningCount)) {
        await put(runFileLine(warning), warning);
      }
      for await (const line of inOrderLines(this.bodyPath)) {
        const event = JSON.parse(line) as TraceEvent;
        for (const earlier of late.before(event.t)) await put(earlier.line);
        await put(`${line}\n`, event);
      }
      for (const after of late.rest()) await put(after.line);
      const counted = summary.summary();
      await file.write(chunk + runFileLine(this.#end(counted, exec, importedAt)));
      await file.datasync();
    } finally {
      await file.close();
    }
  }

  #end(summary: RunFileEnd['summary'], exec: ExecEvent | undefined, importedAt: Date): RunFileEnd {
    const target = summary.targetExit;
    const exit: ExitEvent[] = target ? [{ type: 'exit', t: 0, ...target }] : [];
    return {
      format: RUN_FILE_END_FORMAT,
      // The log does not say when the run ended (strace -tt gives no date): the import is when
      // it started and ended for the studio.
      endedAt: importedAt.toISOString(),
      state: 'exited',
      message: `imported from the strace log ${this.fileName}: ${describeExit([...(exec ? [exec] : []), ...exit])}`,
      events: summary.events,
      summary,
    };
  }
}

function inOrderLines(path: string): AsyncIterable<string> {
  return createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
}
