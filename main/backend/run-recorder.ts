import {
  closeSync,
  constants,
  fdatasync,
  mkdirSync,
  openSync,
  write,
  writeSync,
  close,
} from 'node:fs';
import { join } from 'node:path';
import type { RunMode } from '../../app/api/contract';
import type { Policy } from '../../app/policy/model';
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

export interface RecordingStart {
  readonly runId: string;
  readonly mode: RunMode;
  readonly policy: Pick<Policy, 'name' | 'target'>;
  readonly policyText: string;
  /** The policy file's name or path, when the text came from one. */
  readonly policyFile?: string;
}

export interface RecordingEnd {
  readonly state: RunFileEnd['state'];
  readonly message?: string;
}

/** One run being written to its file. */
export interface Recording {
  /** The saved run's id (its file name without .ndjson). */
  readonly id: string;
  readonly path: string;
  /** Queues events for writing; returns at once (the writes happen in the background). */
  append(events: readonly TraceEvent[]): void;
  /** Writes what is queued and the end record, flushes the file to disk and closes it. */
  finish(end: RecordingEnd): Promise<void>;
  /** Why the recording stopped writing (disk full, ...), once it did. */
  readonly failure: string | undefined;
}

export interface RunRecorderOptions {
  /** The runs folder; created (mode 0700) on the first recording. */
  readonly dir: string;
  readonly studioVersion: string;
  readonly now?: () => Date;
}

/**
 * Saves every run as NDJSON in one folder, streaming the events to the file as they arrive: each
 * batch goes to the kernel with write(2) right away, so a crash of the studio loses at most the
 * batch in flight, and the end record is followed by fdatasync(2). Files are created with
 * O_EXCL | O_NOFOLLOW and mode 0600: a trace shows what a program touched.
 */
export class RunRecorder {
  readonly dir: string;
  readonly #version: string;
  readonly #now: () => Date;

  constructor(options: RunRecorderOptions) {
    this.dir = options.dir;
    this.#version = options.studioVersion;
    this.#now = options.now ?? (() => new Date());
  }

  /** Creates the run's file and writes its header; throws when the folder is not writable. */
  start(info: RecordingStart): Recording {
    const startedAt = this.#now();
    const id = savedRunId(startedAt, info.mode, info.runId);
    const path = join(this.dir, `${id}${RUN_FILE_SUFFIX}`);
    const header: RunFileHeader = {
      format: RUN_FILE_FORMAT,
      formatVersion: 1,
      runId: info.runId,
      mode: info.mode,
      ...(info.policy.name === undefined ? {} : { policyName: info.policy.name }),
      ...(info.policyFile === undefined ? {} : { policyFile: info.policyFile }),
      policyText: info.policyText,
      command: [...(info.policy.target?.command ?? [])],
      startedAt: startedAt.toISOString(),
      studioVersion: this.#version,
    };
    let fd: number;
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      fd = openSync(
        path,
        constants.O_WRONLY |
          constants.O_CREAT |
          constants.O_EXCL |
          constants.O_NOFOLLOW |
          constants.O_APPEND,
        0o600,
      );
    } catch (error) {
      throw new Error(`cannot save the run in ${this.dir}: ${messageOf(error)}`, { cause: error });
    }
    try {
      writeSync(fd, runFileLine(header));
    } catch (error) {
      closeSync(fd);
      throw new Error(`cannot write ${path}: ${messageOf(error)}`, { cause: error });
    }
    return new FileRecording(id, path, fd, this.#now);
  }
}

class FileRecording implements Recording {
  readonly id: string;
  readonly path: string;
  readonly #fd: number;
  readonly #now: () => Date;
  readonly #summary = new RunSummaryBuilder();
  #queued: string[] = [];
  #events = 0;
  #writing: Promise<void> | undefined;
  #finished: Promise<void> | undefined;
  #failure: string | undefined;

  constructor(id: string, path: string, fd: number, now: () => Date) {
    this.id = id;
    this.path = path;
    this.#fd = fd;
    this.#now = now;
  }

  get failure(): string | undefined {
    return this.#failure;
  }

  append(events: readonly TraceEvent[]): void {
    if (this.#finished || this.#failure !== undefined || events.length === 0) return;
    this.#summary.add(events);
    this.#events += events.length;
    this.#queued.push(events.map(runFileLine).join(''));
    this.#writing ??= this.#drain();
  }

  finish(end: RecordingEnd): Promise<void> {
    this.#finished ??= this.#finish(end);
    return this.#finished;
  }

  async #finish(end: RecordingEnd): Promise<void> {
    await this.#writing;
    if (this.#failure === undefined) {
      const record: RunFileEnd = {
        format: RUN_FILE_END_FORMAT,
        endedAt: this.#now().toISOString(),
        state: end.state,
        ...(end.message === undefined ? {} : { message: end.message }),
        events: this.#events,
        summary: this.#summary.summary(),
      };
      try {
        await writeAll(this.#fd, Buffer.from(runFileLine(record)));
        await new Promise<void>((done, fail) => fdatasync(this.#fd, (e) => (e ? fail(e) : done())));
      } catch (error) {
        this.#failure = `cannot write ${this.path}: ${messageOf(error)}`;
      }
    }
    await new Promise<void>((done) => close(this.#fd, () => done()));
  }

  /** Writes queued batches one after the other until the queue is empty. */
  async #drain(): Promise<void> {
    while (this.#queued.length > 0 && this.#failure === undefined) {
      const text = this.#queued.join('');
      this.#queued = [];
      try {
        await writeAll(this.#fd, Buffer.from(text));
      } catch (error) {
        this.#failure = `cannot write ${this.path}: ${messageOf(error)}`;
        this.#queued = [];
      }
    }
    this.#writing = undefined;
  }
}

/** write(2) until every byte is out: a regular file may still take a write in parts. */
async function writeAll(fd: number, bytes: Buffer): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    offset += await new Promise<number>((done, fail) =>
      write(fd, bytes, offset, bytes.length - offset, null, (error, written) =>
        error ? fail(error) : done(written),
      ),
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
