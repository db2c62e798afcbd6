import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const root = join(import.meta.dirname, '..');
export const CHROMIUM = '/usr/bin/chromium';

/** Debian's Chromium; CI installs it, so there a missing browser is a failure, not a skip. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run must install chromium`);
  console.warn(
    `skipping browser e2e tests: ${CHROMIUM} is not installed (apt-get install chromium)`,
  );
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

export interface WebStudio {
  readonly url: string;
  readonly process: ChildProcess;
  close(): Promise<void>;
}

/** Starts `sandbox-studio serve` on a free port and resolves with the printed URL (with token). */
export function startWebStudio(workspace: string): Promise<WebStudio> {
  const cli = join(root, 'dist', 'main', 'cli.mjs');
  if (!existsSync(cli)) throw new Error('dist/main/cli.mjs is missing: run `npm run build` first');
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--workspace', workspace], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve printed no URL: ${out}`)), 20_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
      if (!match?.[1]) return;
      clearTimeout(timer);
      resolve({
        url: match[1],
        process: child,
        close: () =>
          new Promise((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
}
