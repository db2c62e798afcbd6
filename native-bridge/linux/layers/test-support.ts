/**
 * For the layer integration tests: runs the BUILT launcher (dist/main/launcher.mjs) the way the
 * supervisor does — stdio ['ignore', 'pipe', 'pipe', 'pipe'], the spec as one JSON line on fd 3,
 * through the namespace stage when the plan asks for namespaces — and collects what comes back.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { LinuxLayerPlan } from '../../../app/sandbox/layer-plan';
import type { LaunchSpec, LauncherMessage } from '../../launch-spec';
import { launcherInvocation, type LauncherInvocation } from '../../namespace-stage';

export const linuxX64 = process.platform === 'linux' && process.arch === 'x64';
export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const builtLauncher = join(root, 'dist', 'main', 'launcher.mjs');

export function requireBuiltLauncher(): void {
  if (linuxX64 && !existsSync(builtLauncher)) {
    throw new Error('dist/main/launcher.mjs is missing: run `node scripts/build.mjs` first');
  }
}

export interface LaunchOutcome {
  readonly messages: readonly LauncherMessage[];
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The pid spawn returned (the stage's when there is one) and the launcher's own. */
  readonly spawnedPid: number;
}

export interface LaunchRequest {
  readonly argv: readonly string[];
  /** A plan as a policy would give it; defaults (bestEffort, rlimits) are filled in by zod. */
  readonly layers?: unknown;
  readonly cwd?: string;
  readonly noNewPrivs?: boolean;
  readonly env?: Record<string, string>;
  readonly filter?: string;
  readonly listener?: boolean;
  /** Override how the launcher is started (e.g. without the namespace stage). */
  readonly invocation?: LauncherInvocation;
  /** Called once per launcher message, e.g. to play the supervisor. */
  readonly onMessage?: (message: LauncherMessage, spawnedPid: number) => void;
  readonly timeoutMs?: number;
}

export function plan(layers: unknown): LinuxLayerPlan {
  return LinuxLayerPlan.parse(layers);
}

export function launch(request: LaunchRequest): Promise<LaunchOutcome> {
  const layers = request.layers === undefined ? undefined : plan(request.layers);
  const [path] = request.argv;
  if (path === undefined) throw new Error('argv is empty');
  const spec: LaunchSpec = {
    path,
    argv: [...request.argv],
    env: request.env ?? { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C' },
    noNewPrivs: request.noNewPrivs ?? true,
    listener: request.listener ?? false,
    ...(request.filter !== undefined ? { filter: request.filter } : {}),
    ...(request.cwd !== undefined ? { cwd: request.cwd } : {}),
    ...(layers ? { layers } : {}),
  };
  const invocation =
    request.invocation ?? launcherInvocation(process.execPath, builtLauncher, layers);
  const child = spawn(invocation.file, [...invocation.args], {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    env: { ELECTRON_RUN_AS_NODE: '1' },
  });
  const spawnedPid = child.pid ?? -1;
  const messages: LauncherMessage[] = [];
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const control = child.stdio[3] as Duplex;
  let buffered = '';
  control.setEncoding('utf8');
  control.on('error', () => undefined);
  control.on('data', (chunk: string) => {
    buffered += chunk;
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const message = JSON.parse(buffered.slice(0, nl)) as LauncherMessage;
      buffered = buffered.slice(nl + 1);
      messages.push(message);
      request.onMessage?.(message, spawnedPid);
    }
  });
  control.write(`${JSON.stringify(spec)}\n`);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`launcher timed out; messages so far: ${JSON.stringify(messages)}`));
    }, request.timeoutMs ?? 20_000);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ messages, stdout, stderr, code, signal, spawnedPid });
    });
  });
}

export const errors = (outcome: LaunchOutcome) =>
  outcome.messages.filter((m) => m.kind === 'error');
export const warnings = (outcome: LaunchOutcome) =>
  outcome.messages.filter((m) => m.kind === 'warning');
export const appliedLayers = (outcome: LaunchOutcome) =>
  outcome.messages.flatMap((m) => (m.kind === 'applied' ? [m.layer] : []));

/** A statically linked C program (it needs no file descriptor to start, unlike ld.so). */
export function compileStatic(name: string, source: string): string {
  const dir = mkdtempSync(join(tmpdir(), `layers-${name}-`));
  chmodSync(dir, 0o755); // other users (the identity layer's) must reach it
  const file = join(dir, `${name}.c`);
  const binary = join(dir, name);
  writeFileSync(file, source);
  execFileSync('cc', ['-static', '-O1', '-Wall', '-Werror', '-o', binary, file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return binary;
}
