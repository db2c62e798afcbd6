import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../app/policy/parse';
import { chromiumAvailable, launchChromium, root, startWebStudio, type WebStudio } from './helpers';

const SLEEPER = `version: 1
name: A target that runs until it is stopped
target:
  command: [/bin/sh, -c, "echo started; sleep 300 & sleep 300; wait"]
linux:
  seccomp:
    default: allow
`;

/** Monaco renders spaces as no-break spaces; normalize them to compare with the file. */
async function editorText(page: Page): Promise<string> {
  return ((await page.locator('.monaco-editor').textContent()) ?? '').replace(/\s/g, ' ');
}

const enabled = process.platform === 'linux' && chromiumAvailable();

describe.runIf(enabled)('the core loop in web mode (Chromium)', () => {
  let browser: Browser;
  let studio: WebStudio;
  let workspace: string;

  beforeAll(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'ss-e2e-'));
    copyFileSync(join(root, 'examples', 'ls.sandbox.yaml'), join(workspace, 'ls.sandbox.yaml'));
    writeFileSync(join(workspace, 'sleeper.sandbox.yaml'), SLEEPER);
    studio = await startWebStudio(workspace);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
  });

  it('open the example, Learn, Allow observed, Check: ran cleanly; then Save', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(studio.url);

    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByText('ls.sandbox.yaml').first().click();
    await expect
      .poll(() => page.locator('.monaco-editor').textContent(), { timeout: 15_000 })
      .toContain('/bin/ls');

    await page.getByRole('button', { name: 'Learn', exact: true }).click();
    const rows = page.getByTestId('event-table').getByRole('row');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThan(5);
    await expect
      .poll(() => page.getByTestId('event-table').textContent(), { timeout: 30_000 })
      .toContain('openat');

    const allow = page.getByRole('button', { name: 'Allow observed', exact: true });
    await expect.poll(() => allow.isEnabled(), { timeout: 30_000 }).toBe(true);
    mkdirSync(join(root, 'docs', 'screenshots'), { recursive: true });
    await page.screenshot({ path: join(root, 'docs', 'screenshots', 'learn.png') });
    await allow.click();
    await expect.poll(() => page.locator('.monaco-editor').textContent()).toContain('openat');

    const check = page.getByRole('button', { name: 'Check', exact: true });
    await expect.poll(() => check.isEnabled(), { timeout: 30_000 }).toBe(true);
    await check.click();
    await expect
      .poll(() => page.getByTestId('verdict').textContent(), { timeout: 30_000 })
      .toContain('ran cleanly');

    await page.screenshot({ path: join(root, 'docs', 'screenshots', 'check.png') });

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect
      .poll(() => readFileSync(join(workspace, 'ls.sandbox.yaml'), 'utf8'), { timeout: 10_000 })
      .toContain('openat');
    const saved = parsePolicy(readFileSync(join(workspace, 'ls.sandbox.yaml'), 'utf8'));
    expect(saved.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it('Stop ends the whole run, and policy errors are shown in the editor and block a run', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await page.goto(studio.url);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByText('sleeper.sandbox.yaml').first().click();
    await expect.poll(() => editorText(page), { timeout: 15_000 }).toContain('sleep 300');

    await page.getByRole('button', { name: 'Learn', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('event-table').textContent(), { timeout: 30_000 })
      .toContain('started');
    const stop = page.getByRole('button', { name: 'Stop', exact: true });
    expect(await stop.isEnabled()).toBe(true);
    const stoppedAt = Date.now();
    await stop.click();
    await expect
      .poll(() => page.getByRole('status').first().textContent(), { timeout: 10_000 })
      .toMatch(/exited|failed/);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(await page.getByRole('button', { name: 'Learn', exact: true }).isEnabled()).toBe(true);
    const exit = page.getByTestId('event-table').getByRole('row').filter({ hasText: 'exit' });
    await expect.poll(() => exit.last().textContent(), { timeout: 5_000 }).toContain('SIGKILL');

    // Break the policy: an unknown syscall is underlined and Learn/Check are disabled.
    await page.locator('.monaco-editor').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\n    rules:\n      - allow: [opnat]');
    await expect
      .poll(() => page.getByRole('contentinfo').textContent(), { timeout: 5_000 })
      .toMatch(/1 error|✕\s*1|×\s*1/);
    await expect
      .poll(() => page.getByRole('button', { name: 'Learn', exact: true }).isEnabled())
      .toBe(false);
    await page.screenshot({ path: join(root, 'docs', 'screenshots', 'diagnostics.png') });
  });
});
