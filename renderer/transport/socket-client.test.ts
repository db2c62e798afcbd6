import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionStatus } from './connection';
import { createSocketClient, type SocketLike } from './socket-client';

type Listener = (event: never) => void;

/** An in-memory socket: the test plays the backend's side. */
class FakeSocket implements SocketLike {
  readyState = 0;
  readonly sent: unknown[] = [];
  readonly listeners = new Map<string, Listener[]>();

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.emit('close', { code: 1000, reason: '' });
  }
  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  emit(type: string, event: unknown = {}): void {
    if (type === 'open') this.readyState = 1;
    if (type === 'close') this.readyState = 3;
    for (const l of this.listeners.get(type) ?? []) (l as (e: unknown) => void)(event);
  }
  serverSends(message: unknown): void {
    this.emit('message', { data: JSON.stringify(message) });
  }
}

const HOST = { kind: 'web', nativeDialogs: false, version: '1.0.0' };

describe('socket client', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('queues requests until the socket opens, then matches responses by id', async () => {
    const socket = new FakeSocket();
    const statuses: ConnectionStatus[] = [];
    const client = createSocketClient(socket, (s) => statuses.push(s));
    const info = client.invoke('host.info', {});
    expect(socket.sent).toEqual([]);
    socket.emit('open');
    expect(socket.sent).toEqual([{ kind: 'request', id: 1, method: 'host.info', params: {} }]);
    socket.serverSends({ kind: 'response', id: 1, ok: true, result: HOST });
    await expect(info).resolves.toEqual(HOST);
    expect(statuses).toEqual(['connecting', 'connected']);
  });

  it('rejects with the backend error message', async () => {
    const socket = new FakeSocket();
    socket.emit('open');
    const client = createSocketClient(socket);
    const start = client.invoke('run.start', { mode: 'learn', policyText: 'x' });
    socket.serverSends({ kind: 'response', id: 1, ok: false, error: 'the policy has errors' });
    await expect(start).rejects.toThrow('the policy has errors');
  });

  it('rejects a result that breaks the contract', async () => {
    const socket = new FakeSocket();
    socket.emit('open');
    const client = createSocketClient(socket);
    const start = client.invoke('run.start', { mode: 'learn', policyText: 'x' });
    socket.serverSends({ kind: 'response', id: 1, ok: true, result: { runId: 5 } });
    await expect(start).rejects.toThrow(/invalid run.start result: runId/);
  });

  it('delivers valid events and drops invalid ones with a warning', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const socket = new FakeSocket();
    socket.emit('open');
    const client = createSocketClient(socket);
    const states: unknown[] = [];
    const stop = client.on('run.state', (p) => states.push(p));
    const valid = { runId: 'r1', mode: 'learn', state: 'running' };
    socket.serverSends({ kind: 'event', name: 'run.state', payload: valid });
    socket.serverSends({ kind: 'event', name: 'run.state', payload: { runId: 'r1' } });
    socket.serverSends({ kind: 'event', name: 'run.nope', payload: {} });
    socket.emit('message', { data: 'garbage' });
    expect(states).toEqual([valid]);
    expect(warn).toHaveBeenCalledTimes(3);
    stop();
    socket.serverSends({ kind: 'event', name: 'run.state', payload: valid });
    expect(states).toHaveLength(1);
  });

  it('validates every event of a run.events batch', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const socket = new FakeSocket();
    socket.emit('open');
    const client = createSocketClient(socket);
    const batches: unknown[] = [];
    client.on('run.events', (p) => batches.push(p));
    socket.serverSends({
      kind: 'event',
      name: 'run.events',
      payload: { runId: 'r', events: [{ type: 'stdout', t: 0, data: 'x' }, { type: 'bogus' }] },
    });
    expect(batches).toEqual([]);
  });

  it('fails outstanding and later requests once the socket closes', async () => {
    const socket = new FakeSocket();
    const statuses: [ConnectionStatus, string | undefined][] = [];
    const client = createSocketClient(socket, (s, d) => statuses.push([s, d]));
    socket.emit('open');
    const pending = client.invoke('files.list', {});
    socket.emit('close', { code: 1006, reason: '' });
    await expect(pending).rejects.toThrow('files.list: the connection to the backend closed');
    await expect(client.invoke('host.info', {})).rejects.toThrow('not connected');
    expect(statuses.at(-1)).toEqual(['disconnected', 'code 1006']);
  });
});
