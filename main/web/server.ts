import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { ClientMessage, WEB_MAX_MESSAGE_BYTES, type ServerMessage } from '../../app/api/contract';
import { createWorkspaceFiles, type FilesService } from '../backend/files-service';
import { createBackendHandlers, dispatchRequest } from '../backend/handlers';
import { RunRecorder } from '../backend/run-recorder';
import { RunService } from '../backend/run-service';
import { SavedRuns } from '../backend/saved-runs';
import { StraceUploads } from '../backend/strace-import-uploads';
import type { StartSession } from '../backend/supervisor-loader';
import { studioVersion } from '../backend/version';
import { loopbackAddress } from './loopback';
import { securityHeaders } from './security-headers';
import { contentType, resolveStaticPath } from './static-files';

export interface WebServerOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Must be a loopback address. */
  readonly host?: string;
  /** The folder whose `*.sandbox.yaml` files the UI may open and save. */
  readonly workspace: string;
  /** The built renderer (dist/renderer). */
  readonly rendererDir: string;
  readonly loadSupervisor?: () => Promise<StartSession>;
  /** Where runs are saved; `<workspace>/.sandbox-studio/runs` when absent. */
  readonly runsDir?: string;
}

export interface WebServer {
  /** `http://127.0.0.1:PORT/?token=TOKEN`: what the user opens. */
  readonly url: string;
  readonly token: string;
  readonly port: number;
  /** Closes every socket, stops their runs and stops listening. */
  close(): Promise<void>;
}

export const API_PATH = '/api';
const HEADERS = securityHeaders({ loopbackWebSocket: true });

/**
 * Web mode: serves the renderer and the backend API (a WebSocket on /api) on the loopback
 * interface only. Any web page the user visits could reach a loopback port, so every request must
 * name us in its Host header (DNS rebinding) and the socket needs our Origin and the secret token.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const address = loopbackAddress(options.host ?? '127.0.0.1');
  const token = randomBytes(32).toString('base64url');
  const files = createWorkspaceFiles(options.workspace);
  const workspace = resolve(options.workspace);
  const runsDir = options.runsDir ?? join(workspace, '.sandbox-studio', 'runs');
  const runFiles = {
    recorder: new RunRecorder({ dir: runsDir, studioVersion: studioVersion() }),
    savedRuns: new SavedRuns(runsDir),
  };
  const clients = new Set<{ socket: WebSocket; runs: RunService }>();
  let allowedHosts = new Set<string>();

  const http = createServer((req, res) => {
    if (!allowedHosts.has(req.headers.host ?? '')) return refuse(res, 421, 'unknown Host');
    void serveStatic(options.rendererDir, req, res);
  });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: WEB_MAX_MESSAGE_BYTES });

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = checkUpgrade(req, allowedHosts, token);
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => {
      const client = serveClient(ws, files, workspace, options.loadSupervisor, runFiles);
      clients.add(client);
      ws.on('close', () => clients.delete(client));
    });
  });

  await listen(http, options.port ?? 0, address.bind);
  const port = (http.address() as AddressInfo).port;
  allowedHosts = new Set([`${address.urlHost}:${port}`, `localhost:${port}`]);

  return {
    url: `http://${address.urlHost}:${port}/?token=${token}`,
    token,
    port,
    async close() {
      for (const client of clients) client.socket.terminate();
      await Promise.all([...clients].map((c) => c.runs.dispose()));
      sockets.close();
      http.closeAllConnections();
      await new Promise<void>((done) => http.close(() => done()));
    },
  };
}

/** The status line to refuse a WebSocket upgrade with, or undefined when it is ours. */
function checkUpgrade(
  req: IncomingMessage,
  allowedHosts: ReadonlySet<string>,
  token: string,
): string | undefined {
  const url = new URL(req.url ?? '/', 'http://placeholder');
  if (url.pathname !== API_PATH) return '404 Not Found';
  const host = req.headers.host ?? '';
  if (!allowedHosts.has(host)) return '403 Forbidden';
  const origin = req.headers.origin ?? '';
  if (![...allowedHosts].some((h) => origin === `http://${h}`)) return '403 Forbidden';
  if (!sameSecret(url.searchParams.get('token') ?? '', token)) return '403 Forbidden';
  return undefined;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function serveClient(
  socket: WebSocket,
  files: FilesService,
  workspace: string,
  loadSupervisor: (() => Promise<StartSession>) | undefined,
  runFiles: { recorder: RunRecorder; savedRuns: SavedRuns },
): { socket: WebSocket; runs: RunService } {
  const send = (message: ServerMessage): void => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  const runs = new RunService({
    emit: (name, payload) => send({ kind: 'event', name, payload }),
    ...(loadSupervisor ? { loadSupervisor } : {}),
    recorder: runFiles.recorder,
  });
  // One client's unfinished strace uploads go with it.
  const straceUploads = new StraceUploads({
    dir: runFiles.savedRuns.dir,
    studioVersion: studioVersion(),
  });
  const handlers = createBackendHandlers({
    host: { kind: 'web', nativeDialogs: false, workspace, version: studioVersion() },
    files,
    runs,
    savedRuns: runFiles.savedRuns,
    straceUploads,
  });

  socket.on('message', (data: RawData, isBinary: boolean) => {
    const request = isBinary ? undefined : parseClientMessage(data);
    if (!request) {
      socket.close(1008, 'invalid message: expected a JSON request');
      return;
    }
    if ('error' in request) {
      send({ kind: 'response', id: request.id, ok: false, error: request.error });
      return;
    }
    void dispatchRequest(handlers, request.method, request.params).then((outcome) =>
      send({ kind: 'response', id: request.id, ...outcome }),
    );
  });
  socket.on('error', () => socket.terminate()); // e.g. a message over the size limit
  socket.on('close', () => {
    void runs.dispose();
    void straceUploads.discardAll();
  });
  return { socket, runs };
}

type ParsedMessage = ClientMessage | { id: number; error: string };

/** A valid request, an error for a request we can answer (it has an id), or undefined. */
function parseClientMessage(data: RawData): ParsedMessage | undefined {
  let json: unknown;
  try {
    json = JSON.parse(rawText(data));
  } catch {
    return undefined;
  }
  const parsed = ClientMessage.safeParse(json);
  if (parsed.success) return parsed.data;
  const id = (json as { id?: unknown } | null)?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return undefined;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'message';
  return { id, error: `invalid request message: ${where}: ${issue?.message ?? 'invalid'}` };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return refuse(res, 405, 'method not allowed');
  }
  const path = resolveStaticPath(root, new URL(req.url ?? '/', 'http://placeholder').pathname);
  const info = path ? await stat(path).catch(() => undefined) : undefined;
  if (!path || !info?.isFile()) {
    const built = await stat(root).catch(() => undefined);
    if (!built) return refuse(res, 503, 'the renderer is not built: run `npm run build` first');
    return refuse(res, 404, 'not found');
  }
  res.writeHead(200, {
    ...HEADERS,
    'Content-Type': contentType(path),
    'Content-Length': info.size,
    'Cache-Control': path.endsWith('.html') ? 'no-store' : 'no-cache',
  });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(path)
    .on('error', () => res.destroy())
    .pipe(res);
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { ...HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${message}\n`);
}

function listen(
  server: ReturnType<typeof createServer>,
  port: number,
  host: string,
): Promise<void> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      done();
    });
  });
}
