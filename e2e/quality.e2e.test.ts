import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monacoKeyCodeName } from '../renderer/commands/chord';
import { COMMAND_CHORDS } from '../renderer/commands/registry';
import { chromiumAvailable, launchChromium, root, startWebStudio, type WebStudio } from './helpers';
import { monacoDefaultKeybindings } from './monaco-keybindings';

const SCREENSHOTS = join(root, 'docs', 'screenshots');

/** Monaco keybindings the studio takes over on purpose, and why. */
const DELIBERATE_OVERRIDES: Readonly<Record<string, string>> = {
  F1: "Monaco's command list would miss the studio's commands; the studio's palette has them all",
};

describe('shortcuts and Monaco', () => {
  it("no studio shortcut takes one of Monaco's default keybindings (except on purpose)", () => {
    const monaco = new Map(monacoDefaultKeybindings(root).map((b) => [b.chord, b.file]));
    // Guards the reader of Monaco's sources: if its build format changed, it would find nothing.
    expect(monaco.get('CtrlCmd+KeyF')).toBeDefined();
    expect(monaco.get('F8')).toBeDefined();
    const clashes: string[] = [];
    for (const [id, chords] of COMMAND_CHORDS) {
      for (const chord of chords) {
        const name = [
          chord.ctrl && 'CtrlCmd',
          chord.shift && 'Shift',
          chord.alt && 'Alt',
          monacoKeyCodeName(chord),
        ]
          .filter(Boolean)
          .join('+');
        const owner = monaco.get(name);
        if (owner && !DELIBERATE_OVERRIDES[name]) clashes.push(`${id}: ${name} (${owner})`);
      }
    }
    expect(clashes).toEqual([]);
  });
});

const enabled = process.platform === 'linux' && chromiumAvailable();

/** Monaco renders spaces as no-break spaces; normalize them to compare with the file. */
async function editorText(page: Page): Promise<string> {
  return ((await page.locator('.monaco-editor .view-lines').textContent()) ?? '').replace(
    /\s/g,
    ' ',
  );
}

async function openStudio(page: Page, url: string): Promise<void> {
  // Reloading with unsaved changes asks "leave the page?": the tests leave.
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(url);
  await expect.poll(() => editorText(page), { timeout: 15_000 }).toContain('version: 1');
}

const palette = (page: Page) => page.getByRole('dialog', { name: 'Command palette' });
const paneSize = (page: Page) =>
  page.getByRole('separator', { name: 'Resize the editor and the run panel' });

