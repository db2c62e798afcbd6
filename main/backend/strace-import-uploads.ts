import { randomBytes } from 'node:crypto';
import {
  STRACE_UPLOAD_MAX_CHARS,
  type RequestParams,
  type RequestResult,
} from '../../app/api/contract';
import { failedImport, StraceImport, type StraceImportOptions } from './strace-import';

/*
 * runs.importStraceChunk and runs.cancelStraceImport for one client: strace logs sent a piece at
 * a time. The client is not trusted, so what it can make the backend hold is bounded: a few
 * imports at a time, each at most STRACE_UPLOAD_MAX_CHARS, one piece of each being read at a
 * time (a piece sent while the last one is read is refused, not queued), and an import that gets
 * no piece for `idleMs` is dropped with its temporary file. The log itself is not held: each
 * piece is read and its events written as it arrives (StraceImport). Upload ids are 128 random
 * bits, so one client cannot name another's import.
 */

export interface StraceUploadLimits {
  /** Imports under way at once. */
  readonly maxUploads: number;
  /** Characters of one log. */
  readonly maxChars: number;
  /** An import that gets no piece for this long is dropped. */
  readonly idleMs: number;
}

export const DEFAULT_UPLOAD_LIMITS: StraceUploadLimits = {
  maxUploads: 3,
  maxChars: STRACE_UPLOAD_MAX_CHARS,
  idleMs: 60_000,
};

export interface StraceUploadsOptions extends StraceImportOptions {
  readonly limits?: Partial<StraceUploadLimits>;
}

interface Upload {
  readonly id: string;
  readonly fileName: string;
  readonly started: StraceImport;
  received: number;
  busy: boolean;
  /** Set when the import was dropped while a piece was being read. */
  dropped: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

type ChunkParams = RequestParams<'runs.importStraceChunk'>;
type ChunkResult = RequestResult<'runs.importStraceChunk'>;

const MB = 1024 * 1024;
const megabytes = (chars: number) => `${Math.ceil(chars / MB)} MB`;

export class StraceUploads {
  readonly #uploads = new Map<string, Upload>();
  readonly #limits: StraceUploadLimits;

  constructor(private readonly options: StraceUploadsOptions) {
    this.#limits = { ...DEFAULT_UPLOAD_LIMITS, ...options.limits };
  }

  /** Imports under way. */
  get size(): number {
    return this.#uploads.size;
  }

  /** One piece of a log: the first one starts an import, the final one saves the run. */
  async chunk(params: ChunkParams): Promise<ChunkResult> {
    const upload = 'fileName' in params ? await this.#begin(params) : this.#find(params.uploadId);
    const offset = 'offset' in params ? params.offset : 0;
    if (upload.busy)
      throw new Error('the previous piece of this strace import is still being read');
    if (offset !== upload.received) {
      await this.#drop(upload);
      throw new Error(
        `strace import ${upload.id}: a piece at character ${offset}, expected ${upload.received}: import abandoned`,
      );
    }
    if (upload.received + params.text.length > this.#limits.maxChars) {
      await this.#drop(upload);
      throw new Error(this.#tooLarge(upload.fileName));
    }
    return this.#read(upload, params.text, params.final);
  }

  /** Drops an import under way; nothing is saved. Unknown ids are not an error (it ended). */
  async cancel(uploadId: string): Promise<void> {
    const upload = this.#uploads.get(uploadId);
    if (upload) await this.#drop(upload);
  }

  /** Drops every import under way (the client went away). */
  async discardAll(): Promise<void> {
    await Promise.all([...this.#uploads.values()].map((upload) => this.#drop(upload)));
  }

  async #begin(params: Extract<ChunkParams, { fileName: string }>): Promise<Upload> {
    if (params.size !== undefined && params.size > this.#limits.maxChars) {
      throw new Error(this.#tooLarge(params.fileName, params.size));
    }
    if (this.#uploads.size >= this.#limits.maxUploads) {
      throw new Error(
        `${this.#uploads.size} strace imports are under way already: wait for one to end or cancel it`,
      );
    }
    const started = await StraceImport.start(params.fileName, this.options);
    const id = randomBytes(16).toString('hex');
    const upload: Upload = {
      id,
      fileName: params.fileName,
      started,
      received: 0,
      busy: false,
      dropped: false,
    };
    this.#uploads.set(id, upload);
    return upload;
  }

  #find(uploadId: string): Upload {
    const upload = this.#uploads.get(uploadId);
    if (upload) return upload;
    throw new Error(
      `no strace import ${uploadId} is under way (it ended, was cancelled, or waited more than ` +
        `${Math.round(this.#limits.idleMs / 1000)} s for its next piece)`,
    );
  }

  #tooLarge(fileName: string, size?: number): string {
    const is = size === undefined ? 'is larger than' : `is ${megabytes(size)}, more than`;
    return (
      `${fileName} ${is} the ${megabytes(this.#limits.maxChars)} the studio imports as a trace: ` +
      'save it as a run with `sandbox-studio import strace FILE --save` instead'
    );
  }

  async #read(upload: Upload, text: string, final: boolean): Promise<ChunkResult> {
    upload.busy = true;
    clearTimeout(upload.timer);
    try {
      await upload.started.read(text);
      upload.received += text.length;
      if (upload.dropped) throw new Error('cancelled');
      if (!final) {
        this.#arm(upload);
        return { uploadId: upload.id, received: upload.received };
      }
      this.#uploads.delete(upload.id);
      const { id } = await upload.started.finish();
      return { id };
    } catch (error) {
      this.#uploads.delete(upload.id);
      await upload.started.discard();
      if (upload.dropped) {
        throw new Error(`strace import ${upload.id} was cancelled`, { cause: error });
      }
      return failedImport(upload.fileName, this.options.dir, error);
    } finally {
      upload.busy = false;
    }
  }

  #arm(upload: Upload): void {
    upload.timer = setTimeout(() => void this.#drop(upload), this.#limits.idleMs);
    upload.timer.unref?.();
  }

  async #drop(upload: Upload): Promise<void> {
    clearTimeout(upload.timer);
    this.#uploads.delete(upload.id);
    upload.dropped = true;
    // A piece being read finds `dropped` when it is done and discards the import itself.
    if (!upload.busy) await upload.started.discard();
  }
}
