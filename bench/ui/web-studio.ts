import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface WebStudio {
  /** The URL with its token, as `serve` prints it. */
  readonly url: string;
  close(): Promise<void>;
}

const STARTUP_MS = 20_000;

/** Starts `sandbox-studio serve` (from dist/) on a free port for the workspace. */
export function startWebStudio(root: string, workspace: string): Promise<WebStudio> {
  const cli = join(root, 'dist', 'main', 'cli.mjs');
  if (!existsSync(cli)) throw new Error('dist/main/cli.mjs is missing: run `npm run build` first');
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--workspace', workspace], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const close = (): Promise<void> =>
    new Promise((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      void close();
      reject(new Error(`serve printed no URL within ${STARTUP_MS} ms: ${out}`));
    }, STARTUP_MS);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const url = tokenUrl(out);
      if (url === undefined) return;
      clearTimeout(timer);
      resolve({ url, close });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${out}`));
    });
  });
}

/** The first `http://127.0.0.1:PORT/?token=...` in the server's output. */
export function tokenUrl(output: string): string | undefined {
  return /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output)?.[1];
}
