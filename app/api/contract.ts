import { z } from 'zod';
import { TraceEvent } from '../trace/events';
import { RunFileEnd, RunFileHeader, RunImportOrigin, SavedRunId } from '../trace/run-file';
import { RunSummary } from '../trace/run-summary';

/**
 * The one API between the renderer (untrusted) and the backend. Electron's preload and the
 * web-mode WebSocket are two transports of exactly this contract; the backend validates every
 * request with these schemas before acting on it.
 *
 * Files are named by opaque handles that the backend issued after the user chose a file, so the
 * renderer can never name an arbitrary path.
 */
const FileHandle = z.string().min(1).max(200);
const PolicyText = z.string().max(1_000_000);
/**
 * learn: report what the policy does not allow yet, let everything run. check: the supervisor
 * applies the policy's verdicts itself and reports each denial. enforce: the policy exactly as
 * deployed, the kernel acts alone; denials from its audit log.
 */
export const RunMode = z.enum(['learn', 'check', 'enforce']);
export type RunMode = z.infer<typeof RunMode>;
const RunId = z.string().min(1).max(64);
const IncludePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((path) => !path.includes('\0'), 'a path cannot contain NUL characters');

export const OpenedFile = z.object({ handle: FileHandle, name: z.string(), text: PolicyText });
export type OpenedFile = z.infer<typeof OpenedFile>;

/** A run saved in the runs folder, as runs.list describes it. */
export const SavedRunInfo = z.object({
  id: SavedRunId,
  mode: RunMode,
  policyName: z.string().optional(),
  command: z.array(z.string()),
  /** Read from another tool's log (runs.importStrace), not recorded by the studio. */
  importedFrom: RunImportOrigin.optional(),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  /** `incomplete`: the file has no end record (the studio stopped before the run ended). */
  state: z.enum(['exited', 'failed', 'incomplete']),
  message: z.string().optional(),
  events: z.number().int().nonnegative().optional(),
  bytes: z.number().int().nonnegative(),
});
export type SavedRunInfo = z.infer<typeof SavedRunInfo>;
/** Where the next page of a saved run starts: a byte offset and its line number (for errors). */
export const RunPageCursor = z
  .object({ offset: z.number().int().nonnegative(), line: z.number().int().min(2) })
  .strict();
export type RunPageCursor = z.infer<typeof RunPageCursor>;
/** Most events one runs.open page carries: a million-event run arrives in a hundred pages. */
export const MAX_RUN_PAGE_EVENTS = 10_000;

/**
 * Web mode's WebSocket refuses (and closes on) a larger message: ws `maxPayload` in
 * main/web/server.ts. An strace log goes in pieces well below it (runs.importStraceChunk).
 */
export const WEB_MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

/** An strace log sent for import: large enough for a long `strace -f` session. */
const StraceLogText = z.string().max(50_000_000);
/**
 * One piece of an strace log sent with runs.importStraceChunk. At most 6 bytes of JSON per
 * character (`\u001f`), so a piece this long always fits in one web-mode message.
 */
export const STRACE_CHUNK_MAX_CHARS = 256 * 1024;
/** The largest strace log runs.importStraceChunk takes, in characters. */
export const STRACE_UPLOAD_MAX_CHARS = 200 * 1024 * 1024;
const StraceChunkText = z.string().max(STRACE_CHUNK_MAX_CHARS);
/** An import under way, named by the backend: 128 random bits, in hex. */
const StraceUploadId = z
  .string()
  .regex(/^[0-9a-f]{32}$/, 'an upload id that runs.importStraceChunk gave');
/** A lesson id from app/lessons/catalog.ts: lower-case words and dashes. */
const LessonId = z.string().regex(/^[a-z0-9-]{1,64}$/, 'a lesson id like strict-mode');

