import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../app/policy/parse';
import { chromiumAvailable, launchChromium, root, startWebStudio, type WebStudio } from './helpers';

const enabled = process.platform === 'linux' && chromiumAvailable();

describe.runIf(enabled)('the core loop in web mode (Chromium)', () => {
  let browser: Browser;
  let studio: WebStudio;
  let workspace: string;

  beforeAll(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'ss-e2e-'));
    copyFileSync(join(root, 'examples', 'ls.sandbox.yaml'), join(workspace, 'ls.sandbox.yaml'));
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
});
