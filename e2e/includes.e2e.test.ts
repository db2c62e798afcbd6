import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium, startWebStudio, type WebStudio } from './helpers';

// The included file denies uname, which /bin/uname needs and the dynamic loader does not: a
// denial of uname in the run shows that the backend followed the include too.
const MAIN = `version: 1
name: uname with an included rule
include: [lib/deny-uname.yaml]
target: { command: [/bin/uname] }
linux:
  seccomp:
    default: allow
`;
const INCLUDED = `version: 1
linux:
  seccomp:
    rules:
      - errno: EPERM
        syscalls: [uname]
`;
const COMPLETION = `version: 1
target: { command: [/bin/true] }
linux:
  seccomp:
    default: allow
    rules:
      - allow:
          - read
          - X
`;

/** Monaco renders spaces as no-break spaces; normalize them to compare with the file. */
async function editorText(page: Page): Promise<string> {
  return (await page.locator('.monaco-editor .view-lines').innerText()).replace(/\s/g, ' ');
}

async function openFromWorkspace(page: Page, url: string, name: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByText(name, { exact: true }).first().click();
}

const errorCount = (page: Page) => page.locator('.status-bar .diag-errors').textContent();

const enabled = process.platform === 'linux' && chromiumAvailable();

describe.runIf(enabled)('includes and completion in web mode (Chromium)', () => {
  let browser: Browser;
  let studio: WebStudio;
  let workspace: string;

  beforeAll(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'ss-e2e-includes-'));
    mkdirSync(join(workspace, 'lib'));
    writeFileSync(join(workspace, 'uname.sandbox.yaml'), MAIN);
    writeFileSync(join(workspace, 'lib', 'deny-uname.yaml'), INCLUDED);
    writeFileSync(join(workspace, 'complete.sandbox.yaml'), COMPLETION);
    studio = await startWebStudio(workspace);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it("an opened policy's include is read: no error marker, and Check applies the included rule", async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    const consoleErrors: string[] = [];
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await openFromWorkspace(page, studio.url, 'uname.sandbox.yaml');
    await expect.poll(() => editorText(page), { timeout: 15_000 }).toContain('deny-uname');

    const check = page.getByRole('button', { name: 'Check', exact: true });
    await expect.poll(() => check.isEnabled(), { timeout: 15_000 }).toBe(true);
    expect(await errorCount(page)).toBe('✕ 0');
    expect(await page.locator('.monaco-editor .squiggly-error').count()).toBe(0);

    await check.click();
    const denied = page.getByTestId('event-table').getByRole('row').filter({ hasText: 'denied' });
    await expect.poll(() => denied.first().textContent(), { timeout: 30_000 }).toContain('uname');
    expect(consoleErrors).toEqual([]);
  });

  it('an include that cannot be read is an error at its entry, and blocks runs', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await openFromWorkspace(page, studio.url, 'uname.sandbox.yaml');
    await expect.poll(() => editorText(page), { timeout: 15_000 }).toContain('deny-uname');
    await page.getByText('deny-uname', { exact: false }).first().dblclick();
    await page.keyboard.type('missing');
    await expect.poll(() => errorCount(page), { timeout: 10_000 }).toBe('✕ 1');
    await expect
      .poll(() => page.getByRole('button', { name: 'Check', exact: true }).isEnabled())
      .toBe(false);
  });

  it('completing a syscall group inserts it quoted, a syscall name unquoted', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await openFromWorkspace(page, studio.url, 'complete.sandbox.yaml');
    await expect.poll(() => editorText(page), { timeout: 15_000 }).toContain('- X');

    await page.getByText('X', { exact: true }).click();
    await page.keyboard.press('End');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('@basic-i');
    await page.keyboard.press('Control+Space');
    const suggestions = page.locator('.suggest-widget .monaco-list-row');
    await expect
      .poll(() => suggestions.first().textContent(), { timeout: 15_000 })
      .toContain('@basic-io');
    await page.keyboard.press('Enter');
    await expect.poll(() => editorText(page)).toContain('- "@basic-io"');

    await page.keyboard.type('\n- exit_gr');
    await page.keyboard.press('Control+Space');
    await expect
      .poll(() => suggestions.first().textContent(), { timeout: 15_000 })
      .toContain('exit_group');
    await page.keyboard.press('Enter');
    await expect.poll(() => editorText(page)).toContain('- exit_group');
    await expect.poll(() => errorCount(page), { timeout: 10_000 }).toBe('✕ 0');
  });
});
