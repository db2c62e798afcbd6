import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { STRACE_CHUNK_MAX_CHARS, WEB_MAX_MESSAGE_BYTES } from '../../app/api/contract';
import type { TraceEvent } from '../../app/trace/events';
import { startWebServer, type WebServer } from '../web/server';

/*
 * runs.importStrace and runs.importStraceChunk over web mode's real WebSocket: the log is saved
 * where the studio lists runs; the size limit for requests (WEB_MAX_MESSAGE_BYTES) is exactly
 * what the server accepts, one byte more and the server closes the socket; a log many times
 * larger goes in pieces.
 */

const LOG = `400 execve("/usr/bin/true", ["true"], 0x7ffd /* 3 vars */) = 0
400 exit_group(0) = ?
400 +++ exited with 0 +++
`;

let workspace: string;
let renderer: string;
let server: WebServer;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'studio-strace-web-'));
  renderer = await mkdtemp(join(tmpdir(), 'studio-strace-ui-'));
  await writeFile(join(renderer, 'index.html'), '<!doctype html><title>studio</title>');
  server = await startWebServer({ workspace, rendererDir: renderer });
});
afterAll(async () => {
  await server.close();
  await rm(workspace, { recursive: true, force: true });
  await rm(renderer, { recursive: true, force: true });
});

interface Reply {
  ok: boolean;
  result?: unknown;
  error?: string;
}

function connect(): Promise<WebSocket> {
  const socket = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, {
    origin: `http://127.0.0.1:${server.port}`,
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () => resolve(socket));
  });
}

/** Sends one request as exactly these bytes; resolves with the reply or the close code. */
function send(socket: WebSocket, frame: string): Promise<Reply | { closed: number }> {
  return new Promise((resolve) => {
    socket.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()) as Reply));
    socket.once('close', (code) => resolve({ closed: code }));
    socket.send(frame);
  });
}

function frameOf(id: number, params: unknown, method = 'runs.importStrace'): string {
  return JSON.stringify({ kind: 'request', id, method, params });
}

async function request(socket: WebSocket, id: number, method: string, params: unknown) {
  const frame = frameOf(id, params, method);
  expect(Buffer.byteLength(frame)).toBeLessThanOrEqual(WEB_MAX_MESSAGE_BYTES);
  const reply = await send(socket, frame);
  if (!('ok' in reply) || !reply.ok) throw new Error(JSON.stringify(reply));
  return reply.result as Record<string, unknown>;
}

/** A request of exactly `bytes` bytes: a log of `x`s (which the backend refuses as malformed). */
function frameOfSize(bytes: number): string {
  const base = Buffer.byteLength(frameOf(1, { fileName: 'big.log', text: '' }));
  return frameOf(1, { fileName: 'big.log', text: 'x'.repeat(bytes - base) });
}

describe('runs.importStrace in web mode', () => {
  it('saves the log in the workspace runs folder and lists it', async () => {
    const socket = await connect();
    const reply = await send(socket, frameOf(1, { fileName: 'true.log', text: LOG }));
    expect(reply).toMatchObject({ ok: true, result: { id: expect.any(String) } });
    const { id } = (reply as { result: { id: string } }).result;
    const listed = await send(
      socket,
      JSON.stringify({ kind: 'request', id: 2, method: 'runs.list', params: {} }),
    );
    expect(listed).toMatchObject({
      ok: true,
      result: { runs: [{ id, importedFrom: { format: 'strace', fileName: 'true.log' } }] },
    });
    socket.close();
  });

  it('accepts a request of WEB_MAX_MESSAGE_BYTES and closes on one byte more', async () => {
    const socket = await connect();
    const largest = frameOfSize(WEB_MAX_MESSAGE_BYTES);
    expect(Buffer.byteLength(largest)).toBe(WEB_MAX_MESSAGE_BYTES);
    const reply = await send(socket, largest);
    expect(reply).toMatchObject({
      ok: true,
      result: { error: expect.stringMatching(/^big\.log:1:1: error: not a line of strace output/) },
    });
    expect(await send(socket, frameOfSize(WEB_MAX_MESSAGE_BYTES + 1))).toEqual({ closed: 1009 });
  });
});

describe('runs.importStraceChunk in web mode', () => {
  it('imports a log several times larger than one message, in pieces', async () => {
    const line =
      '400 openat(AT_FDCWD</tmp>, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3</etc/ld.so.cache>\n';
    const log = LOG.replace('400 exit_group', `${line.repeat(75_000)}400 exit_group`);
    expect(log.length).toBeGreaterThan(3 * WEB_MAX_MESSAGE_BYTES);
    const socket = await connect();
    let id = 10;
    let uploadId: unknown;
    for (let offset = 0; offset < log.length; offset += STRACE_CHUNK_MAX_CHARS) {
      const text = log.slice(offset, offset + STRACE_CHUNK_MAX_CHARS);
      const params =
        uploadId === undefined
          ? { fileName: 'big.log', size: log.length, text, final: false }
          : { uploadId, offset, text, final: false };
      const result = await request(socket, id++, 'runs.importStraceChunk', params);
      expect(result).toEqual({ uploadId: expect.any(String), received: offset + text.length });
      uploadId = result.uploadId;
    }
    const done = await request(socket, id++, 'runs.importStraceChunk', {
      uploadId,
      offset: log.length,
      text: '',
      final: true,
    });
    const runId = done.id as string;
    const page = await request(socket, id++, 'runs.open', { id: runId });
    const events = page.events as TraceEvent[];
    expect(events.filter((e) => e.type === 'syscall' && e.name === 'openat')[0]).toMatchObject({
      strings: { '1': '/etc/ld.so.cache' },
      fds: { '0': '/tmp' },
    });
    const summary = await request(socket, id, 'runs.summary', { id: runId });
    expect(summary).toMatchObject({ complete: true, summary: { events: 75_000 + 4 } });
    socket.close();
  });
});
