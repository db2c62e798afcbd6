/**
 * Where Monaco finds its web workers: two files of our own bundle (scripts/build-renderer.mjs),
 * never a CDN or a blob built from a string, so the page's CSP (`worker-src 'self'`) holds.
 * monaco-yaml asks for the label `yaml`; everything else uses Monaco's generic editor worker.
 */
export function installMonacoEnvironment(): void {
  self.MonacoEnvironment = {
    getWorker(_workerId: string, label: string): Worker {
      return new Worker(workerScript(label), { name: label });
    },
  };
}

export function workerScript(label: string): string {
  return label === 'yaml' ? './yaml.worker.js' : './editor.worker.js';
}
