// The studio in Electron: the same core loop as e2e/core-loop.e2e.test.ts (open, Learn, Allow
// observed, Check, Save) through the Electron shell — native dialogs, the IPC bridge, and runs whose
// launcher is the Electron binary itself in ELECTRON_RUN_AS_NODE mode. Runs wherever an Electron
// binary and a display exist; says why it skipped otherwise.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parsePolicy } from '../app/policy/parse';
import { root } from './helpers';

/** The Electron binary, or why there is none (it cannot be downloaded on every machine). */
function electronBinary(): { path: string } | { reason: string } {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { reason: 'the electron package is installed without its binary' };
  } catch (error) {
    return {
      reason: `no Electron binary (${error instanceof Error ? error.message.split('\n')[0] : error})`,
    };
  }
}

/** Electron needs a display server on Linux (e.g. run under xvfb-run). */
function missingDisplay(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  if (process.env.DISPLAY || process.env.WAYLAND_DISPLAY) return undefined;
  return 'no display (DISPLAY or WAYLAND_DISPLAY): run the spec under xvfb-run';
}

const binary = electronBinary();
const skipReason = 'reason' in binary ? binary.reason : missingDisplay();
if (skipReason) console.warn(`skipping the Electron e2e spec: ${skipReason}`);

/** Starts the studio from the built dist/ with its own user data folder. */
function launchStudio(executablePath: string, configHome: string): Promise<ElectronApplication> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && name !== 'ELECTRON_RUN_AS_NODE') env[name] = value;
  }
  // app.getPath('userData') is under XDG_CONFIG_HOME on Linux: saved runs and the single-instance
  // lock stay in the test's folder.
  env.XDG_CONFIG_HOME = configHome;
  return electron.launch({
    executablePath,
    // Chromium refuses to start as root with its sandbox (CI runs as root); the renderer is still
    // Electron-sandboxed (no Node, context isolation), which the first test checks.
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), root],
    env,
    timeout: 60_000,
  });
}

/** The native dialogs answer as a user would: open `path`, close without asking. */
async function answerDialogs(app: ElectronApplication, path: string): Promise<void> {
  await app.evaluate(({ dialog }, policyPath) => {
    const open = () => Promise.resolve({ canceled: false, filePaths: [policyPath] });
    dialog.showOpenDialog = open as unknown as typeof dialog.showOpenDialog;
    dialog.showMessageBoxSync = (() => 0) as unknown as typeof dialog.showMessageBoxSync;
  }, path);
}

async function studioWindow(app: ElectronApplication): Promise<Page> {
  const page = await app.firstWindow();
  await expect
    .poll(() => page.locator('.monaco-editor').count(), { timeout: 30_000 })
    .toBeGreaterThan(0);
  return page;
}

describe.skipIf(skipReason !== undefined)('the studio in Electron', () => {
  let app: ElectronApplication | undefined;
  let work: string;

  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'ss-electron-'));
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    rmSync(work, { recursive: true, force: true });
  });

  it('opens a sandboxed window with the editor and the run controls', async () => {
    app = await launchStudio((binary as { path: string }).path, join(work, 'config'));
    const page = await studioWindow(app);
    await expect
      .poll(() => page.getByRole('button', { name: 'Learn', exact: true }).count())
      .toBe(1);
    // The renderer must not reach Node: no require, no process.
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
      'undefined',
    );
    expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe(
      'undefined',
    );
  });

  it('open the example, Learn, Allow observed, Check: ran cleanly; then Save', async () => {
    const policyPath = join(work, 'ls.sandbox.yaml');
    copyFileSync(join(root, 'examples', 'ls.sandbox.yaml'), policyPath);
    app = await launchStudio((binary as { path: string }).path, join(work, 'config'));
    const page = await studioWindow(app);
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await answerDialogs(app, policyPath);

    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect
      .poll(() => page.locator('.monaco-editor').textContent(), { timeout: 15_000 })
      .toContain('/bin/ls');

    // The launcher of this run is the Electron binary with ELECTRON_RUN_AS_NODE=1.
    await page.getByRole('button', { name: 'Learn', exact: true }).click();
    const rows = page.getByTestId('event-table').getByRole('row');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThan(5);
    await expect
      .poll(() => page.getByTestId('event-table').textContent(), { timeout: 30_000 })
      .toContain('openat');

    const allow = page.getByRole('button', { name: 'Allow observed', exact: true });
    await expect.poll(() => allow.isEnabled(), { timeout: 30_000 }).toBe(true);
    await allow.click();
    await expect.poll(() => page.locator('.monaco-editor').textContent()).toContain('openat');

    const check = page.getByRole('button', { name: 'Check', exact: true });
    await expect.poll(() => check.isEnabled(), { timeout: 30_000 }).toBe(true);
    await check.click();
    await expect
      .poll(() => page.getByTestId('verdict').textContent(), { timeout: 30_000 })
      .toContain('ran cleanly');

    // Save writes back to the file the native dialog opened.
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect
      .poll(() => readFileSync(policyPath, 'utf8'), { timeout: 10_000 })
      .toContain('openat');
    const saved = parsePolicy(readFileSync(policyPath, 'utf8'));
    expect(saved.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