/** Audit view: a capability mask or other 64-bit value as `0x…` (JSON has no bigint). */
const HexBits = z.string().regex(/^0x[0-9a-f]+$/, 'a hexadecimal number like 0x1f');
/** A process id from the renderer: a positive int, never a string that reaches a shell. */
export const AuditPid = z
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);
export const AuditSeccomp = z.enum(['disabled', 'strict', 'filter', 'unknown']);
export const AuditProcessInfo = z.object({
  pid: AuditPid,
  ppid: z.number().int().nonnegative(),
  command: z.string(),
  name: z.string(),
  uid: z.number().int().nonnegative().optional(),
  user: z.string(),
  threads: z.number().int().nonnegative(),
  seccomp: AuditSeccomp,
  seccompFilters: z.number().int().nonnegative().optional(),
  noNewPrivs: z.boolean().optional(),
});
export type AuditProcessInfo = z.infer<typeof AuditProcessInfo>;
const AuditIds = z.object({
  real: z.number(),
  effective: z.number(),
  saved: z.number(),
  filesystem: z.number(),
});
export const AuditThread = z.object({
  tid: z.number().int().positive(),
  name: z.string(),
  uid: AuditIds.optional(),
  gid: AuditIds.optional(),
  capabilities: z.object({
    inheritable: HexBits,
    permitted: HexBits,
    effective: HexBits,
    bounding: HexBits,
    ambient: HexBits.optional(),
  }),
  noNewPrivs: z.boolean().optional(),
  seccomp: z.enum(['disabled', 'strict', 'filter']).optional(),
  seccompFilters: z.number().int().nonnegative().optional(),
});
export type AuditThread = z.infer<typeof AuditThread>;
export const AuditPosture = z.object({
  pid: AuditPid,
  command: z.string(),
  threads: z.array(AuditThread),
  limits: z.array(
    z.object({ name: z.string(), soft: z.string(), hard: z.string(), unit: z.string() }),
  ),
  namespaces: z.array(z.object({ kind: z.string(), id: z.string(), separate: z.boolean() })),
  dumpable: z.union([z.boolean(), z.literal('unknown')]),
  /** Absent when Yama is not built into the kernel. */
  yamaPtraceScope: z.number().int().optional(),
  lsms: z.array(z.string()).optional(),
  landlock: z
    .union([z.object({ abi: z.number().int() }), z.object({ unavailable: z.string() })])
    .optional(),
});
export type AuditPosture = z.infer<typeof AuditPosture>;
export const AuditFilter = z.object({
  /** 0 is the most recently installed filter: the first to run. */
  index: z.number().int().nonnegative(),
  length: z.number().int().positive(),
  disassembly: z.string(),
  /** The decompiled policy (YAML), or `decompileError` saying why there is none. */
  policy: z.string().optional(),
  decompileError: z.string().optional(),
});
export type AuditFilter = z.infer<typeof AuditFilter>;
export const AuditReport = z.object({
  posture: AuditPosture,
  filters: z.array(AuditFilter),
  /** Why the filters could not be read, naming the privilege that is missing. */
  filtersUnreadable: z.string().optional(),
});
export type AuditReport = z.infer<typeof AuditReport>;

