import { describe, expect, it } from 'vitest';
import { IncludeCache, INCLUDE_LOADING, type IncludeResult } from './include-cache';

/** A backend whose answers the test releases one by one. */
function scriptedBackend() {
  const requests: {
    handle: string;
    path: string;
    answer: (result: IncludeResult) => Promise<void>;
    fail: (error: Error) => Promise<void>;
  }[] = [];
  const cache = new IncludeCache(
    (handle, path) =>
      new Promise((resolve, reject) => {
        // Resolving settles the cache in a microtask: the helpers wait for it.
        const settled = () => new Promise<void>((done) => setTimeout(done, 0));
        requests.push({
          handle,
          path,
          answer: (result) => (resolve(result), settled()),
          fail: (error) => (reject(error), settled()),
        });
      }),
  );
  const changes: string[] = [];
  cache.subscribe((handle) => changes.push(handle));
  return { cache, requests, changes };
}

describe('IncludeCache', () => {
  it('answers "loading" for a new file, fetches it once, then answers its text', async () => {
    const { cache, requests, changes } = scriptedBackend();
    const read = cache.reader('h1');
    expect(read('base.yaml')).toEqual({ error: INCLUDE_LOADING });
    expect(read('base.yaml')).toEqual({ error: INCLUDE_LOADING });
    expect(requests.map((r) => [r.handle, r.path])).toEqual([['h1', 'base.yaml']]);
    await requests[0]!.answer('version: 1\n');
    expect(changes).toEqual(['h1']);
    expect(read('base.yaml')).toBe('version: 1\n');
    expect(requests).toHaveLength(1);
  });

  it("keeps the backend's refusals as answers", async () => {
    const { cache, requests } = scriptedBackend();
    const read = cache.reader('h1');
    read('/etc/passwd');
    await requests[0]!.answer({ error: 'not a .yaml or .yml file' });
    expect(read('/etc/passwd')).toEqual({ error: 'not a .yaml or .yml file' });
    expect(requests).toHaveLength(1);
  });

  it('keeps the files of each document apart', async () => {
    const { cache, requests } = scriptedBackend();
    cache.reader('h1')('base.yaml');
    cache.reader('h2')('base.yaml');
    expect(requests.map((r) => r.handle)).toEqual(['h1', 'h2']);
    await requests[0]!.answer('one');
    await requests[1]!.answer('two');
    expect(cache.reader('h1')('base.yaml')).toBe('one');
    expect(cache.reader('h2')('base.yaml')).toBe('two');
  });

  it('after invalidate, answers the old text while fetching the file again', async () => {
    const { cache, requests, changes } = scriptedBackend();
    const read = cache.reader('h1');
    read('base.yaml');
    await requests[0]!.answer('old');
    cache.invalidate('h1');
    expect(read('base.yaml')).toBe('old');
    expect(read('base.yaml')).toBe('old');
    expect(requests).toHaveLength(2);
    await requests[1]!.answer('new');
    expect(changes).toEqual(['h1', 'h1']);
    expect(read('base.yaml')).toBe('new');
  });

  it('tells nobody when a fetched-again file did not change', async () => {
    const { cache, requests, changes } = scriptedBackend();
    const read = cache.reader('h1');
    read('base.yaml');
    await requests[0]!.answer('same');
    cache.invalidate('h1');
    read('base.yaml');
    await requests[1]!.answer('same');
    expect(changes).toEqual(['h1']);
  });

  it('fetches again when invalidated while an answer was on its way', async () => {
    const { cache, requests } = scriptedBackend();
    const read = cache.reader('h1');
    read('base.yaml');
    cache.invalidate('h1');
    read('base.yaml'); // still loading: no second request yet
    expect(requests).toHaveLength(1);
    await requests[0]!.answer('maybe old');
    expect(read('base.yaml')).toBe('maybe old');
    expect(requests).toHaveLength(2);
    await requests[1]!.answer('current');
    expect(read('base.yaml')).toBe('current');
  });

  it('turns a failed request into an error and asks again at the next read', async () => {
    const { cache, requests, changes } = scriptedBackend();
    const read = cache.reader('h1');
    read('base.yaml');
    await requests[0]!.fail(new Error('disconnected'));
    expect(changes).toEqual(['h1']);
    expect(read('base.yaml')).toEqual({ error: 'cannot reach the backend: disconnected' });
    expect(requests).toHaveLength(2);
    // The same failure again is no news: no listener call, so no parse loop.
    await requests[1]!.fail(new Error('disconnected'));
    expect(changes).toEqual(['h1']);
    read('base.yaml');
    await requests[2]!.answer('back');
    expect(read('base.yaml')).toBe('back');
  });

  it('stops telling a listener that unsubscribed', async () => {
    const { cache, requests } = scriptedBackend();
    const heard: string[] = [];
    const unsubscribe = cache.subscribe((handle) => heard.push(handle));
    unsubscribe();
    cache.reader('h1')('base.yaml');
    await requests[0]!.answer('x');
    expect(heard).toEqual([]);
  });

  it('ignores invalidating a document it has no files of', () => {
    const { cache } = scriptedBackend();
    expect(() => cache.invalidate('unknown')).not.toThrow();
  });
});
