import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { projectRoot } from '../paths';
import { startWebServer, type WebServer } from './server';

let workspace: string;
let renderer: string;
let server: WebServer;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'studio-web-ws-'));
  renderer = await mkdtemp(join(tmpdir(), 'studio-web-ui-'));
  await writeFile(join(workspace, 'hello.sandbox.yaml'), 'version: 1\nname: hello\n');
  await mkdir(join(workspace, 'nested'));
  await writeFile(join(workspace, 'nested', 'deep.sandbox.yaml'), 'version: 1\n');
  await writeFile(join(renderer, 'index.html'), '<!doctype html><title>studio</title>');
  await writeFile(join(renderer, 'app.js'), 'console.log(1)');
  await writeFile(join(workspace, 'secret.txt'), 'secret');
  server = await startWebServer({ workspace, rendererDir: renderer });
});

afterAll(async () => {
  await server.close();
  await rm(workspace, { recursive: true, force: true });
  await rm(renderer, { recursive: true, force: true });
});

interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(path: string, host = `127.0.0.1:${server.port}`): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path, headers: { Host: host } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

interface Connection {
  socket: WebSocket;
  call(
    method: string,
    params?: unknown,
  ): Promise<{ ok: boolean; result?: unknown; error?: string }>;
  events: { name: string; payload: unknown }[];
}

function connect(
  options: { token?: string; origin?: string; host?: string } = {},
): Promise<Connection> {
  const origin = options.origin ?? `http://127.0.0.1:${server.port}`;
  const url = `ws://127.0.0.1:${server.port}/api?token=${options.token ?? server.token}`;
  const socket = new WebSocket(url, {
    origin,
    ...(options.host ? { headers: { Host: options.host } } : {}),
  });
  return new Promise((resolve, reject) => {
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.once('error', reject);
    socket.once('open', () => {
      let nextId = 1;
      const pending = new Map<
        number,
        (reply: { ok: boolean; result?: unknown; error?: string }) => void
      >();
      const events: { name: string; payload: unknown }[] = [];
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as {
          kind: string;
          id: number;
          ok: boolean;
          name: string;
          payload: unknown;
        };
        if (message.kind === 'response') pending.get(message.id)?.(message);
        else events.push({ name: message.name, payload: message.payload });
      });
      resolve({
        socket,
        events,
        call(method, params = {}) {
          const id = nextId++;
          socket.send(JSON.stringify({ kind: 'request', id, method, params }));
          return new Promise((done) => pending.set(id, done));
        },
      });
    });
  });
}