export const requests = {
  /** What the host can do: Electron has native dialogs; web mode offers its workspace's files. */
  'host.info': {
    params: z.object({}).strict(),
    result: z.object({
      kind: z.enum(['electron', 'web']),
      nativeDialogs: z.boolean(),
      workspace: z.string().optional(),
      version: z.string(),
    }),
  },
  /** Electron: native open dialog. Web mode: not available (use files.list). */
  'files.openDialog': {
    params: z.object({}).strict(),
    result: z.object({ file: OpenedFile.nullable() }),
  },
  /** Web mode: the policy files (*.sandbox.yaml) in the workspace folder the server was started on. */
  'files.list': {
    params: z.object({}).strict(),
    result: z.object({ files: z.array(z.object({ handle: FileHandle, name: z.string() })) }),
  },
  'files.read': { params: z.object({ handle: FileHandle }).strict(), result: OpenedFile },
  /** Atomic save (temp file, fsync, rename) to a file the user chose before. */
  'files.save': {
    params: z.object({ handle: FileHandle, text: PolicyText }).strict(),
    result: z.object({ handle: FileHandle, name: z.string() }),
  },
  /**
   * Save under a new name: Electron asks with a native dialog (suggestedName is only a hint);
   * web mode creates `suggestedName` inside the workspace (a plain file name, *.sandbox.yaml).
   */
  'files.saveAs': {
    params: z
      .object({
        text: PolicyText,
        suggestedName: z
          .string()
          .max(200)
          .regex(/^[\w.-]+\.sandbox\.yaml$/, 'a plain file name ending in .sandbox.yaml'),
      })
      .strict(),
    result: z.object({ file: z.object({ handle: FileHandle, name: z.string() }).nullable() }),
  },
  /**
   * A file that the policy opened as `handle` includes, for the editor's diagnostics. `path` is as
   * written in `include:` (relative to that policy's folder, or absolute). The backend reads only
   * YAML files in the workspace (web mode) or below the policy's folder (Electron); anything it
   * cannot or will not read is an `error` for the include entry, not a failed request.
   */
  'files.readInclude': {
    params: z.object({ handle: FileHandle, path: IncludePath }).strict(),
    result: z.union([
      z.object({ text: PolicyText }).strict(),
      z.object({ error: z.string() }).strict(),
    ]),
  },
  /**
   * Start a run of the policy's own target. The backend parses and compiles the text itself;
   * `handle` (the file the text was opened from or saved to) is where its includes are read from.
   */
  'run.start': {
    params: z
      .object({ mode: RunMode, policyText: PolicyText, handle: FileHandle.optional() })
      .strict(),
    result: z.object({ runId: RunId }),
  },
  /** End every process of the run. */
  'run.stop': { params: z.object({ runId: RunId }).strict(), result: z.object({}) },
  /** The runs saved in the runs folder (every run is saved while it runs), newest first. */
  'runs.list': {
    params: z.object({}).strict(),
    result: z.object({
      runs: z.array(SavedRunInfo),
      /** Files in the runs folder that are not run files, with why. */
      unreadable: z.array(z.object({ id: z.string(), error: z.string() })),
    }),
  },
  /**
   * A saved run's events, a page at a time: without `cursor` the first page and the header; then
   * each page's `next` until it is null. `end` comes with the last page when the run ended;
   * `truncated`: the file's last line was cut short (the studio crashed while writing it).
   */
  'runs.open': {
    params: z.object({ id: SavedRunId, cursor: RunPageCursor.optional() }).strict(),
    result: z.object({
      header: RunFileHeader.optional(),
      events: z.array(TraceEvent).max(MAX_RUN_PAGE_EVENTS),
      next: RunPageCursor.nullable(),
      end: RunFileEnd.optional(),
      truncated: z.boolean().optional(),
    }),
  },
  /** What a saved run did (from its end record, or read from its events if it has none). */
  'runs.summary': {
    params: z.object({ id: SavedRunId }).strict(),
    result: z.object({ header: RunFileHeader, summary: RunSummary, complete: z.boolean() }),
  },
  /**
   * The run file itself (NDJSON) in chunks of whole lines, to save elsewhere: `offset` is the
   * previous chunk's `next`; the renderer joins the chunks into a download.
   */
  'runs.export': {
    params: z
      .object({ id: SavedRunId, offset: z.number().int().nonnegative().optional() })
      .strict(),
    result: z.object({
      fileName: z.string(),
      text: z.string(),
      next: z.number().int().nonnegative().nullable(),
      bytes: z.number().int().nonnegative(),
    }),
  },
  /**
   * Audit view: the running processes (kernel threads left out) with their seccomp state. Shows
   * every process's command line to the client: the same trust as the studio itself, which runs
   * programs as this user (web mode: only a client holding the token gets here).
   */
  'audit.processes': {
    params: z.object({}).strict(),
    result: z.object({ processes: z.array(AuditProcessInfo) }),
  },
  /** One process's posture from /proc and its seccomp filters (PTRACE_SECCOMP_GET_FILTER). */
  'audit.inspect': { params: z.object({ pid: AuditPid }).strict(), result: AuditReport },
  /**
   * Turn an strace log (`strace -f -o FILE`, with or without -y/-tt/-T) into a saved run, so the
   * studio opens it like any run, in one request (a small log; the studio sends logs with
   * runs.importStraceChunk). Malformed lines give `error` with the line and column.
   */
  'runs.importStrace': {
    params: z.object({ fileName: z.string().min(1).max(255), text: StraceLogText }).strict(),
    result: z.union([
      z.object({ id: SavedRunId }).strict(),
      z.object({ error: z.string() }).strict(),
    ]),
  },
  /**
   * An strace log of any size, a piece at a time (each piece fits in one web-mode message), read
   * and saved as a run while it arrives. The first piece names the file (`size`: its size in
   * bytes when known, never less than its characters: a log too large is refused before it is
   * sent) and gets the
   * `uploadId` the next pieces carry, each with `offset` (the characters sent before it); the
   * piece with `final: true` ends the log and gets the saved run's `id`. A malformed line ends
   * the import with `error` (`FILE:LINE:COL: error: message`). The backend holds a few imports at
   * a time per client and drops one that waits too long for its next piece. Pointer arguments
   * that strace shows as what they point at (strings, structs) are 0 in the trace; path strings
   * and `strace -y` fd paths become the events' `strings` and `fds`.
   */
  'runs.importStraceChunk': {
    params: z.union([
      z
        .object({
          fileName: z.string().min(1).max(255),
          size: z.number().int().nonnegative().optional(),
          text: StraceChunkText,
          final: z.boolean(),
        })
        .strict(),
      z
        .object({
          uploadId: StraceUploadId,
          offset: z.number().int().nonnegative(),
          text: StraceChunkText,
          final: z.boolean(),
        })
        .strict(),
    ]),
    result: z.union([
      z.object({ uploadId: StraceUploadId, received: z.number().int().nonnegative() }).strict(),
      z.object({ id: SavedRunId }).strict(),
      z.object({ error: z.string() }).strict(),
    ]),
  },
  /** Drop an import under way (the user cancelled it); nothing is saved. */
  'runs.cancelStraceImport': {
    params: z.object({ uploadId: StraceUploadId }).strict(),
    result: z.object({}),
  },
  /**
   * Compile a lesson's target program (C, on first use, cached) and give its absolute path for
   * the lesson's policy; `error` says why not (no C compiler, a compile error).
   */
  'lessons.prepare': {
    params: z.object({ id: LessonId }).strict(),
    result: z.union([
      z.object({ path: z.string() }).strict(),
      z.object({ error: z.string() }).strict(),
    ]),
  },
} as const;

