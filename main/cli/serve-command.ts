import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { rendererDir } from '../paths';
import { startWebServer } from '../web/server';
import { CliError, EXIT_OK, EXIT_USAGE } from './cli-error';
import type { CliIo } from './cli-io';

/**
 * The port web mode listens on unless told otherwise. A stable port keeps the page's origin, and
 * with it the browser storage where unsaved drafts and preferences live, across restarts.
 */
export const USUAL_WEB_PORT = 4780;

export interface ServeOptions {
  /** Absent: USUAL_WEB_PORT, or any free port when that one is taken. */
  readonly port?: number;
  readonly host: string;
  readonly workspace?: string;
  readonly open: boolean;
}

/** `serve`: web mode until `shutdown` resolves (SIGINT or SIGTERM), then every run is stopped. */
export async function serveCommand(
  options: ServeOptions,
  io: CliIo,
  shutdown: () => Promise<unknown> = waitForSignal,
): Promise<number> {
  const workspace = resolve(options.workspace ?? process.cwd());
  const info = await stat(workspace).catch(() => undefined);
  if (!info?.isDirectory())
    throw new CliError(`workspace ${workspace} is not a folder`, EXIT_USAGE);
  const renderer = rendererDir();
  if (!existsSync(renderer)) {
    io.stderr(`warning: ${renderer} is missing: run \`npm run build\` to build the UI\n`);
  }
  let server: Awaited<ReturnType<typeof startWebServer>>;
  const start = (port: number) =>
    startWebServer({ port, host: options.host, workspace, rendererDir: renderer });
  try {
    server = await start(options.port ?? USUAL_WEB_PORT).catch(async (error: unknown) => {
      const code = (error as NodeJS.ErrnoException | undefined)?.code;
      if (options.port !== undefined || code !== 'EADDRINUSE') throw error;
      io.stderr(
        `port ${USUAL_WEB_PORT} is taken: using another one (unsaved drafts of earlier sessions stay with port ${USUAL_WEB_PORT}'s page)\n`,
      );
      return start(0);
    });
  } catch (error) {
    throw new CliError(describeListenError(error, options), EXIT_USAGE);
  }
  // Listen for the signal before printing the URL: whoever reads it may signal us right away.
  const stopped = shutdown();
  io.stdout(`Sandbox Studio (web mode) listening: ${server.url}\n`);
  io.stderr(`workspace: ${workspace}\nPress Ctrl+C to stop.\n`);
  if (options.open) openInBrowser(server.url, io);
  await stopped;
  io.stderr('stopping...\n');
  await server.close();
  return EXIT_OK;
}

function describeListenError(error: unknown, options: ServeOptions): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return `port ${options.port ?? USUAL_WEB_PORT} on ${options.host} is already in use`;
  }
  if (code === 'EADDRNOTAVAIL') return `${options.host} is not an address of this machine`;
  return error instanceof Error ? error.message : String(error);
}

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((done) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      done(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

function openInBrowser(url: string, io: CliIo): void {
  const child = spawn('xdg-open', [url], { detached: true, stdio: 'ignore' });
  child.on('error', () =>
    io.stderr('could not start a browser (xdg-open): open the URL yourself\n'),
  );
  child.unref();
}