describe('web server: HTTP', () => {
  it('serves the renderer with security headers', async () => {
    const index = await get('/?token=whatever');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>studio</title>');
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['cache-control']).toBe('no-store');
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers['referrer-policy']).toBe('no-referrer');
    expect(index.headers['content-security-policy']).toContain(
      "default-src 'self'; script-src 'self'",
    );
    expect(index.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const script = await get('/app.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('never serves files outside the renderer folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd']) {
      const reply = await get(path);
      expect(reply.status, path).toBe(404);
      expect(reply.body).not.toContain('root:');
    }
  });

  it('refuses requests whose Host is not ours (DNS rebinding)', async () => {
    expect((await get('/', `evil.example:${server.port}`)).status).toBe(421);
    expect((await get('/', '127.0.0.1:1')).status).toBe(421);
    expect((await get('/', `localhost:${server.port}`)).status).toBe(200);
  });

  it('prints a URL with the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('web server: WebSocket access control', () => {
  it('refuses a wrong or missing token', async () => {
    await expect(connect({ token: 'x'.repeat(43) })).rejects.toThrow('HTTP 403');
    await expect(connect({ token: '' })).rejects.toThrow('HTTP 403');
  });

  it('refuses a foreign Origin', async () => {
    await expect(connect({ origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(connect({ origin: `http://127.0.0.1:${server.port + 1}` })).rejects.toThrow(
      'HTTP 403',
    );
  });

  it('refuses a foreign Host', async () => {
    await expect(connect({ host: `evil.example:${server.port}` })).rejects.toThrow('HTTP 403');
  });

  it('accepts localhost as Origin and Host', async () => {
    const c = await connect({
      origin: `http://localhost:${server.port}`,
      host: `localhost:${server.port}`,
    });
    expect((await c.call('host.info')).ok).toBe(true);
    c.socket.close();
  });
});

describe('web server: API', () => {
  it('answers host.info', async () => {
    const c = await connect();
    const reply = await c.call('host.info');
    expect(reply).toMatchObject({
      ok: true,
      result: { kind: 'web', nativeDialogs: false, workspace },
    });
    c.socket.close();
  });

  it('lists, reads and saves workspace files', async () => {
    const c = await connect();
    const listed = (await c.call('files.list')) as {
      result: { files: { handle: string; name: string }[] };
    };
    expect(listed.result.files.map((f) => f.name)).toEqual([
      'hello.sandbox.yaml',
      'nested/deep.sandbox.yaml',
    ]);
    const hello = listed.result.files[0]!;
    expect(await c.call('files.read', { handle: hello.handle })).toEqual({
      kind: 'response',
      id: 2,
      ok: true,
      result: {
        handle: hello.handle,
        name: 'hello.sandbox.yaml',
        text: 'version: 1\nname: hello\n',
      },
    });
    const saved = await c.call('files.save', {
      handle: hello.handle,
      text: 'version: 1\nname: saved\n',
    });
    expect(saved).toMatchObject({
      ok: true,
      result: { handle: hello.handle, name: 'hello.sandbox.yaml' },
    });
    expect(await readFile(join(workspace, 'hello.sandbox.yaml'), 'utf8')).toBe(
      'version: 1\nname: saved\n',
    );
    expect((await readdir(workspace)).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const created = await c.call('files.saveAs', {
      text: 'version: 1\n',
      suggestedName: 'new.sandbox.yaml',
    });
    expect(created).toMatchObject({ ok: true, result: { file: { name: 'new.sandbox.yaml' } } });
    expect(await readFile(join(workspace, 'new.sandbox.yaml'), 'utf8')).toBe('version: 1\n');
    const clash = await c.call('files.saveAs', { text: 'x', suggestedName: 'new.sandbox.yaml' });
    expect(clash).toMatchObject({
      ok: false,
      error: 'new.sandbox.yaml already exists in the workspace: choose another name',
    });
    c.socket.close();
  });

  it('refuses to save outside the workspace', async () => {
    const c = await connect();
    const reply = await c.call('files.saveAs', { text: 'x', suggestedName: '../x.sandbox.yaml' });
    expect(reply.ok).toBe(false);
    expect(reply.error).toMatch(/^invalid files.saveAs request: suggestedName: /);
    expect(existsSync(join(workspace, '..', 'x.sandbox.yaml'))).toBe(false);
    c.socket.close();
  });

  it('answers invalid requests with a clear error', async () => {
    const c = await connect();
    expect(await c.call('files.read', {})).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^invalid files.read request: handle: /) as unknown,
    });
    expect(await c.call('shell.exec', { cmd: 'id' })).toMatchObject({
      ok: false,
      error: 'unknown method "shell.exec"',
    });
    expect(await c.call('files.read', { handle: 'forged' })).toMatchObject({
      ok: false,
      error: 'unknown file handle (choose the file again)',
    });
    // A malformed envelope with an id still gets an answer.
    const answer = new Promise<unknown>((resolve) =>
      c.socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as { id?: number };
        if (message.id === 99) resolve(message);
      }),
    );
    c.socket.send(JSON.stringify({ kind: 'request', id: 99, method: 42 }));
    expect(await answer).toEqual({
      kind: 'response',
      id: 99,
      ok: false,
      error: 'invalid request message: method: Invalid input: expected string, received number',
    });
    expect(c.socket.readyState).toBe(WebSocket.OPEN);
    c.socket.close();
  });

  it('closes the socket on a message that is not a request', async () => {
    const c = await connect();
    const closed = new Promise<number>((resolve) =>
      c.socket.once('close', (code) => resolve(code)),
    );
    c.socket.send('not json');
    expect(await closed).toBe(1008);
  });

  it('closes the socket on a message over 2 MB', async () => {
    const c = await connect();
    const closed = new Promise<number>((resolve) =>
      c.socket.once('close', (code) => resolve(code)),
    );
    c.socket.send(
      JSON.stringify({
        kind: 'request',
        id: 1,
        method: 'files.save',
        params: { text: 'x'.repeat(2_200_000) },
      }),
    );
    expect(await closed).toBe(1009);
  });
});