export type RequestMethod = keyof typeof requests;
export type RequestParams<M extends RequestMethod> = z.infer<(typeof requests)[M]['params']>;
export type RequestResult<M extends RequestMethod> = z.infer<(typeof requests)[M]['result']>;

export const RunState = z.enum(['starting', 'running', 'stopping', 'exited', 'failed']);
export type RunState = z.infer<typeof RunState>;

export const events = {
  /** Events of a run, batched: one message carries everything since the last one. */
  'run.events': z.object({ runId: RunId, events: z.array(TraceEvent) }),
  'run.state': z.object({
    runId: RunId,
    mode: RunMode,
    state: RunState,
    message: z.string().optional(),
  }),
} as const;

export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;

/** Wire format of the web-mode socket (the preload uses the same request/event shapes). */
export const ClientMessage = z.object({
  kind: z.literal('request'),
  id: z.number().int().nonnegative(),
  method: z.string().max(64),
  params: z.unknown(),
});
export type ClientMessage = z.infer<typeof ClientMessage>;

export type ServerMessage =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: string }
  | { kind: 'event'; name: EventName; payload: unknown };

export function isRequestMethod(method: string): method is RequestMethod {
  return Object.hasOwn(requests, method);
}

/**
 * Validate an untrusted request. Returns the parsed params, or an error message that names the
 * offending field; never throws.
 */
export function parseRequest(
  method: string,
  params: unknown,
): { ok: true; method: RequestMethod; params: unknown } | { ok: false; error: string } {
  if (!isRequestMethod(method))
    return { ok: false, error: `unknown method ${JSON.stringify(method)}` };
  const parsed = requests[method].params.safeParse(params ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'params';
    return {
      ok: false,
      error: `invalid ${method} request: ${where}: ${issue?.message ?? 'invalid'}`,
    };
  }
  return { ok: true, method, params: parsed.data };
}

/** The backend's side of the contract: implemented once in main/, served by both transports. */
export type BackendHandlers = {
  [M in RequestMethod]: (params: RequestParams<M>) => Promise<RequestResult<M>>;
};

/** The renderer's side of the contract: what a transport (preload or WebSocket) provides. */
export interface BackendClient {
  invoke<M extends RequestMethod>(method: M, params: RequestParams<M>): Promise<RequestResult<M>>;
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
}
