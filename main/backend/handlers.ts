import {
  parseRequest,
  requests,
  type BackendHandlers,
  type RequestMethod,
  type RequestResult,
} from '../../app/api/contract';
import { createAuditService, type AuditService } from './audit-service';
import type { FilesService } from './files-service';
import { createLessonsService, type LessonsService } from './lessons-service';
import type { RunService } from './run-service';
import type { SavedRuns } from './saved-runs';
import { importStraceRun } from './strace-import';
import { StraceUploads } from './strace-import-uploads';

export interface HostInfo {
  readonly kind: 'electron' | 'web';
  readonly nativeDialogs: boolean;
  readonly workspace?: string;
  readonly version: string;
}

export interface BackendDeps {
  readonly host: HostInfo;
  readonly files: FilesService;
  readonly runs: Pick<RunService, 'start' | 'stop'>;
  /** The runs folder; without it the runs.* requests fail (nothing is saved). */
  readonly savedRuns?: Pick<SavedRuns, 'dir' | 'list' | 'open' | 'summary' | 'export'>;
  /** The audit view's /proc and ptrace reader; the real one when absent. */
  readonly audit?: AuditService;
  /** Builds lesson programs; the real one (system C compiler, user cache) when absent. */
  readonly lessons?: LessonsService;
  /**
   * This client's strace imports under way (runs.importStraceChunk); one in the runs folder when
   * absent. A host that passes its own can drop them when the client goes: discardAll().
   */
  readonly straceUploads?: StraceUploads;
}

/** Every request of the contract, served by the file and run services of one client. */
export function createBackendHandlers({
  host,
  files,
  runs,
  savedRuns,
  audit = createAuditService(),
  lessons = createLessonsService(),
  straceUploads,
}: BackendDeps): BackendHandlers {
  const saved = () => {
    if (!savedRuns) throw new Error('this studio does not save runs (it has no runs folder)');
    return savedRuns;
  };
  let uploads = straceUploads;
  const straceImports = () =>
    (uploads ??= new StraceUploads({ dir: saved().dir, studioVersion: host.version }));
  return {
    'host.info': () => Promise.resolve({ ...host }),
    'files.openDialog': async () => ({ file: await files.openDialog() }),
    'files.list': async () => ({ files: [...(await files.list())] }),
    'files.read': ({ handle }) => files.read(handle),
    'files.save': ({ handle, text }) => files.save(handle, text),
    'files.saveAs': async ({ text, suggestedName }) => ({
      file: await files.saveAs(text, suggestedName),
    }),
    'files.readInclude': ({ handle, path }) => files.readInclude(handle, path),
    // Resolved before the run service sees it: a forged handle fails the request.
    'run.start': ({ mode, policyText, handle }) =>
      runs.start(mode, policyText, handle === undefined ? undefined : files.includeSource(handle)),
    'run.stop': async ({ runId }) => {
      await runs.stop(runId);
      return {};
    },
    'runs.list': async () => saved().list(),
    'runs.open': async ({ id, cursor }) => saved().open(id, cursor),
    'runs.summary': async ({ id }) => saved().summary(id),
    'runs.export': async ({ id, offset }) => saved().export(id, offset),
    'runs.importStrace': async (params) =>
      importStraceRun(params, { dir: saved().dir, studioVersion: host.version }),
    'runs.importStraceChunk': async (params) => straceImports().chunk(params),
    'runs.cancelStraceImport': async ({ uploadId }) => {
      await straceImports().cancel(uploadId);
      return {};
    },
    'audit.processes': async () => ({ processes: await audit.processes() }),
    'audit.inspect': ({ pid }) => audit.inspect(pid),
    'lessons.prepare': ({ id }) => lessons.prepare(id),
  };
}

export type DispatchResult = { ok: true; result: unknown } | { ok: false; error: string };

/**
 * Validates an untrusted request against the contract and runs its handler. Never throws: bad
 * input and failures become an error message for the client.
 */
export async function dispatchRequest(
  handlers: BackendHandlers,
  method: string,
  params: unknown,
): Promise<DispatchResult> {
  const request = parseRequest(method, params);
  if (!request.ok) return { ok: false, error: request.error };
  try {
    const result = await invoke(handlers, request.method, request.params);
    // The contract binds the backend too: a malformed result is a bug, reported rather than sent.
    const checked = requests[request.method].result.safeParse(result);
    if (!checked.success) {
      return { ok: false, error: `internal error: ${request.method} produced an invalid result` };
    }
    return { ok: true, result: checked.data };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

function invoke<M extends RequestMethod>(
  handlers: BackendHandlers,
  method: M,
  params: unknown,
): Promise<RequestResult<M>> {
  // parseRequest validated `params` against this method's schema.
  const handler = handlers[method] as (p: unknown) => Promise<RequestResult<M>>;
  return handler(params);
}
