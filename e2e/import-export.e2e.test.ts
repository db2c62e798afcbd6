import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium, root, startWebStudio, type WebStudio } from './helpers';

const SHOTS = join(root, 'docs', 'screenshots');
const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

type AxeRun = (
  context: Element,
  options: object,
) => Promise<{ violations: { id: string; impact?: string | null; help: string }[] }>;

/** axe-core's serious and critical violations inside the open import or export dialog. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: AxeRun } }).axe;
    const dialog = document.querySelector('.ie-modal');
    if (!dialog) return ['the dialog is not there'];
    const { violations } = await axe.run(dialog, {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
      },
      resultTypes: ['violations'],
    });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help}`);
  });
}

/** Monaco renders spaces as no-break spaces; normalize them. */
async function editorText(page: Page): Promise<string> {
  return (await page.locator('.monaco-editor .view-lines').innerText()).replace(/\s/g, ' ');
}

const errorCount = (page: Page) => page.locator('.status-bar .diag-errors').textContent();

async function newPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage({
    viewport: { width: 1400, height: 900 },
    acceptDownloads: true,
  });
  await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
  return page;
}

const enabled = process.platform === 'linux' && chromiumAvailable();

describe.runIf(enabled)('import and export in web mode (Chromium)', () => {
  let browser: Browser;
  let studio: WebStudio;
  let workspace: string;

  beforeAll(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'ss-e2e-import-export-'));
    const example = join(root, 'examples', 'layers.sandbox.yaml');
    copyFileSync(example, join(workspace, 'layers.sandbox.yaml'));
    studio = await startWebStudio(workspace);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it('exports the example policy as systemd and as C, with warnings at its lines', async () => {
    const page = await newPage(browser);
    await page.goto(studio.url);
    const open = page.getByRole('button', { name: 'Open', exact: true });
    await expect.poll(() => open.isEnabled(), { timeout: 15_000 }).toBe(true);
    await open.click();
    await page.getByText('layers.sandbox.yaml', { exact: true }).first().click();
    await expect.poll(() => page.title(), { timeout: 10_000 }).toMatch(/^layers\.sandbox\.yaml/);
    await expect.poll(() => errorCount(page), { timeout: 10_000 }).toBe('✕ 0');

    // By its shortcut.
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Shift+Alt+X');
    const dialog = page.getByRole('dialog', { name: 'Export policy' });
    await expect.poll(() => dialog.count()).toBe(1);
    const output = dialog.getByLabel('Exported text');
    const warnings = dialog.getByRole('list', { name: 'What this format cannot express' });

    await dialog.locator('input[type="radio"][value="systemd"]').check();
    await expect.poll(() => output.textContent()).toContain('SystemCallFilter=');
    expect(await warnings.textContent()).toMatch(/\d+:\d+warning:/);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'export.png') });

    await dialog.locator('input[type="radio"][value="c"]').check();
    await expect.poll(() => output.textContent()).toContain('#include');
    expect(await warnings.textContent()).toContain('namespaces is not in the exported C');

    const downloading = page.waitForEvent('download');
    await dialog.getByRole('button', { name: 'Download' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('layers.seccomp.c');
    const path = await download.path();
    expect(readFileSync(path, 'utf8')).toBe(await output.textContent());

    // An exporter's refusal is an error, and nothing to copy.
    await dialog.locator('input[type="radio"][value="windows-c"]').check();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('windows');
    expect(await dialog.getByRole('button', { name: 'Copy' }).isDisabled()).toBe(true);

    // A warning's location shows its line in the editor.
    await dialog.locator('input[type="radio"][value="c"]').check();
    const location = warnings.getByRole('button').first();
    const line = Number(/^(\d+):/.exec((await location.textContent()) ?? '')?.[1]);
    await location.click();
    await expect.poll(() => dialog.count()).toBe(0);
    const activeLine = page.locator('.monaco-editor .line-numbers.active-line-number');
    await expect.poll(() => activeLine.textContent().then(Number)).toBe(line);
    await page.close();
  });

  it('is unavailable with a reason while the policy has errors', async () => {
    const page = await newPage(browser);
    await page.goto(studio.url);
    await expect.poll(() => editorText(page), { timeout: 15_000 }).toContain('version: 1');
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\nbogus: [');
    await expect.poll(() => errorCount(page), { timeout: 10_000 }).not.toBe('✕ 0');
    await page.keyboard.press('Shift+Alt+X');
    const dialog = page.getByRole('dialog', { name: 'Export policy' });
    await expect.poll(() => dialog.getByRole('alert').textContent()).toMatch(/^The policy has/);
    expect(await dialog.getByRole('button', { name: 'Download' }).isDisabled()).toBe(true);
    await page.close();
  });

  it("imports Docker's default profile from a file and opens it as a policy", async () => {
    const page = await newPage(browser);
    await page.goto(studio.url);
    await expect.poll(() => editorText(page), { timeout: 15_000 }).toContain('version: 1');

    // Through the command palette.
    await page.keyboard.press('Control+Shift+P');
    await page.keyboard.type('import policy');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Import policy' });
    await expect.poll(() => dialog.count()).toBe(1);

    // Pasted text that is not a profile: an error at its line and column.
    await dialog.getByLabel('or paste the text').fill('{\n  "defaultAction": 3\n}');
    await expect.poll(() => dialog.getByRole('alert').textContent()).toMatch(/\d+:\d+error:/);
    expect(await dialog.getByRole('button', { name: 'Open as policy' }).isDisabled()).toBe(true);

    await dialog
      .locator('input[type="file"]')
      .setInputFiles(join(root, 'bench', 'profiles', 'docker-default.json'));
    const preview = dialog.getByLabel('Imported policy');
    await expect.poll(() => preview.textContent(), { timeout: 10_000 }).toContain('version: 1');
    expect(await dialog.getByLabel('or paste the text').inputValue()).toBe('');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'import.png') });

    await dialog.getByRole('button', { name: 'Open as policy' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => editorText(page), { timeout: 10_000 }).toContain('docker-default.json');
    await expect.poll(() => page.title()).toMatch(/^● untitled/);
    await expect.poll(() => errorCount(page), { timeout: 10_000 }).toBe('✕ 0');
    expect(await page.locator('.monaco-editor .squiggly-error').count()).toBe(0);
    await page.close();
  });
});