describe.runIf(enabled)('the quality bar in web mode (Chromium)', () => {
  let browser: Browser;
  let studio: WebStudio;

  beforeAll(async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'ss-quality-'));
    copyFileSync(join(root, 'examples', 'ls.sandbox.yaml'), join(workspace, 'ls.sandbox.yaml'));
    studio = await startWebStudio(workspace);
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
  });

  it('the command palette finds and runs a command with the keyboard alone', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await page.emulateMedia({ colorScheme: 'dark' });
    await openStudio(page, studio.url);
    await expect
      .poll(() => page.getByRole('button', { name: 'Learn', exact: true }).isEnabled(), {
        timeout: 15_000,
      })
      .toBe(true);

    // F1 inside the editor opens the studio's palette, not Monaco's own command list.
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('F1');
    await expect.poll(() => palette(page).isVisible()).toBe(true);
    expect(await page.locator('.quick-input-widget:visible').count()).toBe(0);
    const input = palette(page).getByRole('combobox', { name: 'Command to run' });
    expect(await input.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => palette(page).count()).toBe(0);
    // The focus went back into the editor.
    expect(await page.evaluate(() => !!document.activeElement?.closest('.monaco-editor'))).toBe(
      true,
    );

    await page.keyboard.press('Control+Shift+P');
    await expect.poll(() => palette(page).isVisible()).toBe(true);
    const options = palette(page).getByRole('option');
    expect(await options.count()).toBeGreaterThan(10);
    // Every command with its shortcut.
    await page.screenshot({ path: join(SCREENSHOTS, 'palette.png') });
    await page.keyboard.type('ru lea');
    const active = palette(page).locator('[role="option"][aria-selected="true"]');
    await expect.poll(() => active.textContent()).toContain('Learn');
    expect(await active.textContent()).toContain('F5');
    expect(await input.getAttribute('aria-activedescendant')).toBe(await active.getAttribute('id'));

    await page.keyboard.press('Enter');
    await expect.poll(() => palette(page).count()).toBe(0);
    // The table renders only the rows in view and follows the newest: filter to the exec row.
    const filter = page.getByPlaceholder('Filter by type, name, action or output');
    await filter.fill('/bin/true');
    await expect
      .poll(() => page.getByTestId('event-table').textContent(), { timeout: 30_000 })
      .toContain('/bin/true');
    await filter.fill('');

    // The palette remembers: the command just run leads the list next time.
    await page.keyboard.press('Control+Shift+P');
    await expect.poll(() => options.first().textContent()).toContain('Learn');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    // Up from the first option wraps to the last one.
    const last = await options.last().getAttribute('id');
    expect(await input.getAttribute('aria-activedescendant')).toBe(last);
    // The palette's shortcut closes it again.
    await page.keyboard.press('F1');
    await expect.poll(() => palette(page).count()).toBe(0);

    // Focus commands move between the editor and the event filter.
    await page.keyboard.press('Control+Shift+F');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Filter events');
    await page.keyboard.press('Control+Shift+E');
    await expect
      .poll(() => page.evaluate(() => !!document.activeElement?.closest('.monaco-editor')))
      .toBe(true);
    await page.close();
  });

  it('the theme follows the system live, a chosen theme sticks and is remembered', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await page.emulateMedia({ colorScheme: 'dark' });
    await openStudio(page, studio.url);
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const monacoLight = () =>
      page
        .locator('.monaco-editor')
        .first()
        .evaluate((el) => el.classList.contains('vs'));

    expect(await theme()).toBe('dark');
    expect(await background()).toBe('rgb(13, 16, 21)');
    expect(await monacoLight()).toBe(false);

    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(theme).toBe('light');
    expect(await background()).toBe('rgb(238, 241, 245)');
    await expect.poll(monacoLight).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'light.png') });

    // Switch: from following the system (light) to dark, pinned.
    await page.keyboard.press('Shift+Alt+T');
    await expect.poll(theme).toBe('dark');
    await expect.poll(monacoLight).toBe(false);
    const themeButton = page.getByRole('button', { name: /^Color theme:/ });
    expect(await themeButton.getAttribute('aria-label')).toBe(
      'Color theme: dark, not following the system',
    );
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await theme()).toBe('dark');

    await page.reload();
    await expect.poll(() => editorText(page), { timeout: 15_000 }).toContain('version: 1');
    expect(await theme()).toBe('dark');
    await expect.poll(monacoLight).toBe(false);

    // Back to following the system, by the toolbar button this time.
    await themeButton.click();
    await themeButton.click();
    await expect.poll(() => themeButton.getAttribute('aria-label')).toContain('follows the system');
    await expect.poll(theme).toBe('light');
    await page.close();
  });

  it('pane sizes survive a reload', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await openStudio(page, studio.url);
    const splitter = paneSize(page);
    expect(await splitter.getAttribute('aria-valuenow')).toBe('46');
    await splitter.focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
    expect(await splitter.getAttribute('aria-valuenow')).toBe('36');

    // And with the mouse: drag the handle to 60 % of the workspace.
    const box = await page.locator('main.workspace').boundingBox();
    const handle = await splitter.boundingBox();
    if (!box || !handle) throw new Error('the workspace is not laid out');
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, handle.y + 40, { steps: 5 });
    await page.mouse.up();
    const dragged = Number(await splitter.getAttribute('aria-valuenow'));
    expect(dragged).toBeGreaterThanOrEqual(58);
    expect(dragged).toBeLessThanOrEqual(62);
    const editorWidth = async () => (await page.locator('.editor-pane').boundingBox())?.width ?? 0;
    const widthBefore = await editorWidth();

    await page.reload();
    await expect.poll(() => editorText(page), { timeout: 15_000 }).toContain('version: 1');
    expect(Number(await paneSize(page).getAttribute('aria-valuenow'))).toBe(dragged);
    expect(Math.abs((await editorWidth()) - widthBefore)).toBeLessThan(2);

    // Reset Pane Sizes (from the keyboard) brings the default back.
    await page.keyboard.press('Shift+Alt+L');
    await expect.poll(() => paneSize(page).getAttribute('aria-valuenow')).toBe('46');
    await page.close();
  });

  it('unsaved changes survive a reload: offered back, restored on the file', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await openStudio(page, studio.url);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByText('ls.sandbox.yaml').first().click();
    await expect.poll(() => editorText(page), { timeout: 15_000 }).toContain('/bin/ls');

    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\n# kept across a crash');
    await expect.poll(() => editorText(page)).toContain('# kept across a crash');
    // Written shortly after typing pauses, before any unload handler could run.
    await expect
      .poll(() => page.evaluate(() => localStorage.getItem('sandbox-studio.draft') ?? ''))
      .toContain('# kept across a crash');

    await page.reload();
    await expect.poll(() => editorText(page), { timeout: 15_000 }).toContain('version: 1');
    const notice = page.getByRole('region', { name: 'Recovered unsaved changes' });
    await expect.poll(() => notice.textContent()).toContain('ls.sandbox.yaml');
    expect(await editorText(page)).not.toContain('# kept across a crash');
    await expect
      .poll(() => page.getByRole('button', { name: 'Open', exact: true }).isEnabled(), {
        timeout: 15_000,
      })
      .toBe(true);

    await notice.getByRole('button', { name: 'Restore' }).click();
    await expect.poll(() => editorText(page)).toContain('# kept across a crash');
    expect(await editorText(page)).toContain('/bin/ls');
    expect(await notice.count()).toBe(0);
    expect(await page.getByRole('contentinfo').textContent()).toContain('ls.sandbox.yaml');
    await expect.poll(() => page.title()).toMatch(/^● ls\.sandbox\.yaml/);

    // Saving clears the draft: the next start offers nothing.
    await page.keyboard.press('Control+S');
    await expect.poll(() => page.title()).toMatch(/^ls\.sandbox\.yaml/);
    expect(await page.evaluate(() => localStorage.getItem('sandbox-studio.draft'))).toBeNull();
    await page.reload();
    await expect.poll(() => editorText(page), { timeout: 15_000 }).toContain('version: 1');
    expect(await notice.count()).toBe(0);
    await page.close();
  });

  it('a recovered draft can be discarded from the keyboard', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await openStudio(page, studio.url);
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\n# throwaway');
    await expect
      .poll(() => page.evaluate(() => localStorage.getItem('sandbox-studio.draft') ?? ''))
      .toContain('# throwaway');
    await page.reload();
    await expect.poll(() => editorText(page), { timeout: 15_000 }).toContain('version: 1');
    const notice = page.getByRole('region', { name: 'Recovered unsaved changes' });
    await expect.poll(() => notice.textContent()).toContain('untitled policy');

    await page.keyboard.press('Shift+Alt+D');
    await expect.poll(() => notice.count()).toBe(0);
    expect(await page.evaluate(() => localStorage.getItem('sandbox-studio.draft'))).toBeNull();
    expect(await editorText(page)).not.toContain('# throwaway');
    await page.close();
  });
});