describe('web server: binding', () => {
  it('refuses to listen on a non-loopback address', async () => {
    await expect(
      startWebServer({ host: '0.0.0.0', workspace, rendererDir: renderer }),
    ).rejects.toThrow(/only listens on a loopback address/);
    await expect(
      startWebServer({ host: '192.168.0.1', workspace, rendererDir: renderer }),
    ).rejects.toThrow(/loopback/);
  });

  it('says the renderer is not built when its folder is missing', async () => {
    const other = await startWebServer({ workspace, rendererDir: join(renderer, 'missing') });
    try {
      const reply = await new Promise<number>((resolve, reject) => {
        request({ host: '127.0.0.1', port: other.port, path: '/' }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
      expect(reply).toBe(503);
    } finally {
      await other.close();
    }
  });
});

const root = projectRoot();
const supervisorReady =
  existsSync(join(root, 'main/supervisor/session.ts')) &&
  existsSync(join(root, 'dist/main/launcher.mjs'));

describe('web server: runs', () => {
  it.skipIf(!supervisorReady)(
    'runs a policy in learn mode and streams its events and states (needs `npm run build`)',
    async () => {
      const c = await connect();
      const policy =
        'version: 1\ntarget: { command: [/bin/echo, web-run] }\nlinux:\n  seccomp:\n    default: kill-process\n    rules:\n      - allow: [write, exit_group]\n';
      const started = (await c.call('run.start', { mode: 'learn', policyText: policy })) as {
        ok: boolean;
        result: { runId: string };
      };
      expect(started.ok).toBe(true);
      const { runId } = started.result;
      const deadline = Date.now() + 30_000;
      const finished = () =>
        c.events.some(
          (e) =>
            e.name === 'run.state' &&
            ['exited', 'failed'].includes((e.payload as { state: string }).state),
        );
      while (!finished() && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      const states = c.events
        .filter((e) => e.name === 'run.state')
        .map((e) => (e.payload as { runId: string; state: string }).state);
      expect(states).toEqual(['starting', 'running', 'exited']);
      const events = c.events
        .filter((e) => e.name === 'run.events')
        .flatMap(
          (e) =>
            (
              e.payload as {
                runId: string;
                events: { type: string; data?: string; name?: string }[];
              }
            ).events,
        );
      expect(c.events.every((e) => (e.payload as { runId: string }).runId === runId)).toBe(true);
      expect(events.some((e) => e.type === 'stdout' && e.data?.includes('web-run'))).toBe(true);
      expect(events.some((e) => e.type === 'syscall')).toBe(true);
      expect(events.some((e) => e.type === 'exit')).toBe(true);
      // Coalesced: far fewer messages than events.
      expect(c.events.filter((e) => e.name === 'run.events').length).toBeLessThan(events.length);
      c.socket.close();
    },
  );

  const sleeper = (seconds: string) =>
    `version: 1\ntarget: { command: [/bin/sleep, "${seconds}"] }\nlinux:\n  seccomp:\n    default: allow\n`;

  async function waitForState(c: Connection, state: string): Promise<{ message?: string }> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const found = c.events.find(
        (e) => e.name === 'run.state' && (e.payload as { state: string }).state === state,
      );
      if (found) return found.payload as { message?: string };
      if (Date.now() > deadline) throw new Error(`no ${state} state`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function processesRunning(argument: string): Promise<number> {
    const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
    const commands = await Promise.all(
      pids.map((pid) => readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')),
    );
    return commands.filter((cmd) => cmd.split('\0').includes(argument)).length;
  }

  it.skipIf(!supervisorReady)('stops a run on run.stop', async () => {
    const c = await connect();
    const started = (await c.call('run.start', {
      mode: 'learn',
      policyText: sleeper('30.25'),
    })) as {
      result: { runId: string };
    };
    await waitForState(c, 'running');
    expect(await processesRunning('30.25')).toBe(1);
    expect(await c.call('run.stop', { runId: started.result.runId })).toMatchObject({ ok: true });
    expect((await waitForState(c, 'exited')).message).toMatch(/^stopped: /);
    expect(await processesRunning('30.25')).toBe(0);
    c.socket.close();
  });

  it.skipIf(!supervisorReady)('stops the runs of a socket that closes', async () => {
    const c = await connect();
    await c.call('run.start', { mode: 'check', policyText: sleeper('30.5') });
    await waitForState(c, 'running');
    expect(await processesRunning('30.5')).toBe(1);
    c.socket.close();
    const deadline = Date.now() + 10_000;
    while ((await processesRunning('30.5')) > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await processesRunning('30.5')).toBe(0);
  });

  it('rejects run.start for a policy with errors, with line:col', async () => {
    const c = await connect();
    const reply = await c.call('run.start', {
      mode: 'check',
      policyText: 'version: 1\nlinux: { seccomp: { default: nope } }\n',
    });
    expect(reply.ok).toBe(false);
    expect(reply.error).toMatch(/^the policy has errors: 2:\d+: /);
    c.socket.close();
  });
});
