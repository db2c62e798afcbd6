import { afterEach, describe, expect, it, vi } from 'vitest';
import { installMonacoEnvironment, workerScript } from './environment';

describe('Monaco environment', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('serves both workers from the bundle', () => {
    expect(workerScript('yaml')).toBe('./yaml.worker.js');
    expect(workerScript('editorWorkerService')).toBe('./editor.worker.js');
    expect(workerScript('anything')).toBe('./editor.worker.js');
  });

  it('creates workers from those files', () => {
    const created: unknown[] = [];
    vi.stubGlobal('self', globalThis);
    vi.stubGlobal(
      'Worker',
      class {
        constructor(...args: unknown[]) {
          created.push(args);
        }
      },
    );
    installMonacoEnvironment();
    globalThis.MonacoEnvironment?.getWorker?.('workerMain.js', 'yaml');
    expect(created).toEqual([['./yaml.worker.js', { name: 'yaml' }]]);
  });
});
