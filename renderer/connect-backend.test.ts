import { describe, expect, it } from 'vitest';
import type { BackendClient, RequestMethod } from '../app/api/contract';
import { includeFetcher } from './connect-backend';

function client(answer: (params: unknown) => unknown, calls: unknown[] = []): BackendClient {
  return {
    invoke: (method: RequestMethod, params: unknown) => {
      calls.push({ method, params });
      return Promise.resolve(answer(params)) as never;
    },
    on: () => () => undefined,
  };
}

describe('includeFetcher', () => {
  it('asks files.readInclude and answers the text or the reason', async () => {
    const calls: unknown[] = [];
    const text = includeFetcher(client(() => ({ text: 'version: 1\n' }), calls));
    expect(await text('h1', 'lib/base.yaml')).toBe('version: 1\n');
    expect(calls).toEqual([
      { method: 'files.readInclude', params: { handle: 'h1', path: 'lib/base.yaml' } },
    ]);
    const refused = includeFetcher(client(() => ({ error: 'not a .yaml or .yml file' })));
    expect(await refused('h1', 'x')).toEqual({ error: 'not a .yaml or .yml file' });
  });
});
