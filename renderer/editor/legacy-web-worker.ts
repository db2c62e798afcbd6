import { monaco } from './monaco';

/** The worker options of Monaco before 0.55, which monaco-yaml 5 (via monaco-worker-manager) uses. */
export interface LegacyWebWorkerOptions {
  readonly label?: string;
  readonly moduleId?: string;
  readonly createData?: unknown;
  readonly host?: Record<string, (...args: never[]) => unknown>;
  readonly keepIdleModels?: boolean;
}

/**
 * Monaco 0.57's `editor.createWebWorker` takes a ready Worker instead of a label and create data.
 * This is the bridge its own language services use (monaco-editor/internal/common/workers), kept
 * here because importing that module would pull every editor contribution into the bundle: get
 * the worker from MonacoEnvironment, then send the two messages a monaco-worker-manager worker
 * expects before the RPC starts (a wake-up, then its create data).
 */
export function createLegacyWebWorker(
  options: LegacyWebWorkerOptions,
): monaco.editor.MonacoWebWorker<object> {
  const environment = self.MonacoEnvironment;
  if (!environment?.getWorker) throw new Error('MonacoEnvironment.getWorker is not installed');
  const label = options.label ?? 'monaco-editor-worker';
  const worker = Promise.resolve(environment.getWorker('workerMain.js', label)).then((w) => {
    w.postMessage('ignore');
    w.postMessage(options.createData);
    return w;
  });
  return monaco.editor.createWebWorker({
    worker,
    ...(options.host ? { host: options.host as Record<string, () => unknown> } : {}),
    ...(options.keepIdleModels !== undefined ? { keepIdleModels: options.keepIdleModels } : {}),
  });
}

/** The monaco module as monaco-yaml expects it: the same, with the older createWebWorker. */
export function monacoForLegacyPlugins(): typeof monaco {
  const editor = Object.assign(Object.create(monaco.editor) as typeof monaco.editor, {
    createWebWorker: createLegacyWebWorker,
  });
  return { ...monaco, editor };
}
