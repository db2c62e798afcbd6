import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium, root, startWebStudio, type WebStudio } from './helpers';

// No newline at the end: Control+End then lands right after `]` of the last rule.
const POLICY = `version: 1
name: what-if in the editor
target:
  command: [/bin/true]
linux:
  seccomp:
    arch: [x86_64]
    default: kill-process
    rules:
      - allow: [brk]`;

const enabled = process.platform === 'linux' && chromiumAvailable();

/**
 * The what-if marks of the table's rows for syscall `name`. The table is virtualized: it is
 * scrolled to the top, where the first rows (the dynamic loader's openat and close calls) are.
 */
async function whatIfMarks(page: Page, name: string): Promise<string[]> {
  await page
    .getByTestId('event-table')
    .getByRole('rowgroup', { name: 'Events, scrollable' })
    .evaluate((body) => body.scrollTo({ top: 0 }));
  const table = page.getByTestId('event-table');
  return table
    .getByRole('row')
    .filter({ has: page.locator('.cell-name', { hasText: new RegExp(`^${name}$`) }) })
    .locator('[data-whatif]')
    .evaluateAll((cells) => cells.map((c) => c.getAttribute('data-whatif') ?? ''));
}

/** Monaco renders spaces as no-break spaces; normalize them to compare with the text typed. */
async function editorText(page: Page): Promise<string> {
  return ((await page.locator('.monaco-editor').textContent()) ?? '').replace(/\s/g, ' ');
}

describe.runIf(enabled)('live what-if in web mode (Chromium)', () => {
  let browser: Browser;
  let studio: WebStudio;

  beforeAll(async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'ss-whatif-'));
    writeFileSync(join(workspace, 'true.sandbox.yaml'), POLICY);
    studio = await startWebStudio(workspace);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
  });

  it('marks recorded syscalls the edited policy would allow, without running again', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1800 } });
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(studio.url);

    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByText('true.sandbox.yaml').first().click();
    await expect
      .poll(() => page.locator('.monaco-editor').textContent(), { timeout: 15_000 })
      .toContain('/bin/true');

    await page.getByRole('button', { name: 'Learn', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('verdict').textContent(), { timeout: 30_000 })
      .toContain('learned');
    const summary = page.getByTestId('whatif-summary');
    await expect.poll(() => summary.textContent(), { timeout: 10_000 }).toMatch(/0 allowed now/);
    const eventsBefore = await page.locator('.event-counts').textContent();

    // The openat calls: denied, as in the run.
    await expect.poll(() => whatIfMarks(page, 'openat'), { timeout: 10_000 }).not.toHaveLength(0);
    expect(new Set(await whatIfMarks(page, 'openat'))).toEqual(new Set(['denied']));

    // Allow openat in the editor: the marks follow as soon as the policy is re-analyzed.
    await page.locator('.monaco-editor').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.type(', openat');
    await page.keyboard.press('Escape');
    await expect.poll(() => editorText(page)).toContain('allow: [brk, openat]');
    await expect
      .poll(async () => new Set(await whatIfMarks(page, 'openat')), { timeout: 10_000 })
      .toEqual(new Set(['allowed']));
    expect(new Set(await whatIfMarks(page, 'close'))).toEqual(new Set(['denied']));
    await expect.poll(() => summary.textContent()).toMatch(/[1-9]\d* allowed now/);
    expect(await summary.textContent()).toMatch(/still denied/);

    // Nothing ran again: the same events, the same finished run.
    expect(await page.locator('.event-counts').textContent()).toBe(eventsBefore);
    expect(await page.getByTestId('verdict').textContent()).toContain('learned');

    await page.keyboard.press('Escape'); // the completion list, if it opened meanwhile
    mkdirSync(join(root, 'docs', 'screenshots'), { recursive: true });
    await page.screenshot({ path: join(root, 'docs', 'screenshots', 'whatif.png') });

    // Another default action: what stays denied is now denied otherwise ("changed").
    await page.locator('.monaco-editor').click();
    await page.keyboard.press('Control+Home');
    for (let line = 1; line < 8; line++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    for (let i = 0; i < 'kill-process'.length; i++) await page.keyboard.press('Backspace');
    await page.keyboard.type('errno EPERM');
    await page.keyboard.press('Escape');
    await expect.poll(() => editorText(page)).toContain('default: errno EPERM');
    await expect.poll(() => summary.textContent(), { timeout: 10_000 }).toMatch(/[1-9]\d* changed/);
    await expect.poll(() => summary.textContent()).toMatch(/ 0 still denied/);
    await expect
      .poll(async () => new Set(await whatIfMarks(page, 'close')), { timeout: 10_000 })
      .toEqual(new Set(['changed']));
    expect(new Set(await whatIfMarks(page, 'openat'))).toEqual(new Set(['allowed']));
    expect(await page.locator('.event-counts').textContent()).toBe(eventsBefore);
    expect(consoleErrors).toEqual([]);
  });
});
