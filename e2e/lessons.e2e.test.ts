import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lessons } from '../app/lessons/catalog';
import { chromiumAvailable, launchChromium, root, startWebStudio, type WebStudio } from './helpers';

const enabled = process.platform === 'linux' && chromiumAvailable();

/** Monaco renders spaces as no-break spaces; normalize them to compare with the policy. */
async function editorText(page: Page): Promise<string> {
  return ((await page.locator('.monaco-editor .view-lines').textContent()) ?? '').replace(
    /\s/g,
    ' ',
  );
}

const first = lessons[0];

describe.runIf(enabled && first !== undefined)('the Lessons panel in web mode (Chromium)', () => {
  let browser: Browser;
  let studio: WebStudio;

  beforeAll(async () => {
    studio = await startWebStudio(mkdtempSync(join(tmpdir(), 'ss-lessons-')));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
  });

  it('lesson 1 from the palette: start, run (not met), show the solution, run again (met)', async () => {
    const lesson = first!;
    // Wide enough for the panel beside the editor and the run panel.
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(studio.url);
    await expect.poll(() => editorText(page), { timeout: 15_000 }).toContain('version: 1');
    const check = page.getByRole('button', { name: 'Check', exact: true });
    await expect.poll(() => check.isEnabled(), { timeout: 15_000 }).toBe(true);

    // Open from the command palette; the focus moves into the panel.
    await page.keyboard.press('Control+Shift+P');
    await page.keyboard.type('lessons');
    await page.keyboard.press('Enter');
    const panel = page.getByRole('complementary', { name: 'Lessons' });
    await expect.poll(() => panel.count()).toBe(1);
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent ?? ''))
      .toBe('Lessons');
    await expect.poll(() => panel.getByRole('listitem').count()).toBe(lessons.length);

    // The lesson, its steps one at a time.
    await panel
      .getByRole('button', { name: new RegExp(`Lesson 1: ${escape(lesson.title)}`) })
      .click();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent ?? ''))
      .toBe(lesson.title);
    const count = `of ${lesson.steps.length}`;
    await expect.poll(() => panel.textContent()).toContain(`Step 1 ${count}`);
    if (lesson.steps.length > 1) {
      await panel.getByRole('button', { name: 'Next', exact: true }).click();
      await expect.poll(() => panel.textContent()).toContain(`Step 2 ${count}`);
      await panel.getByRole('button', { name: 'Back', exact: true }).click();
      await expect.poll(() => panel.textContent()).toContain(`Step 1 ${count}`);
    }

    // Start: the program compiles, its starting policy opens as a new document.
    await panel.getByRole('button', { name: 'Start lesson', exact: true }).click();
    const runGoal = panel.getByRole('button', { name: /^Run (Learn|Check|Enforce)/ });
    await expect.poll(() => runGoal.count(), { timeout: 60_000 }).toBe(1);
    await expect.poll(() => page.title()).toMatch(/^● untitled/);
    await expect.poll(() => runGoal.isEnabled(), { timeout: 15_000 }).toBe(true);

    // The starting policy does not meet the goal: not met, with a reason.
    await runGoal.click();
    const outcome = page.getByTestId('lesson-outcome');
    await expect
      .poll(() => outcome.textContent(), { timeout: 60_000 })
      .toContain('Goal not met yet');
    expect(await outcome.getByRole('listitem').count()).toBeGreaterThan(0);

    // The solution, after confirming; then the goal is met.
    const before = await editorText(page);
    await panel.getByRole('button', { name: 'Show solution', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.textContent()).toContain('Show the solution');
    await dialog.getByRole('button', { name: 'Show solution', exact: true }).click();
    await expect.poll(() => editorText(page), { timeout: 15_000 }).not.toBe(before);
    await expect.poll(() => runGoal.isEnabled(), { timeout: 15_000 }).toBe(true);
    await runGoal.click();
    await expect.poll(() => outcome.textContent(), { timeout: 60_000 }).toContain('Goal met');
    expect(await outcome.textContent()).not.toContain('not met');

    mkdirSync(join(root, 'docs', 'screenshots'), { recursive: true });
    await page.screenshot({ path: join(root, 'docs', 'screenshots', 'lessons.png') });

    // Back to the list: lesson 1 is marked met; Escape closes and the mark survives a reload.
    await panel.getByRole('button', { name: 'All lessons' }).click();
    const item = panel.getByRole('button', { name: /Lesson 1: .*\(goal met\)/ });
    await expect.poll(() => item.count()).toBe(1);
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-lesson-id')))
      .toBe(lesson.id);
    await page.keyboard.press('Escape');
    await expect.poll(() => panel.count()).toBe(0);

    page.on('dialog', (d) => void d.accept()); // the browser's "leave the page?" prompt
    await page.reload();
    await expect.poll(() => editorText(page), { timeout: 15_000 }).toContain('version: 1');
    // The toolbar's button opens it too, on the list (the student left the lesson for it).
    await page.getByRole('button', { name: 'Lessons', exact: true }).click();
    await expect.poll(() => panel.count()).toBe(1);
    await expect.poll(() => item.count()).toBe(1);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
