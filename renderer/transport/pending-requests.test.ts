import { describe, expect, it } from 'vitest';
import { PendingRequests } from './pending-requests';

describe('PendingRequests', () => {
  it('gives each request its own id and settles it by id', async () => {
    const pending = new PendingRequests();
    const a = pending.open('host.info');
    const b = pending.open('files.list');
    expect(a.id).not.toBe(b.id);
    expect(pending.settle({ id: b.id, ok: true, result: 'B' })).toBe(true);
    expect(pending.settle({ id: a.id, ok: false, error: 'nope' })).toBe(true);
    await expect(b.result).resolves.toBe('B');
    await expect(a.result).rejects.toThrow('nope');
    expect(pending.size).toBe(0);
  });

  it('ignores responses nobody waits for', () => {
    const pending = new PendingRequests();
    expect(pending.settle({ id: 99, ok: true, result: null })).toBe(false);
  });

  it('fails every outstanding request with the method named', async () => {
    const pending = new PendingRequests();
    const a = pending.open('run.start');
    pending.failAll('the connection closed');
    await expect(a.result).rejects.toThrow('run.start: the connection closed');
    expect(pending.size).toBe(0);
  });
});
