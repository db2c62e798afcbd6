import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPreloadClient, isPreloadBridge, type PreloadBridge } from './preload-client';

describe('preload client', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('recognizes the bridge Electron exposes', () => {
    expect(isPreloadBridge({ invoke: () => undefined, on: () => undefined })).toBe(true);
    expect(isPreloadBridge(undefined)).toBe(false);
    expect(isPreloadBridge({ invoke: 1, on: () => undefined })).toBe(false);
  });

  it('invokes through the bridge and validates the result', async () => {
    const bridge: PreloadBridge = {
      invoke: vi.fn(async (method: string) =>
        method === 'run.start' ? { runId: 'r1' } : { files: 'nope' },
      ),
      on: () => () => undefined,
    };
    const client = createPreloadClient(bridge);
    await expect(client.invoke('run.start', { mode: 'check', policyText: 't' })).resolves.toEqual({
      runId: 'r1',
    });
    expect(bridge.invoke).toHaveBeenCalledWith('run.start', { mode: 'check', policyText: 't' });
    await expect(client.invoke('files.list', {})).rejects.toThrow(/invalid files.list result/);
  });

  it('passes on valid events only', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    let deliver: (payload: unknown) => void = () => undefined;
    const off = vi.fn();
    const bridge: PreloadBridge = {
      invoke: async () => undefined,
      on: (_name, listener) => {
        deliver = listener;
        return off;
      },
    };
    const seen: unknown[] = [];
    const unsubscribe = createPreloadClient(bridge).on('run.state', (p) => seen.push(p));
    deliver({ runId: 'r', mode: 'learn', state: 'starting' });
    deliver({ runId: 'r', mode: 'learn', state: 'confused' });
    expect(seen).toEqual([{ runId: 'r', mode: 'learn', state: 'starting' }]);
    unsubscribe();
    expect(off).toHaveBeenCalled();
  });
});
